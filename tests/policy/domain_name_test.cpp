// Tests for domain-name and host:port syntax of configuration values: length limits, default ports,
// IP literal detection. Pure text; never resolves a name.
#include <gtest/gtest.h>

#include "policy/domain_name.hpp"
#include "policy/host_port.hpp"

namespace volley::policy {
namespace {

TEST(DomainName, LengthLimits) {
  std::string label63(63, 'a');
  EXPECT_TRUE(check_host_name(label63 + ".test").ok());
  auto long_label = check_host_name(label63 + "a.test");
  ASSERT_FALSE(long_label.ok());
  EXPECT_EQ(long_label.error().message,
            "host name \"" + label63 +
                "a.test\" has a label of 64 characters — DNS labels are at "
                "most 63 characters");
  std::string name;
  while (name.size() < 250)
    name += "abcdefghi.";
  auto too_long = check_host_name(name + "test");
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("is 254 characters long — domain names are at most 253"),
            std::string::npos);
}

TEST(DomainName, PatternsAreLowerCased) {
  EXPECT_EQ(*normalize_domain_pattern("*"), "*");
  EXPECT_EQ(*normalize_domain_pattern(".Example.TEST"), ".example.test");
  EXPECT_EQ(*normalize_domain_pattern("xn--bcher-kva.Test"), "xn--bcher-kva.test");
  EXPECT_FALSE(normalize_domain_pattern(".").ok());
  EXPECT_FALSE(normalize_domain_pattern("..test").ok());
  EXPECT_FALSE(normalize_domain_pattern("**").ok());
}

TEST(HostPort, DefaultPortAndIpDetection) {
  auto v4 = parse_host_port("192.0.2.53", 53, "127.0.0.1:53");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "192.0.2.53");
  EXPECT_EQ(v4->port, 53);
  EXPECT_TRUE(v4->host_is_ip);
  auto v6 = parse_host_port("[2001:db8::1]", 53, "127.0.0.1:53");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->port, 53);
  auto bare_v6 = parse_host_port("2001:db8::1", 53, "127.0.0.1:53");
  ASSERT_TRUE(bare_v6.ok());
  EXPECT_EQ(bare_v6->host, "2001:db8::1");
  auto name = parse_host_port("Smarthost.Example.net:587", 0, "mx.example.net:25");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->host, "Smarthost.Example.net");
  EXPECT_EQ(name->port, 587);
  EXPECT_FALSE(name->host_is_ip);
  EXPECT_FALSE(parse_host_port("[2001:db8::1]", 0, "mx.example.net:25").ok());
  EXPECT_FALSE(parse_host_port("", 53, "127.0.0.1:53").ok());
  EXPECT_FALSE(parse_host_port("[::1]x", 53, "127.0.0.1:53").ok());
  EXPECT_FALSE(parse_host_port("[::1", 53, "127.0.0.1:53").ok());
}

TEST(HostPort, IpLiterals) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_TRUE(is_ip_literal("2001:db8::10"));
  EXPECT_FALSE(is_ip_literal("[::1]"));
  EXPECT_FALSE(is_ip_literal("fe80::1%eth0"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("1.2.3"));
}

} // namespace
} // namespace volley::policy
