// The DKIM public-key record a verifier fetches from <selector>._domainkey.<domain> (RFC 6376
// §3.6.1): v= (optional; first and "DKIM1" when present), k= (key type, default "rsa"), p= (base64
// public key; empty = revoked). Pure; never decodes or trusts the key beyond comparing its text.
#pragma once

#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

struct DkimKeyRecord {
  std::string key_type;   // "rsa", "ed25519", ... (lower-case)
  std::string public_key; // p= with all whitespace removed; "" = the key was revoked
};

// Errors (invalid_request) say what is wrong: not a tag list, v= not first or not DKIM1, no p= tag.
Result<DkimKeyRecord> parse_dkim_key_record(std::string_view text);

} // namespace volley::protocol
