// Signed VERP envelope senders: <prefix>-<token>@<bounce_domain>, where the token names one
// recipient of one campaign and carries a truncated HMAC so that forged bounces cannot suppress
// real recipients. Pure: no clock, no I/O; the secret comes from config.
// Must never: accept a token whose MAC does not verify, or compare MACs in variable time.
//
// Token layout (version 1):
//   payload = LEB128(campaign_seq) ++ LEB128(recipient_seq)   (canonical varints, 2..15 bytes)
//   mac     = first 6 bytes (48 bits) of HMAC-SHA256(secret, "volley-verp\x01" ++ payload)
//   token   = base32(payload ++ mac): RFC 4648 alphabet written lower-case, no padding; decoding
//             accepts any case. 8..21 bytes give 13..34 characters (typically 16-19).
// The version lives in the MAC's domain-separation string, not in the token: a future layout uses
// another string (and decode tries both), so today's tokens stay short.
// Local part = prefix (1..16 of [a-z0-9._], case-insensitive) + "-" + token: at most 51 octets,
// well under RFC 5321's 64. The prefix may not contain '-', so the token is everything after the
// first '-' and a human or a log search can split addresses without knowing the prefix.
// Out of scope: addresses rewritten by forwarders (SRS, "+" sub-addressing, quoted local parts);
// they decode as not_verp. Key rotation: on bad_signature the caller may retry with the old key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

// Error codes of decode_verp (Error::code).
namespace verp_error {
inline constexpr const char* not_verp = "not_verp";   // wrong prefix/domain: not our address
inline constexpr const char* malformed = "malformed"; // bad base32, length or varints
inline constexpr const char* bad_signature = "bad_signature"; // MAC mismatch: forged or other key
} // namespace verp_error

inline constexpr std::size_t kVerpMacBytes = 6;
inline constexpr std::size_t kVerpMaxPrefixLength = 16;
inline constexpr std::size_t kVerpMaxTokenLength = 34; // base32 of 5 + 10 + 6 bytes

struct VerpFields {
  std::uint32_t campaign_seq = 0;
  std::uint64_t recipient_seq = 0;
  friend bool operator==(const VerpFields&, const VerpFields&) = default;
};

// The HMAC key, prepared once (OpenSSL MAC context); cheap to copy and safe to share between
// threads (each MAC computation works on its own copy of the prepared context).
class VerpKey {
public:
  // The secret must be at least 16 bytes (e.g. 32 random bytes from config); else invalid_request.
  static Result<VerpKey> from_secret(std::string_view secret);

  // Writes the first kVerpMacBytes of HMAC-SHA256(secret, domain string ++ payload) to mac.
  void sign(const std::uint8_t* payload, std::size_t size, std::uint8_t* mac) const;

private:
  struct Context;
  explicit VerpKey(std::shared_ptr<const Context> context) : context_(std::move(context)) {}
  std::shared_ptr<const Context> context_;
};

// invalid_request unless prefix is 1..16 of [A-Za-z0-9._] and bounce_domain looks like a host name
// (1..253 of [A-Za-z0-9.-]). Config loading calls this; encode_verp requires it to have passed.
Result<Unit> check_verp_settings(std::string_view prefix, std::string_view bounce_domain);

// Appends the token alone (lower-case base32, 13..34 characters): also usable as a unique,
// unforgeable left part of a Message-ID.
void append_verp_token(const VerpKey& key, VerpFields fields, std::string& out);

// "<prefix>-<token>@<bounce_domain>" (no angle brackets), prefix and domain as given.
std::string encode_verp(const VerpKey& key, std::string_view prefix, std::string_view bounce_domain,
                        VerpFields fields);

// Accepts "<local@domain>", "local@domain" or a bare local part (the domain is then not checked).
// Prefix and domain compare case-insensitively, the token decodes in any case.
Result<VerpFields> decode_verp(const VerpKey& key, std::string_view prefix,
                               std::string_view bounce_domain,
                               std::string_view address_or_local_part);

} // namespace volley::protocol
