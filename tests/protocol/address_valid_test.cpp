// Valid RFC 5321 / RFC 6531 mailboxes: each must parse into the expected local part and normalised
// domain, and canonical() must be stable. Never depends on DNS or on the network.
#include <gtest/gtest.h>

#include <string>

#include "protocol/address.hpp"

namespace volley::protocol {
namespace {

struct ValidAddress {
  std::string input;
  std::string local_part;
  std::string domain;
};

std::string repeat(char c, std::size_t count) {
  return std::string(count, c);
}

std::string e_acute(int count) { // U+00E9, two octets each
  std::string text;
  for (int i = 0; i < count; ++i)
    text += "\xC3\xA9";
  return text;
}

// 64-octet local part + "@" + 189-octet domain = 254 octets, the largest mailbox we accept.
const std::string kLongestDomain = repeat('a', 63) + "." + repeat('b', 63) + "." + repeat('c', 61);

class ValidAddressTest : public testing::TestWithParam<ValidAddress> {};

TEST_P(ValidAddressTest, ParsesIntoLocalPartAndDomain) {
  const ValidAddress& expected = GetParam();
  Result<Mailbox> parsed = parse_mailbox(expected.input);
  ASSERT_TRUE(parsed.ok()) << expected.input << ": " << parsed.error().message;
  EXPECT_EQ(parsed->local_part, expected.local_part);
  EXPECT_EQ(parsed->domain, expected.domain);
}

TEST_P(ValidAddressTest, CanonicalFormParsesToItself) {
  Result<Mailbox> parsed = parse_mailbox(GetParam().input);
  ASSERT_TRUE(parsed.ok());
  const std::string canonical = parsed->canonical();
  Result<Mailbox> reparsed = parse_mailbox(canonical);
  ASSERT_TRUE(reparsed.ok()) << canonical << ": " << reparsed.error().message;
  EXPECT_EQ(reparsed->canonical(), canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc5321, ValidAddressTest,
    testing::Values(
        ValidAddress{"user@example.com", "user", "example.com"},
        ValidAddress{"User.Name@Example.COM", "User.Name", "example.com"},
        ValidAddress{"first.last+tag@sub.example.co.uk", "first.last+tag", "sub.example.co.uk"},
        ValidAddress{"!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~", "example.com"},
        ValidAddress{"a@b.co", "a", "b.co"},
        ValidAddress{"x@xn--bcher-kva.de", "x", "xn--bcher-kva.de"},
        ValidAddress{"1234@123.example", "1234", "123.example"},
        ValidAddress{"a@a-b.c-d.com", "a", "a-b.c-d.com"}, ValidAddress{"a@1a.com", "a", "1a.com"},
        ValidAddress{"\"john doe\"@example.com", "\"john doe\"", "example.com"},
        ValidAddress{"\"a@b\"@example.com", "\"a@b\"", "example.com"},
        ValidAddress{"\"quote\\\"inside\"@example.com", "\"quote\\\"inside\"", "example.com"},
        ValidAddress{"\"back\\\\slash\"@example.com", "\"back\\\\slash\"", "example.com"},
        ValidAddress{"\"..dots..\"@example.com", "\"..dots..\"", "example.com"},
        ValidAddress{"\"J\xC3\xB6rg M\xC3\xBCller\"@example.de", "\"J\xC3\xB6rg M\xC3\xBCller\"",
                     "example.de"},
        ValidAddress{"user@[192.0.2.1]", "user", "[192.0.2.1]"},
        ValidAddress{"user@[255.255.255.255]", "user", "[255.255.255.255]"},
        ValidAddress{"user@[IPv6:2001:db8::1]", "user", "[IPv6:2001:db8::1]"},
        ValidAddress{"user@[ipv6:2001:DB8::1]", "user", "[IPv6:2001:db8::1]"},
        ValidAddress{"user@[IPv6:2001:db8:0:0:0:0:0:1]", "user", "[IPv6:2001:db8:0:0:0:0:0:1]"},
        ValidAddress{"user@[IPv6:::1]", "user", "[IPv6:::1]"},
        ValidAddress{"user@[IPv6:::]", "user", "[IPv6:::]"},
        ValidAddress{"user@[IPv6:1:2:3:4:5:6::]", "user", "[IPv6:1:2:3:4:5:6::]"},
        ValidAddress{"user@[IPv6:::ffff:192.0.2.1]", "user", "[IPv6:::ffff:192.0.2.1]"},
        ValidAddress{"user@[IPv6:2001:db8::192.0.2.1]", "user", "[IPv6:2001:db8::192.0.2.1]"},
        ValidAddress{"user@[IPv6:1:2:3:4:5:6:192.0.2.1]", "user", "[IPv6:1:2:3:4:5:6:192.0.2.1]"},
        ValidAddress{"\xD0\xBF\xD0\xBE\xD1\x87\xD1\x82\xD0\xB0@\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0"
                     "\xB5\xD1\x80.\xD1\x80\xD1\x84",
                     "\xD0\xBF\xD0\xBE\xD1\x87\xD1\x82\xD0\xB0",
                     "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80.\xD1\x80\xD1\x84"},
        ValidAddress{"\xE7\x94\xA8\xE6\x88\xB7@\xE4\xBE\x8B\xE5\xAD\x90.\xE5\xB9\xBF\xE5\x91\x8A",
                     "\xE7\x94\xA8\xE6\x88\xB7",
                     "\xE4\xBE\x8B\xE5\xAD\x90.\xE5\xB9\xBF\xE5\x91\x8A"},
        ValidAddress{"J\xC3\xB6rg@B\xC3\xBC"
                     "cher.DE",
                     "J\xC3\xB6rg",
                     "b\xC3\xBC"
                     "cher.de"},
        ValidAddress{"emoji\xF0\x9F\x98\x80@example.com", "emoji\xF0\x9F\x98\x80", "example.com"},
        ValidAddress{repeat('l', 64) + "@example.com", repeat('l', 64), "example.com"},
        ValidAddress{e_acute(32) + "@example.com", e_acute(32), "example.com"}, // 64 octets
        ValidAddress{"u@" + repeat('d', 63) + ".com", "u", repeat('d', 63) + ".com"},
        ValidAddress{repeat('l', 64) + "@" + kLongestDomain, repeat('l', 64), kLongestDomain}));

struct CanonicalCase {
  std::string input;
  std::string canonical;
};

class CanonicalTest : public testing::TestWithParam<CanonicalCase> {};

TEST_P(CanonicalTest, LowerCasesAsciiOnly) {
  Result<Mailbox> parsed = parse_mailbox(GetParam().input);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->canonical(), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Keys, CanonicalTest,
    testing::Values(CanonicalCase{"User.Name@Example.COM", "user.name@example.com"},
                    CanonicalCase{"\"John Doe\"@Example.com", "\"john doe\"@example.com"},
                    CanonicalCase{"J\xC3\x96rg@B\xC3\x9C"
                                  "CHER.de",
                                  "j\xC3\x96rg@b\xC3\x9C"
                                  "cher.de"},
                    CanonicalCase{"ADMIN@[IPv6:2001:DB8::A]", "admin@[IPv6:2001:db8::a]"},
                    CanonicalCase{"a@[192.0.2.1]", "a@[192.0.2.1]"}));

TEST(MailboxText, KeepsLocalPartAsGiven) {
  Result<Mailbox> parsed = parse_mailbox("Mixed.Case@EXAMPLE.org");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text(), "Mixed.Case@example.org");
}

} // namespace
} // namespace volley::protocol
