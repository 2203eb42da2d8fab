// load_dkim_key_file (see dkim_key_file.hpp). The permission check runs on the opened descriptor
// (fstat), so the file checked is the file read. Never reads more than max_key_file_size bytes.
#include "policy/dkim_key_file.hpp"

#include "policy/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace volley::policy {
namespace {

constexpr off_t max_key_file_size = 64 * 1024; // an 8192-bit RSA PEM is about 6.5 KiB

Error file_error(const std::string& path, std::string what, std::string hint) {
  return make_error(error_code::invalid_request,
                    "DKIM key file " + path + " " + what + " — " + hint);
}

Result<std::string> read_checked(int fd, const std::string& path) {
  PrivateFileRules rules{
      max_key_file_size, "key_file must name a PEM file (chmod 600), not a directory or device",
      "is larger than 64 KiB", "key_file must hold one PEM private key", "the key"};
  return read_private_file(fd, path, rules, [&](const std::string& what, const std::string& hint) {
    return file_error(path, what, hint);
  });
}

} // namespace

Result<std::shared_ptr<const protocol::DkimKey>> load_dkim_key_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    int error = errno;
    return make_error(error == ENOENT ? error_code::not_found : error_code::invalid_request,
                      "cannot read DKIM key file " + path + ": " + std::strerror(error) +
                          " — check key_file (relative paths start at the config file's "
                          "directory); `volleyctl dkim keygen` or `openssl genpkey` makes a key");
  }
  auto text = read_checked(fd, path);
  ::close(fd);
  if (!text)
    return text.error();
  auto key = protocol::DkimKey::from_pem(*text);
  if (!key) {
    return file_error(path, "does not hold a usable key: " + key.error().message,
                      "use an unencrypted PEM RSA (>= 1024 bits, 2048 recommended) or Ed25519 "
                      "private key");
  }
  return std::make_shared<const protocol::DkimKey>(std::move(*key));
}

} // namespace volley::policy
