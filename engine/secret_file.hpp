// Secret files volleyd keeps next to its spool (the control API token, the VERP HMAC key): read at
// start, or generated (32 random bytes as hex, mode 0600, fsync'ed) when missing. Never logs a
// secret, and never uses a file that group or others may read.
#pragma once

#include <string>
#include <string_view>

namespace volley::engine {

struct SecretFile {
  std::string value;      // the file's text without surrounding white space
  bool generated = false; // true if this start created the file
};

// what names the secret in error messages ("control token", "VERP secret"). Throws
// std::runtime_error with a clear message if the file cannot be read or created, is empty, or is
// readable by group/others.
SecretFile load_or_create_secret_file(const std::string& path, std::string_view what);

} // namespace volley::engine
