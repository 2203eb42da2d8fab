// Issue and check the status page's session cookie (see status_session_cookie.hpp). Never logs or
// returns the token; MACs are compared in constant time.
#include "engine/status_session_cookie.hpp"

#include <openssl/crypto.h>

#include <charconv>

#include "engine/webhook_signature.hpp"
#include "protocol/ascii_blanks.hpp"

namespace volley::engine {
namespace {

constexpr std::string_view version_prefix = "v1.";
constexpr std::int64_t allowed_clock_skew_s = 60;
constexpr std::size_t max_cookie_header = 8 * 1024;

std::string session_mac(std::string_view token, std::int64_t issued_s) {
  return hmac_sha256_hex(token, "status-session:" + std::to_string(issued_s));
}

} // namespace

std::string issue_status_session(std::string_view token, std::int64_t now_s) {
  return std::string(version_prefix) + std::to_string(now_s) + "." + session_mac(token, now_s);
}

bool verify_status_session(std::string_view value, std::string_view token, std::int64_t now_s) {
  if (token.empty() || !value.starts_with(version_prefix))
    return false;
  value.remove_prefix(version_prefix.size());
  std::size_t dot = value.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 19)
    return false;
  std::int64_t issued_s = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + dot, issued_s);
  if (ec != std::errc{} || end != value.data() + dot || issued_s < 0)
    return false;
  if (issued_s > now_s + allowed_clock_skew_s || now_s - issued_s > status_session_max_age_s)
    return false;
  std::string_view given = value.substr(dot + 1);
  std::string expected = session_mac(token, issued_s);
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

bool cookie_header_has_status_session(std::string_view header, std::string_view token,
                                      std::int64_t now_s) {
  if (header.size() > max_cookie_header)
    return false;
  while (!header.empty()) {
    std::size_t semicolon = header.find(';');
    std::string_view pair = protocol::trim_sp_htab(header.substr(0, semicolon));
    header =
        semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
    std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos ||
        protocol::trim_sp_htab(pair.substr(0, eq)) != status_cookie_name)
      continue;
    std::string_view value = protocol::trim_sp_htab(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    if (verify_status_session(value, token, now_s))
      return true;
  }
  return false;
}

std::string status_session_set_cookie(std::string_view value) {
  return std::string(status_cookie_name) + "=" + std::string(value) +
         "; Max-Age=" + std::to_string(status_session_max_age_s) +
         "; Path=/; HttpOnly; SameSite=Strict";
}

std::string status_session_clear_cookie() {
  return std::string(status_cookie_name) + "=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict";
}

} // namespace volley::engine
