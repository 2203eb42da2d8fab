// Access levels of control API requests (see status_access.hpp). Pure; no clock, no I/O.
#include "engine/status_access.hpp"

#include "engine/control_token.hpp"
#include "engine/status_session_cookie.hpp"
#include "protocol/request_target.hpp"

namespace volley::engine {
namespace {

enum class PagePath { none, page, asset, status_json, login, logout };

PagePath classify(std::string_view target) {
  auto parsed = protocol::parse_request_target(target);
  if (!parsed)
    return PagePath::none;
  const auto& s = parsed->segments;
  if (s.empty())
    return PagePath::page;
  if (s.size() == 2 && s[0] == "assets")
    return PagePath::asset;
  if (s.size() == 2 && s[0] == "v1" && s[1] == "status")
    return PagePath::status_json;
  if (s.size() == 1 && s[0] == "login")
    return PagePath::login;
  if (s.size() == 1 && s[0] == "logout")
    return PagePath::logout;
  return PagePath::none;
}

} // namespace

ControlAccess control_access(std::string_view authorization_header, std::string_view cookie_header,
                             std::string_view token, std::int64_t now_s) {
  if (token.empty() || bearer_matches(authorization_header, token))
    return ControlAccess::full;
  if (cookie_header_has_status_session(cookie_header, token, now_s))
    return ControlAccess::read_only;
  return ControlAccess::anonymous;
}

bool access_permits(ControlAccess access, std::string_view method, std::string_view target) {
  if (access == ControlAccess::full)
    return true;
  bool get = method == "GET" || method == "HEAD";
  switch (classify(target)) {
  case PagePath::page:
  case PagePath::asset:
    return get;
  case PagePath::status_json:
    return get && access == ControlAccess::read_only;
  case PagePath::login:
  case PagePath::logout:
    return method == "POST";
  case PagePath::none:
    return false;
  }
  return false;
}

} // namespace volley::engine
