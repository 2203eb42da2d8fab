// Unit tests for parse_ehlo_reply (protocol/esmtp_capabilities.hpp): keywords in any case, SIZE
// with and without a usable number, unknown and ignored keywords, odd spacing. Never opens a
// socket.
#include <gtest/gtest.h>

#include "protocol/esmtp_capabilities.hpp"

namespace {

using volley::protocol::EsmtpCapabilities;
using volley::protocol::parse_ehlo_reply;
using volley::protocol::SmtpReply;

EsmtpCapabilities parse(const std::string& text) {
  return parse_ehlo_reply(SmtpReply::synthesized(250, "", text));
}

TEST(EsmtpCapabilities, TypicalPostfixReply) {
  const EsmtpCapabilities caps =
      parse("mx.example.com\nPIPELINING\nSIZE 10240000\nVRFY\nETRN\nSTARTTLS\n"
            "ENHANCEDSTATUSCODES\n8BITMIME\nDSN\nSMTPUTF8\nCHUNKING");
  EXPECT_TRUE(caps.esmtp);
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.starttls);
  EXPECT_TRUE(caps.eight_bit_mime);
  EXPECT_TRUE(caps.smtputf8);
  EXPECT_TRUE(caps.enhanced_status_codes);
  EXPECT_TRUE(caps.chunking);
  EXPECT_TRUE(caps.dsn);
  EXPECT_EQ(caps.max_size, 10240000u);
  EXPECT_EQ(caps.server_name, "mx.example.com");
}

TEST(EsmtpCapabilities, KeywordsAreCaseInsensitive) {
  const EsmtpCapabilities caps = parse("mx Hello there\npipelining\nStartTLS\nsize 42\n8bitmime");
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.starttls);
  EXPECT_TRUE(caps.eight_bit_mime);
  EXPECT_EQ(caps.max_size, 42u);
  EXPECT_EQ(caps.server_name, "mx");
}

TEST(EsmtpCapabilities, SizeWithoutOrWithBadNumberIsZero) {
  EXPECT_EQ(parse("mx\nSIZE").max_size, 0u);
  EXPECT_EQ(parse("mx\nSIZE 0").max_size, 0u);
  EXPECT_EQ(parse("mx\nSIZE abc").max_size, 0u);
  EXPECT_EQ(parse("mx\nSIZE 12abc").max_size, 0u);
  EXPECT_EQ(parse("mx\nSIZE -5").max_size, 0u);
  EXPECT_EQ(parse("mx\nSIZE 99999999999999999999999").max_size, 0u); // overflows 64 bits
  EXPECT_EQ(parse("mx\nSIZE 18446744073709551615").max_size, 18446744073709551615u);
  EXPECT_EQ(parse("mx\nSIZE   52428800  ").max_size, 52428800u);
  EXPECT_EQ(parse("mx\nSIZE\t1000").max_size, 1000u);
}

TEST(EsmtpCapabilities, AuthAndUnknownKeywordsIgnored) {
  const EsmtpCapabilities caps = parse("mx\nAUTH PLAIN LOGIN\nAUTH=LOGIN\nXCLIENT NAME\nHELP\n"
                                       "PIPELININGX\nSTARTTLSNOW");
  EsmtpCapabilities expected;
  expected.esmtp = true;
  expected.server_name = "mx";
  EXPECT_EQ(caps, expected);
}

TEST(EsmtpCapabilities, FirstLineIsNeverAKeyword) {
  const EsmtpCapabilities caps = parse("PIPELINING");
  EXPECT_FALSE(caps.pipelining);
  EXPECT_EQ(caps.server_name, "PIPELINING");
}

TEST(EsmtpCapabilities, EmptyAndSingleLineReplies) {
  EXPECT_EQ(parse("").server_name, "");
  const EsmtpCapabilities caps = parse("mx.example.com");
  EXPECT_TRUE(caps.esmtp);
  EXPECT_FALSE(caps.pipelining);
  EXPECT_EQ(caps.max_size, 0u);
}

TEST(EsmtpCapabilities, SurroundingWhitespaceAndEmptyLinesTolerated) {
  const EsmtpCapabilities caps = parse("  mx  greets\n\n  PIPELINING \r\n\tSTARTTLS\n");
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.starttls);
  EXPECT_EQ(caps.server_name, "mx");
}

} // namespace
