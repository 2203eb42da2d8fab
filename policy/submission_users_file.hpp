// The users file of the SMTP submission listener ([submission] users_file): one "user:hash" line
// per user, the hash as `volley-passwd` prints it (pbkdf2-sha256$iterations$salt$hash), blank lines
// and "#" comments allowed. Read once at start-up. Must never accept a file other users may read
// (at most mode 0640), a duplicate user, or a line it cannot parse; never logs a hash.
#pragma once

#include <string>
#include <vector>

#include "protocol/password_hash.hpp"
#include "protocol/result.hpp"

namespace volley::policy {

struct SubmissionUser {
  std::string name; // as typed by the client (AUTH user), case-sensitive
  protocol::PasswordHash hash;
  bool operator==(const SubmissionUser&) const = default;
};

// Errors name the file (and line) and say what to do.
Result<std::vector<SubmissionUser>> load_submission_users_file(const std::string& path);
// The same for text already read; `source` names it in errors.
Result<std::vector<SubmissionUser>> parse_submission_users(std::string_view text,
                                                           const std::string& source);

} // namespace volley::policy
