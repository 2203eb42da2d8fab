// Unit tests of the status page's session cookie and access levels: a cookie verifies with its
// token for 12 hours and not after, not with another token, not when any part is tampered with;
// Cookie header parsing; what the bearer token, a cookie and nothing at all may request; the
// login form's token comparison. Time is injected.
#include <gtest/gtest.h>

#include <string>

#include "engine/control_token.hpp"
#include "engine/status_access.hpp"
#include "engine/status_session_cookie.hpp"

using namespace volley::engine;

namespace {

const std::string token = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::int64_t now = 1'750'000'000;

TEST(StatusSessionCookie, VerifiesWithItsTokenUntilItExpires) {
  std::string value = issue_status_session(token, now);
  EXPECT_TRUE(value.starts_with("v1." + std::to_string(now) + "."));
  EXPECT_EQ(value.find(token), std::string::npos) << "the token must not be in the cookie";
  EXPECT_TRUE(verify_status_session(value, token, now));
  EXPECT_TRUE(verify_status_session(value, token, now + status_session_max_age_s));
  EXPECT_FALSE(verify_status_session(value, token, now + status_session_max_age_s + 1));
  EXPECT_EQ(status_session_max_age_s, 12 * 3600);
  // Issued in the future (beyond a minute of clock skew): refused.
  EXPECT_TRUE(verify_status_session(value, token, now - 60));
  EXPECT_FALSE(verify_status_session(value, token, now - 61));
}

TEST(StatusSessionCookie, DiesWhenTheTokenChanges) {
  std::string value = issue_status_session(token, now);
  std::string other = token;
  other.back() = '0';
  EXPECT_FALSE(verify_status_session(value, other, now));
  EXPECT_FALSE(verify_status_session(value, "", now));
  EXPECT_FALSE(verify_status_session(issue_status_session("", now), "", now));
}

TEST(StatusSessionCookie, TamperedValuesAreRefused) {
  std::string value = issue_status_session(token, now);
  std::string later_issue = value;
  later_issue.replace(3, std::to_string(now).size(), std::to_string(now + 3600)); // extend it
  EXPECT_FALSE(verify_status_session(later_issue, token, now + 3600));
  std::string flipped = value;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_FALSE(verify_status_session(flipped, token, now));
  EXPECT_FALSE(verify_status_session(value.substr(0, value.size() - 1), token, now));
  EXPECT_FALSE(verify_status_session(value + "0", token, now));
  EXPECT_FALSE(verify_status_session("v2" + value.substr(2), token, now));
  for (const char* bad : {"", "v1.", "v1..", "v1.x.abc", "v1.-5.abc", "v1.99999999999999999999.ab",
                          "v1.1750000000"}) {
    EXPECT_FALSE(verify_status_session(bad, token, now)) << bad;
  }
}

TEST(StatusSessionCookie, FoundAmongOtherCookies) {
  std::string value = issue_status_session(token, now);
  EXPECT_TRUE(cookie_header_has_status_session("volley_session=" + value, token, now));
  EXPECT_TRUE(
      cookie_header_has_status_session("a=1; volley_session=" + value + "; b=2", token, now));
  EXPECT_TRUE(cookie_header_has_status_session("volley_session=\"" + value + "\"", token, now));
  // An old cookie for another path first, then the good one.
  EXPECT_TRUE(cookie_header_has_status_session("volley_session=v1.1.dead; volley_session=" + value,
                                               token, now));
  EXPECT_FALSE(cookie_header_has_status_session("other_session=" + value, token, now));
  EXPECT_FALSE(cookie_header_has_status_session("xvolley_session=" + value, token, now));
  EXPECT_FALSE(cookie_header_has_status_session("", token, now));
  EXPECT_FALSE(cookie_header_has_status_session(
      std::string(9000, 'a') + "; volley_session=" + value, token, now));
}

TEST(StatusSessionCookie, SetCookieAttributes) {
  std::string set = status_session_set_cookie("v1.1.ab");
  EXPECT_TRUE(set.starts_with("volley_session=v1.1.ab;"));
  for (const char* attribute : {"HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"})
    EXPECT_NE(set.find(attribute), std::string::npos) << attribute;
  std::string clear = status_session_clear_cookie();
  EXPECT_TRUE(clear.starts_with("volley_session=;"));
  EXPECT_NE(clear.find("Max-Age=0"), std::string::npos);
}

TEST(StatusAccess, BearerCookieOrNothing) {
  std::string cookie = "volley_session=" + issue_status_session(token, now);
  EXPECT_EQ(control_access("Bearer " + token, "", token, now), ControlAccess::full);
  EXPECT_EQ(control_access("Bearer " + token, cookie, token, now), ControlAccess::full);
  EXPECT_EQ(control_access("", cookie, token, now), ControlAccess::read_only);
  EXPECT_EQ(control_access("Bearer wrong", cookie, token, now), ControlAccess::read_only);
  EXPECT_EQ(control_access("", cookie, token, now + 13 * 3600), ControlAccess::anonymous);
  EXPECT_EQ(control_access("Bearer wrong", "", token, now), ControlAccess::anonymous);
  EXPECT_EQ(control_access("", "", "", now), ControlAccess::full); // Unix socket: no token
}

TEST(StatusAccess, CookieIsReadOnlyAndAnonymousGetsTheLoginPageOnly) {
  struct Case {
    const char* method;
    const char* target;
    bool read_only, anonymous;
  };
  const Case cases[] = {
      {"GET", "/", true, true},
      {"GET", "/?refresh=500", true, true},
      {"HEAD", "/", true, true},
      {"GET", "/assets/status.js", true, true},
      {"POST", "/login", true, true},
      {"POST", "/logout", true, true},
      {"GET", "/v1/status", true, false},
      {"POST", "/v1/status", false, false},
      {"POST", "/", false, false},
      {"GET", "/v1/campaigns", false, false},
      {"POST", "/v1/campaigns", false, false},
      {"POST", "/v1/campaigns/c1/pause", false, false},
      {"POST", "/v1/campaigns/c1/recipients", false, false},
      {"PUT", "/v1/suppressions/a%40b.test", false, false},
      {"DELETE", "/v1/suppressions/a%40b.test", false, false},
      {"POST", "/v1/policy/reload", false, false},
      {"GET", "/v1/bounces", false, false},
      {"GET", "/metrics", false, false},
      {"GET", "/healthz", false, false},
      {"GET", "/assets/a/b", false, false},
      {"GET", "/v1/status/x", false, false},
      {"GET", "bad-target", false, false},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(access_permits(ControlAccess::full, c.method, c.target));
    EXPECT_EQ(access_permits(ControlAccess::read_only, c.method, c.target), c.read_only)
        << c.method << " " << c.target;
    EXPECT_EQ(access_permits(ControlAccess::anonymous, c.method, c.target), c.anonymous)
        << c.method << " " << c.target;
  }
}

TEST(StatusAccess, LoginFormTokenComparison) {
  EXPECT_TRUE(token_matches(token, token));
  EXPECT_FALSE(token_matches(token.substr(1), token));
  EXPECT_FALSE(token_matches(token + "0", token));
  EXPECT_FALSE(token_matches("", token));
  EXPECT_FALSE(token_matches("", ""));
}

} // namespace
