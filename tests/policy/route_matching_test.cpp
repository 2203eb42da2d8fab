// Tests for route and TLS-mode lookup by recipient domain: exact domain, then the longest
// ".suffix", then "*"; the embedded default routes the RFC 2606 names to the local sink. No
// network.
#include <gtest/gtest.h>

#include <algorithm>

#include "policy/daemon_config.hpp"
#include "policy/delivery_config.hpp"

namespace volley::policy {
namespace {

std::vector<RouteConfig> sample_routes() {
  return {{"*", "smarthost", 25},
          {".test", "suffix-test", 25},
          {".b.test", "suffix-b-test", 25},
          {"a.b.test", "exact", 25}};
}

std::string route_host(const std::vector<RouteConfig>& routes, std::string_view domain) {
  const RouteConfig* route = find_route(routes, domain);
  return route ? route->host : "<mx>";
}

TEST(RouteMatching, MostSpecificPatternWins) {
  std::vector<RouteConfig> routes = sample_routes();
  EXPECT_EQ(route_host(routes, "a.b.test"), "exact");
  EXPECT_EQ(route_host(routes, "c.b.test"), "suffix-b-test");
  EXPECT_EQ(route_host(routes, "b.test"), "suffix-b-test"); // ".b.test" covers b.test itself
  EXPECT_EQ(route_host(routes, "x.a.b.test"), "suffix-b-test");
  EXPECT_EQ(route_host(routes, "test"), "suffix-test");
  EXPECT_EQ(route_host(routes, "other.test"), "suffix-test");
  EXPECT_EQ(route_host(routes, "atest"), "smarthost"); // a suffix matches at a dot only
  EXPECT_EQ(route_host(routes, "example.com"), "smarthost");
  // Order in the file does not matter.
  std::reverse(routes.begin(), routes.end());
  EXPECT_EQ(route_host(routes, "a.b.test"), "exact");
  EXPECT_EQ(route_host(routes, "c.b.test"), "suffix-b-test");
}

TEST(RouteMatching, NoMatchMeansMxLookup) {
  std::vector<RouteConfig> routes = {{".test", "sink", 2525}, {"example.com", "exact", 25}};
  EXPECT_EQ(find_route(routes, "example.org"), nullptr);
  EXPECT_EQ(find_route(routes, "sub.example.com"), nullptr); // exact pattern: no subdomains
  EXPECT_EQ(find_route(routes, "test.org"), nullptr);
  EXPECT_EQ(find_route({}, "example.com"), nullptr);
  ASSERT_NE(find_route(routes, "x.test"), nullptr);
  EXPECT_EQ(find_route(routes, "x.test")->port, 2525);
}

TEST(RouteMatching, EmbeddedDefaultRoutesTheReservedNamesToTheLocalSink) {
  DaemonConfig config = default_daemon_config();
  for (const char* domain : {"test", "rcpt.test", "example", "a.example"}) {
    const RouteConfig* route = find_route(config.delivery.routes, domain);
    ASSERT_NE(route, nullptr) << domain;
    EXPECT_EQ(route->host, "127.0.0.1");
    EXPECT_EQ(route->port, 2525);
  }
  EXPECT_EQ(find_route(config.delivery.routes, "example.com"), nullptr);
}

TEST(TlsModeLookup, OverridesUseTheRouteMatchingRules) {
  DeliveryConfig config;
  EXPECT_EQ(tls_mode_for(config, "any.example"), TlsMode::opportunistic);
  config.tls = TlsMode::require;
  config.tls_domains = {{".bank.example", TlsMode::verify},
                        {"legacy.bank.example", TlsMode::off},
                        {".example", TlsMode::opportunistic}};
  EXPECT_EQ(tls_mode_for(config, "legacy.bank.example"), TlsMode::off);
  EXPECT_EQ(tls_mode_for(config, "bank.example"), TlsMode::verify);
  EXPECT_EQ(tls_mode_for(config, "mx.bank.example"), TlsMode::verify);
  EXPECT_EQ(tls_mode_for(config, "shop.example"), TlsMode::opportunistic);
  EXPECT_EQ(tls_mode_for(config, "example.org"), TlsMode::require); // the default
  config.tls_domains.push_back({"*", TlsMode::off});
  EXPECT_EQ(tls_mode_for(config, "example.org"), TlsMode::off);
}

TEST(TlsModeLookup, Names) {
  EXPECT_STREQ(to_string(TlsMode::off), "off");
  EXPECT_STREQ(to_string(TlsMode::opportunistic), "opportunistic");
  EXPECT_STREQ(to_string(TlsMode::require), "require");
  EXPECT_STREQ(to_string(TlsMode::verify), "verify");
}

} // namespace
} // namespace volley::policy
