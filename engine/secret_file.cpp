// Secret file handling (see secret_file.hpp). Never prints or logs a secret's value.
#include "engine/secret_file.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace volley::engine {
namespace {

std::string random_hex_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("RAND_bytes failed");
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::string trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start])))
    ++start;
  return text.substr(start);
}

SecretFile create_secret_file(const std::string& path, std::string_view what) {
  std::filesystem::path p(path);
  if (p.has_parent_path())
    std::filesystem::create_directories(p.parent_path());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot create " + std::string(what) + " file " + path + ": " +
                             std::strerror(errno));
  }
  std::string secret = random_hex_secret();
  std::string line = secret + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced)
    throw std::runtime_error("cannot write " + std::string(what) + " file " + path);
  return SecretFile{secret, true};
}

} // namespace

SecretFile load_or_create_secret_file(const std::string& path, std::string_view what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return create_secret_file(path, what);
    throw std::runtime_error("cannot stat " + std::string(what) + " file " + path + ": " +
                             std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    throw std::runtime_error(std::string(what) + " file " + path +
                             " is readable by group/others; run `chmod 600 " + path + "`");
  }
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  std::string secret = trim(content.str());
  if (!in || secret.empty())
    throw std::runtime_error(std::string(what) + " file " + path + " is empty or unreadable");
  return SecretFile{secret, false};
}

} // namespace volley::engine
