// The control API's bearer token: loaded from control.token_file, generated (32 random bytes, hex,
// file mode 0600) at first start. Never logs the token itself; comparison is constant-time.
#pragma once

#include <string>
#include <string_view>

namespace volley::engine {

struct ControlToken {
  std::string value;
  bool generated = false; // true if this start created the file
};

// Throws std::runtime_error with a clear message if the file cannot be read/created, is empty, or
// is readable by group/others.
ControlToken load_or_create_control_token(const std::string& path);

// Checks an "Authorization" header value ("Bearer <token>") in constant time.
bool bearer_matches(std::string_view authorization_header, std::string_view token);

// Checks a token typed into the status page's login form: constant time, also in its length (both
// sides are hashed first). An empty token never matches.
bool token_matches(std::string_view given, std::string_view token);

} // namespace volley::engine
