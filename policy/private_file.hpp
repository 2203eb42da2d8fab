// Reading a file that holds secrets (DKIM private keys, the submission users file) from an opened
// descriptor: fstat checks the file that is read (a regular file, at most mode 0640: nothing for
// others, no group write) and its size. Never reads more than the limit; never follows a check on
// one file by a read of another.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "protocol/result.hpp"

namespace volley::policy {

struct PrivateFileRules {
  off_t max_bytes = 0;
  std::string not_regular_hint; // what the setting must name instead
  std::string too_large;        // e.g. "is larger than 64 KiB"
  std::string too_large_hint;
  std::string readable_as; // "the key": "... so only volleyd's user can read the key"
};

// The caller's error wording: (what is wrong, what to do) -> Error.
using PrivateFileError = std::function<Error(const std::string& what, const std::string& hint)>;

// "0644": the permission bits of a mode, for messages.
std::string octal_mode(mode_t mode);

Result<std::string> read_private_file(int fd, const std::string& path,
                                      const PrivateFileRules& rules, const PrivateFileError& error);

} // namespace volley::policy
