// volley-passwd USER [--iterations N]: reads a password from stdin (the first line; echo is turned
// off when stdin is a terminal) and prints "USER:pbkdf2-sha256$N$salt$hash", one line of the SMTP
// submission users file ([submission] users_file). Exit 0 on success, 2 on usage errors, 1 when no
// password could be read. Must never print or store the password, and never use a salt that is
// not from OpenSSL's random generator.
#include <openssl/rand.h>
#include <termios.h>
#include <unistd.h>

#include <charconv>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "protocol/password_hash.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: volley-passwd USER [--iterations N] < password\n"
    "Reads the password from the first line of stdin and prints the users_file line for USER\n"
    "(PBKDF2-HMAC-SHA256, random 16-byte salt, default 600000 iterations, at least 1000).\n"
    "Example: volley-passwd civicrm >> /etc/volley/submission.users\n";

bool valid_user(std::string_view user) {
  if (user.empty() || user.size() > 255 || user.front() == '-')
    return false;
  for (unsigned char c : user)
    if (c <= 0x20 || c == 0x7f || c == ':')
      return false;
  return true;
}

// The first line of stdin, without echo on a terminal.
bool read_password(std::string& password) {
  const bool terminal = ::isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::cerr << "Password: " << std::flush;
  }
  const bool got = static_cast<bool>(std::getline(std::cin, password));
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r')
    password.pop_back();
  return got && !password.empty();
}

} // namespace

int main(int argc, char** argv) {
  std::string user;
  std::uint32_t iterations = volley::protocol::kDefaultPasswordHashIterations;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (arg == "--iterations" && i + 1 < argc) {
      std::string_view value = argv[++i];
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), iterations);
      if (error != std::errc() || end != value.data() + value.size() ||
          iterations < volley::protocol::kMinPasswordHashIterations ||
          iterations > volley::protocol::kMaxPasswordHashIterations) {
        std::cerr << "volley-passwd: --iterations " << value
                  << " is not a number from 1000 to 100000000\n";
        return 2;
      }
    } else if (user.empty() && valid_user(arg)) {
      user = arg;
    } else {
      std::cerr << "volley-passwd: unexpected argument \"" << arg
                << "\" (a user name has no spaces or colons)\n"
                << kUsage;
      return 2;
    }
  }
  if (user.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  std::string password;
  if (!read_password(password)) {
    std::cerr << "volley-passwd: no password on stdin; pipe one in, e.g. "
                 "`printf '%s\\n' \"$PASSWORD\" | volley-passwd "
              << user << "`\n";
    return 1;
  }
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) {
    std::cerr << "volley-passwd: OpenSSL could not generate a random salt\n";
    return 1;
  }
  const auto hash = volley::protocol::make_password_hash(
      password, std::string_view(reinterpret_cast<const char*>(salt), sizeof salt), iterations);
  std::memset(password.data(), 0, password.size());
  std::cout << user << ":" << volley::protocol::format_password_hash(hash) << "\n";
  return 0;
}
