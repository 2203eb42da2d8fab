// Decoding of the client's SASL responses in SMTP AUTH (RFC 4954): base64 text (RFC 4648, "=" for
// an empty initial response), the PLAIN message "authzid NUL authcid NUL passwd" (RFC 4616) and the
// single values of the LOGIN mechanism. Pure; never accepts a user or password longer than
// kMaxSaslFieldBytes, an empty user, or a NUL inside a LOGIN value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

inline constexpr std::size_t kMaxSaslFieldBytes = 255; // RFC 4616 §2: each field up to 255 octets

struct SaslCredentials {
  std::string authzid; // "" = act as user
  std::string user;    // authcid
  std::string password;
};

// The bytes of one base64 response line ("=" is the empty response). Errors say what is wrong.
Result<std::string> decode_sasl_base64(std::string_view line);
// A whole PLAIN response line (base64) split into its three fields.
Result<SaslCredentials> decode_sasl_plain(std::string_view line);
// A LOGIN response line (base64 of a user name or a password).
Result<std::string> decode_sasl_login_value(std::string_view line);

} // namespace volley::protocol
