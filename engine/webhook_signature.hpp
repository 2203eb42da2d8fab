// The X-Volley-Signature of a webhook batch: "sha256=" + lower-case hex HMAC-SHA256 of the exact
// request body, keyed with the text of events.webhook_secret_file (as written, not hex-decoded).
// Pure; never logs the key.
#pragma once

#include <string>
#include <string_view>

namespace volley::engine {

// 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// "sha256=<hex>" for the X-Volley-Signature header.
std::string webhook_signature(std::string_view secret, std::string_view body);

} // namespace volley::engine
