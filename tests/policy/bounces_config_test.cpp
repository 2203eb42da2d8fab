// [bounces]: defaults (no listener, 5 soft bounces in 30 days), values read, and refusals with
// file:line:column (listen address, size, rate, limit and window ranges).
#include <gtest/gtest.h>

#include "tests/policy/config_parsing.hpp"

namespace volley::policy {
namespace {

using config_test::parse_error;
using config_test::parse_ok;

TEST(BouncesConfig, DefaultsHaveNoListenerAndPromoteFiveSoftBouncesIn30Days) {
  DaemonConfig config = default_daemon_config();
  EXPECT_EQ(config.bounces.listen, "");
  EXPECT_EQ(config.bounces.max_message_size, 1u << 20);
  EXPECT_EQ(config.bounces.max_messages_per_minute, 600u);
  EXPECT_EQ(config.bounces.soft_bounce_limit, 5u);
  EXPECT_EQ(config.bounces.soft_bounce_window_s, 30 * 86400);
  EXPECT_EQ(config.bounces, BouncesConfig{});
}

TEST(BouncesConfig, ValuesAreRead) {
  DaemonConfig config = parse_ok(
      "[bounces]\nlisten = \"127.0.0.1:2526\"\nmax_message_size = \"2MiB\"\n"
      "max_messages_per_minute = 60\nsoft_bounce_limit = 0\nsoft_bounce_window = \"7d\"\n");
  EXPECT_EQ(config.bounces.listen, "127.0.0.1:2526");
  EXPECT_EQ(config.bounces.max_message_size, 2u << 20);
  EXPECT_EQ(config.bounces.max_messages_per_minute, 60u);
  EXPECT_EQ(config.bounces.soft_bounce_limit, 0u);
  EXPECT_EQ(config.bounces.soft_bounce_window_s, 7 * 86400);
}

TEST(BouncesConfig, BadValuesAreRefusedWithWhereAndWhat) {
  EXPECT_TRUE(parse_error("[bounces]\nlisten = \"mx.example.test:25\"\n")
                  .starts_with("t.toml:2:10: `bounces.listen` = \"mx.example.test:25\" is not an "
                               "IP address and port"));
  EXPECT_TRUE(parse_error("[bounces]\nmax_message_size = 10\n").starts_with("t.toml:2:20:"));
  EXPECT_TRUE(parse_error("[bounces]\nmax_messages_per_minute = 0\n").starts_with("t.toml:2:27:"));
  EXPECT_TRUE(parse_error("[bounces]\nsoft_bounce_limit = 5000\n").starts_with("t.toml:2:21:"));
  EXPECT_TRUE(parse_error("[bounces]\nsoft_bounce_window = \"0s\"\n").starts_with("t.toml:2:22:"));
  std::string unknown = parse_error("[bounces]\nlisen = \"127.0.0.1:25\"\n");
  EXPECT_NE(unknown.find("did you mean `listen`?"), std::string::npos) << unknown;
}

} // namespace
} // namespace volley::policy
