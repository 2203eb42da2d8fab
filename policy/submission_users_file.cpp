// Reading the submission users file (see submission_users_file.hpp). The permission check runs on
// the opened descriptor (fstat), so the file checked is the file read; at most 1 MiB is read.
#include "policy/submission_users_file.hpp"

#include "policy/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>

namespace volley::policy {
namespace {

constexpr off_t kMaxUsersFileBytes = 1 << 20;

Error users_error(const std::string& where, const std::string& what, const std::string& hint) {
  return make_error(error_code::invalid_request,
                    "submission users file " + where + ": " + what + " — " + hint);
}

Result<std::string> read_checked(int fd, const std::string& path) {
  PrivateFileRules rules{kMaxUsersFileBytes, "users_file must name a text file",
                         "is larger than 1 MiB", "keep one \"user:hash\" line per user", "it"};
  return read_private_file(fd, path, rules, [&](const std::string& what, const std::string& hint) {
    return users_error(path, what, hint);
  });
}

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 255)
    return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c == 0x7f)
      return false;
  return true;
}

} // namespace

Result<std::vector<SubmissionUser>> parse_submission_users(std::string_view text,
                                                           const std::string& source) {
  std::vector<SubmissionUser> users;
  std::set<std::string> seen;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#')
      continue;
    const std::string where = source + ":" + std::to_string(line_number);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return users_error(where, "the line is not \"user:hash\"",
                         "write one `volley-passwd USER` output line per user");
    SubmissionUser user{std::string(line.substr(0, colon)), {}};
    if (!valid_user_name(user.name))
      return users_error(where, "the user name is empty, too long or holds spaces",
                         "use 1 to 255 printable characters without spaces (e.g. \"civicrm\")");
    auto hash = protocol::parse_password_hash(line.substr(colon + 1));
    if (!hash)
      return users_error(where, "user \"" + user.name + "\": " + hash.error().message,
                         "replace the line with the output of `volley-passwd " + user.name + "`");
    if (!seen.insert(user.name).second)
      return users_error(where, "user \"" + user.name + "\" appears twice",
                         "keep one line per user");
    user.hash = std::move(hash.value());
    users.push_back(std::move(user));
  }
  if (users.empty())
    return users_error(source, "has no users",
                       "add a line made with `volley-passwd USER` (it reads the password from "
                       "stdin)");
  return users;
}

Result<std::vector<SubmissionUser>> load_submission_users_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    int error = errno;
    return make_error(error == ENOENT ? error_code::not_found : error_code::invalid_request,
                      "cannot read submission users file " + path + ": " + std::strerror(error) +
                          " — check users_file (relative paths start at the config file's "
                          "directory); `volley-passwd USER` prints a line for it");
  }
  auto text = read_checked(fd, path);
  ::close(fd);
  if (!text)
    return text.error();
  return parse_submission_users(*text, path);
}

} // namespace volley::policy
