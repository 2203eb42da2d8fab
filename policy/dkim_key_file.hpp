// Reading a DKIM private key file at start-up: refuses a file that is not a regular file or whose
// permissions let others read it (any "other" bit, or group write: at most 0640), then parses the
// PEM once. Never logs or returns the key text, and never loosens or fixes permissions itself.
#pragma once

#include <memory>
#include <string>

#include "protocol/dkim_key.hpp"
#include "protocol/result.hpp"

namespace volley::policy {

// Errors (invalid_request / not_found) name the file and say what to do, e.g. "DKIM key file
// /k.pem has mode 0644: readable or writable by other users — run `chmod 600 /k.pem`".
Result<std::shared_ptr<const protocol::DkimKey>> load_dkim_key_file(const std::string& path);

} // namespace volley::policy
