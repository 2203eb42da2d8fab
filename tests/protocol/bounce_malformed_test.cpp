// parse_bounce_message on malformed input: empty and header-less input is an invalid_request;
// truncated MIME, missing boundaries, huge headers, deep nesting and binary junk give a clear
// report (possibly not_bounce) without crashing. Pure string tests.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "protocol/bounce_report.hpp"

namespace volley::protocol {
namespace {

TEST(BounceMalformedTest, EmptyOrHeaderlessInputIsAnInvalidRequest) {
  for (const std::string raw : {"", "   \n\n", "just some text without a header\n"}) {
    const auto report = parse_bounce_message(raw);
    ASSERT_FALSE(report.ok()) << raw;
    EXPECT_EQ(report.error().code, error_code::invalid_request);
    EXPECT_NE(report.error().message.find("header"), std::string::npos);
  }
}

TEST(BounceMalformedTest, TruncatedReportStillYieldsItsRecipients) {
  const std::string raw =
      "From: MAILER-DAEMON@m.test\nTo: s@sender.test\nSubject: Undelivered Mail\nMIME-Version: "
      "1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"T\"\n\n--T\n"
      "Content-Type: message/delivery-status\n\nReporting-MTA: dns; m.test\n\n"
      "Final-Recipient: rfc822; r@dest.test\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; "
      "550 5.1.1 user unknown\n\n--T\nContent-Type: message/rfc822\n\nFrom: a@sen"; // cut here
  const auto report = parse_bounce_message(raw);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->recipients.size(), 1u);
  EXPECT_TRUE(report->recipients[0].hard);
}

TEST(BounceMalformedTest, MissingBoundaryKeepsTheTextReadable) {
  const std::string raw =
      "From: MAILER-DAEMON@m.test\nTo: s@sender.test\nSubject: failure notice\nMIME-Version: 1.0\n"
      "Content-Type: multipart/mixed\n\nHi. This is the qmail-send program at m.test.\n"
      "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
      "<r@dest.test>:\nSorry, no mailbox here by that name. (#5.1.1)\n";
  const auto report = parse_bounce_message(raw);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->recipients.size(), 1u);
  EXPECT_EQ(report->recipients[0].recipient, "r@dest.test");
}

TEST(BounceMalformedTest, HugeHeadersAndDeepNestingAreBounded) {
  std::string raw = "From: MAILER-DAEMON@m.test\nSubject: " + std::string(2 << 20, 'x') + "\n";
  for (int i = 0; i < 5000; ++i)
    raw += "X-Junk-" + std::to_string(i) + ": " + std::string(50, 'y') + "\n";
  raw += "Content-Type: multipart/mixed; boundary=b0\n\n";
  for (int depth = 0; depth < 200; ++depth)
    raw += "--b" + std::to_string(depth) + "\nContent-Type: multipart/mixed; boundary=b" +
           std::to_string(depth + 1) + "\n\n";
  const auto report = parse_bounce_message(raw);
  ASSERT_TRUE(report.ok());
  EXPECT_LE(report->recipients.size(), 1u);
}

TEST(BounceMalformedTest, BinaryJunkNeverCrashes) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::string raw = "From: x@y.test\nContent-Type: multipart/report; boundary=Z\n\n--Z\n";
    const int size = static_cast<int>(random() % 4000);
    for (int i = 0; i < size; ++i)
      raw += static_cast<char>(random() % 256);
    raw += "\n--Z\nContent-Type: message/delivery-status\n\nFinal-Recipient: ;\nStatus: 5.\n";
    const auto report = parse_bounce_message(raw);
    ASSERT_TRUE(report.ok());
    for (const auto& r : report->recipients)
      EXPECT_FALSE(r.kind.empty());
  }
}

} // namespace
} // namespace volley::protocol
