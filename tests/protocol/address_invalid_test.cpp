// Invalid mailboxes: each must be refused with invalid_address and a message that names the exact
// problem (asserted as a substring, or in full where the wording is part of the contract).
#include <gtest/gtest.h>

#include <string>

#include "protocol/address.hpp"

namespace volley::protocol {
namespace {

struct InvalidAddress {
  std::string input;
  std::string message_part; // must occur in the error message
};

std::string repeat(char c, std::size_t count) {
  return std::string(count, c);
}

// Prints the case so a failing parameter is easy to find.
void PrintTo(const InvalidAddress& c, std::ostream* os) {
  *os << testing::PrintToString(c.input);
}

class InvalidAddressTest : public testing::TestWithParam<InvalidAddress> {};

TEST_P(InvalidAddressTest, IsRejectedWithSpecificMessage) {
  const InvalidAddress& c = GetParam();
  Result<Mailbox> parsed = parse_mailbox(c.input);
  ASSERT_FALSE(parsed.ok()) << "accepted: " << parsed->text();
  EXPECT_EQ(parsed.error().code, error_code::invalid_address);
  EXPECT_NE(parsed.error().message.find(c.message_part), std::string::npos)
      << "message was: " << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Structure, InvalidAddressTest,
    testing::Values(InvalidAddress{"", "address is empty"},
                    InvalidAddress{"userexample.com", "missing \"@\""},
                    InvalidAddress{"@example.com", "local part before \"@\" is empty"},
                    InvalidAddress{"user@", "domain after \"@\" is empty"},
                    InvalidAddress{"a@b@example.com", "more than one \"@\""},
                    InvalidAddress{"\"a\"@b@example.com", "more than one \"@\""},
                    InvalidAddress{"<user@example.com>", "remove the angle brackets"},
                    InvalidAddress{"user@example.com>", "remove the angle brackets"},
                    InvalidAddress{"<>", "remove the angle brackets"},
                    InvalidAddress{" user@example.com", "starts with whitespace"},
                    InvalidAddress{"user@example.com ", "ends with whitespace"},
                    InvalidAddress{"user@example.com\n", "ends with whitespace"}));

INSTANTIATE_TEST_SUITE_P(
    LocalPart, InvalidAddressTest,
    testing::Values(
        InvalidAddress{"us er@example.com",
                       "character ' ' is not allowed in an unquoted local part"},
        InvalidAddress{"us\"er@example.com", "character '\"' is not allowed"},
        InvalidAddress{"user(comment)@example.com", "character '(' is not allowed"},
        InvalidAddress{"a,b@example.com", "character ',' is not allowed"},
        InvalidAddress{".user@example.com", "local part \".user\" starts with a dot"},
        InvalidAddress{"user.@example.com", "local part \"user.\" ends with a dot"},
        InvalidAddress{"us..er@example.com", "local part \"us..er\" has consecutive dots"},
        InvalidAddress{"\"unterminated@example.com", "quoted local part has no closing"},
        InvalidAddress{"\"\"@example.com", "quoted local part \"\" is empty"},
        InvalidAddress{"\"a\"b@example.com", "expected \"@\" right after the quoted local part"},
        InvalidAddress{"\"a\"", "missing \"@\" and domain after the quoted local part"},
        InvalidAddress{"\"a\\\xC3\xA9\"@example.com", "backslash in the quoted local part"}));

INSTANTIATE_TEST_SUITE_P(
    Domain, InvalidAddressTest,
    testing::Values(
        InvalidAddress{"user@example.com.", "ends with a dot; remove the trailing dot"},
        InvalidAddress{"user@.example.com", "domain \".example.com\" starts with a dot"},
        InvalidAddress{"user@example..com", "has consecutive dots"},
        InvalidAddress{"user@-abc.com", "domain label \"-abc\" starts with a hyphen"},
        InvalidAddress{"user@abc-.com", "domain label \"abc-\" ends with a hyphen"},
        InvalidAddress{"user@\xC3\xA9xample-.com", "ends with a hyphen"},
        InvalidAddress{"user@exa_mple.com", "character '_' is not allowed in domain label"},
        InvalidAddress{"user@exam ple.com", "character ' ' is not allowed in domain label"},
        InvalidAddress{"user@localhost", "never delivers to dotless hosts"},
        InvalidAddress{"a@b", "has no dot"},
        InvalidAddress{"user@192.168.0.1", "write it as an address literal [192.168.0.1]"},
        InvalidAddress{"user@example.123", "top-level domain label \"123\" is all digits"}));

INSTANTIATE_TEST_SUITE_P(
    AddressLiteral, InvalidAddressTest,
    testing::Values(InvalidAddress{"user@[192.0.2.1", "missing its closing ']'"},
                    InvalidAddress{"user@[192.0.2.1]x", "has characters after ']'"},
                    InvalidAddress{"user@[]", "address literal [] is empty"},
                    InvalidAddress{"user@[192.0.2.256]", "is not a valid IPv4 address"},
                    InvalidAddress{"user@[192.0.2]", "is not a valid IPv4 address"},
                    InvalidAddress{"user@[1.2.3.4.5]", "is not a valid IPv4 address"},
                    InvalidAddress{"user@[0001.2.3.4]", "is not a valid IPv4 address"},
                    InvalidAddress{"user@[tag:stuff]",
                                   "is not supported; use [IPv4] or [IPv6:...]"},
                    InvalidAddress{"user@[IPv6:2001:db8::1::2]", "uses '::' more than once"},
                    InvalidAddress{"user@[IPv6:1:2:3:4:5:6:7]", "needs 8 groups"},
                    InvalidAddress{"user@[IPv6:1:2:3:4:5:6:7:8:9]", "needs 8 groups"},
                    InvalidAddress{"user@[IPv6:1:2:3:4:5:6:7::]", "too many groups around '::'"},
                    InvalidAddress{"user@[IPv6:1:2:3:4:5:6:7:1.2.3.4]", "needs 8 groups"},
                    InvalidAddress{"user@[IPv6:1:2:3:4:5::1.2.3.4]", "too many groups around '::'"},
                    InvalidAddress{"user@[IPv6:12345::1]", "not 1 to 4 hex digits"},
                    InvalidAddress{"user@[IPv6:g::1]", "not 1 to 4 hex digits"},
                    InvalidAddress{"user@[IPv6::1]", "starts with a single ':'"},
                    InvalidAddress{"user@[IPv6:1:]", "ends with a single ':'"},
                    InvalidAddress{"user@[IPv6:::1.2.3]", "malformed IPv4 part"},
                    InvalidAddress{"user@[IPv6:1.2.3.4:1::]", "malformed IPv4 part"}));

INSTANTIATE_TEST_SUITE_P(
    Characters, InvalidAddressTest,
    testing::Values(
        InvalidAddress{std::string("user\x01@example.com"), "control character 0x01 at byte 5"},
        InvalidAddress{"user@exa\tmple.com", "control character 0x09 at byte 9"},
        InvalidAddress{"user@exa\x7Fmple.com", "control character 0x7F at byte 9"},
        InvalidAddress{std::string("us\0er@example.com", 17), "control character 0x00 at byte 3"},
        InvalidAddress{"\"a\x0D\x0A"
                       "b\"@example.com",
                       "control character 0x0D at byte 3"},
        InvalidAddress{"\xC3\x28@example.com", "invalid UTF-8 at byte 1"},
        InvalidAddress{"\xC0\xAF@example.com", "invalid UTF-8 at byte 1"},
        InvalidAddress{"a\xED\xA0\x80@example.com", "invalid UTF-8 at byte 2"},
        InvalidAddress{"a\xF4\x90\x80\x80@example.com", "invalid UTF-8 at byte 2"},
        InvalidAddress{"user@example.co\xC3", "invalid UTF-8 at byte 16"},
        InvalidAddress{"a\xC2\x85@example.com", "control character U+0085 at byte 2"},
        InvalidAddress{"a\xE2\x80\x8B"
                       "b@example.com",
                       "invisible or space character U+200B"},
        InvalidAddress{"user@exa\xC2\xA0mple.com", "invisible or space character U+00A0"},
        InvalidAddress{"\"a\xE2\x80\xAE"
                       "b\"@example.com",
                       "invisible or space character U+202E"}));

INSTANTIATE_TEST_SUITE_P(
    Lengths, InvalidAddressTest,
    testing::Values(
        InvalidAddress{repeat('l', 65) + "@example.com",
                       "local part is 65 octets; the limit is 64 (RFC 5321 4.5.3.1.1)"},
        InvalidAddress{"\"" + repeat('q', 63) + "\"@example.com", "local part is 65 octets"},
        InvalidAddress{"u@" + repeat('d', 64) + ".com", "is 64 octets; the limit is 63"},
        InvalidAddress{"a@" + repeat('d', 63) + "." + repeat('d', 63) + "." + repeat('d', 63) +
                           "." + repeat('d', 64),
                       "domain is 256 octets; the limit is 255"},
        InvalidAddress{"a@" + repeat('d', 63) + "." + repeat('d', 63) + "." + repeat('d', 63) +
                           "." + repeat('d', 63),
                       "address is 257 octets; the limit is 254"},
        InvalidAddress{repeat('l', 64) + "@" + repeat('a', 63) + "." + repeat('b', 63) + "." +
                           repeat('c', 62),
                       "address is 255 octets; the limit is 254"}));

TEST(InvalidAddressMessage, HyphenMessageIsExact) {
  Result<Mailbox> parsed = parse_mailbox("user@-abc.example.com");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message, "domain label \"-abc\" starts with a hyphen");
}

TEST(InvalidAddressMessage, LocalPartLengthMessageIsExact) {
  Result<Mailbox> parsed = parse_mailbox(repeat('x', 70) + "@example.com");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "local part is 70 octets; the limit is 64 (RFC 5321 4.5.3.1.1)");
}

TEST(InvalidAddressMessage, UtfEightLocalPartIsCountedInOctets) {
  std::string local;
  for (int i = 0; i < 32; ++i)
    local += "\xC3\xA9"; // 64 octets
  EXPECT_TRUE(parse_mailbox(local + "@example.com").ok());
  Result<Mailbox> parsed = parse_mailbox(local + "e@example.com");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "local part is 65 octets; the limit is 64 (RFC 5321 4.5.3.1.1)");
}

TEST(InvalidAddressMessage, LongLabelIsQuotedShortened) {
  Result<Mailbox> parsed = parse_mailbox("u@" + repeat('d', 70) + ".com");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().message,
            "domain label \"" + repeat('d', 64) + "...\" is 70 octets; the limit is 63");
}

} // namespace
} // namespace volley::protocol
