// Tests of DnsServerAddress::parse: IPv4/IPv6 with and without a port, and the rejections with
// their messages. Pure parsing, no sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/dns_server_address.hpp"

namespace volley::engine {
namespace {

TEST(DnsServerAddress, AcceptsAddressesWithAndWithoutPort) {
  auto v4 = DnsServerAddress::parse("127.0.0.1:5353");
  EXPECT_EQ(v4.address.to_string(), "127.0.0.1");
  EXPECT_EQ(v4.port, 5353);
  EXPECT_EQ(DnsServerAddress::parse("127.0.0.2").port, 53);
  auto v6 = DnsServerAddress::parse("[::1]:5300");
  EXPECT_TRUE(v6.address.is_v6());
  EXPECT_EQ(v6.port, 5300);
  EXPECT_EQ(DnsServerAddress::parse("[::1]").port, 53);
  EXPECT_EQ(DnsServerAddress::parse("::1").port, 53);
}

TEST(DnsServerAddress, RejectsWithTheEntryAndTheReason) {
  struct Case {
    const char* text;
    const char* reason;
  };
  for (const Case& c :
       {Case{"1.2.3", "'1.2.3' is not an IPv4 or IPv6 address"},
        Case{"", "'' is not an IPv4 or IPv6 address"},
        Case{"dns.example:53", "is not an IPv4 or IPv6 address"}, Case{"127.0.0.1:", "empty port"},
        Case{"127.0.0.1:0", "1 to 65535"}, Case{"127.0.0.1:65536", "1 to 65535"},
        Case{"127.0.0.1:5x", "1 to 65535"}, Case{"[::1", "missing ']'"},
        Case{"[127.0.0.1]:53", "only IPv6"}, Case{"[::1]53", "expected ':'"}}) {
    try {
      DnsServerAddress::parse(c.text);
      ADD_FAILURE() << "accepted '" << c.text << "'";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr(std::string("dns.servers: '") + c.text +
                                                 "' is not host:port"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr(c.reason)) << c.text;
    }
  }
}

} // namespace
} // namespace volley::engine
