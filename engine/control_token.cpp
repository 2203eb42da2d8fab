// Bearer token file handling for the control API (see control_token.hpp).
// Never prints or logs the token value.
#include "engine/control_token.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace volley::engine {
namespace {

std::string random_hex_token() {
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

ControlToken create_token_file(const std::string& path) {
  std::filesystem::path p(path);
  if (p.has_parent_path())
    std::filesystem::create_directories(p.parent_path());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot create control token file " + path + ": " +
                             std::strerror(errno));
  }
  std::string token = random_hex_token();
  std::string line = token + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced)
    throw std::runtime_error("cannot write control token file " + path);
  return ControlToken{token, true};
}

} // namespace

ControlToken load_or_create_control_token(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return create_token_file(path);
    throw std::runtime_error("cannot stat control token file " + path + ": " +
                             std::strerror(errno));
  }
  if ((st.st_mode & 077) != 0) {
    throw std::runtime_error("control token file " + path +
                             " is readable by group/others; run `chmod 600 " + path + "`");
  }
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  std::string token = trim(content.str());
  if (!in || token.empty()) {
    throw std::runtime_error("control token file " + path + " is empty or unreadable");
  }
  return ControlToken{token, false};
}

bool bearer_matches(std::string_view header, std::string_view token) {
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  std::string_view given = header.substr(prefix.size());
  if (given.size() != token.size() || token.empty())
    return false;
  return CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

} // namespace volley::engine
