// The status page's session cookie. After a login with the control token the browser holds
//   volley_session=v1.<issued_at unix seconds>.<hex HMAC-SHA256(key = token,
//                                                "status-session:" + issued_at)>
// Stateless: the server keeps nothing, the cookie dies after status_session_max_age_s or as soon as
// the token changes. It grants read-only access (see status_access.hpp). Pure (the caller passes
// the clock); must never put the token itself in a cookie or a log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace volley::engine {

inline constexpr std::string_view status_cookie_name = "volley_session";
inline constexpr std::int64_t status_session_max_age_s = 12 * 3600;

// The cookie value for a login at now_s.
std::string issue_status_session(std::string_view token, std::int64_t now_s);

// True if value was issued with this token, at most status_session_max_age_s ago and not more than
// a minute in the future (clock steps). Constant-time comparison of the MAC; an empty token never
// verifies.
bool verify_status_session(std::string_view value, std::string_view token, std::int64_t now_s);

// True if any volley_session cookie in a Cookie request header ("a=1; volley_session=...")
// verifies. Headers over 8 KiB are not looked at.
bool cookie_header_has_status_session(std::string_view cookie_header, std::string_view token,
                                      std::int64_t now_s);

// Set-Cookie header values: HttpOnly, SameSite=Strict, Path=/, with a Max-Age.
std::string status_session_set_cookie(std::string_view value);
std::string status_session_clear_cookie();

} // namespace volley::engine
