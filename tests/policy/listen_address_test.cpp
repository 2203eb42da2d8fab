// Tests for control listen addresses: host:port forms, port range, and the loopback-only rule.
// Pure string checks; never opens a socket.
#include "policy/listen_address.hpp"

#include <gtest/gtest.h>

namespace volley::policy {
namespace {

TEST(ListenAddress, ParsesHostAndPort) {
  auto v4 = parse_listen_address("127.0.0.1:8025");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8025);
  auto v6 = parse_listen_address("[::1]:65535");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 65535);
  auto any_port = parse_listen_address("localhost:0");
  ASSERT_TRUE(any_port.ok());
  EXPECT_EQ(any_port->port, 0);
}

TEST(ListenAddress, RejectsMalformedAddresses) {
  EXPECT_EQ(parse_listen_address("127.0.0.1").error().message,
            "\"127.0.0.1\" has no port — write host:port, e.g. \"127.0.0.1:8025\" or "
            "\"[::1]:8025\"");
  EXPECT_EQ(parse_listen_address("127.0.0.1:65536").error().message,
            "port 65536 is out of range — use 1-65535 (0 picks a free port)");
  EXPECT_EQ(parse_listen_address("::1:8025").error().message,
            "IPv6 address in \"::1:8025\" needs brackets — write \"[::1]:8025\"");
  EXPECT_FALSE(parse_listen_address(":8025").ok());
  EXPECT_FALSE(parse_listen_address("127.0.0.1:").ok());
  EXPECT_FALSE(parse_listen_address("127.0.0.1:80x").ok());
  EXPECT_FALSE(parse_listen_address("127.0.0.1:-1").ok());
  EXPECT_FALSE(parse_listen_address("127.0.0.1:99999999999999999999").ok());
  EXPECT_FALSE(parse_listen_address("[::1]8025").ok());
  EXPECT_FALSE(parse_listen_address("[::1").ok());
}

TEST(ListenAddress, LoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.255.3.4"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("0:0:0:0:0:0:0:1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("LocalHost"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("example.com"));
  EXPECT_FALSE(is_loopback_host("localhost.example.com"));
}

} // namespace
} // namespace volley::policy
