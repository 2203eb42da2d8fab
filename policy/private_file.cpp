// read_private_file (see private_file.hpp). Must never read past rules.max_bytes or accept a file
// that users other than volleyd's (and its group, read-only) can open.
#include "policy/private_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace volley::policy {

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

Result<std::string> read_private_file(int fd, const std::string& path,
                                      const PrivateFileRules& rules,
                                      const PrivateFileError& error) {
  struct stat info {};
  if (::fstat(fd, &info) != 0)
    return error(std::string("cannot be examined: ") + std::strerror(errno), "check it");
  if (!S_ISREG(info.st_mode))
    return error("is not a regular file", rules.not_regular_hint);
  if ((info.st_mode & (S_IRWXO | S_IWGRP)) != 0) {
    return error("has mode " + octal_mode(info.st_mode) +
                     ": readable or writable by other users (at most 0640 is allowed)",
                 "run `chmod 600 " + path + "` so only volleyd's user can read " +
                     rules.readable_as);
  }
  if (info.st_size > rules.max_bytes)
    return error(rules.too_large, rules.too_large_hint);
  std::string text(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

} // namespace volley::policy
