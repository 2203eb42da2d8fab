// Unit tests of the SMTP submission pieces that need no socket: the return_path rule of
// SubmissionIntake (CiviMail's own bounce address kept, a sender equal to the From field VERP'd,
// "keep"/"verp" forcing one), the address checks behind 553, and SubmissionUsers (right and wrong
// passwords, unknown users, remembered passwords). No spool is written: submit() is not called.
#include <gtest/gtest.h>

#include "engine/submission_intake.hpp"
#include "engine/submission_users.hpp"
#include "protocol/password_hash.hpp"

namespace volley::engine {
namespace {

using policy::SubmissionReturnPath;

bool keeps(SubmissionReturnPath mode, std::string_view mail_from, std::string_view message) {
  return SubmissionIntake::keeps_return_path(mode, mail_from, message);
}

constexpr std::string_view kCivi = "b.12.345.abcdef0123456789@bounces.example";
constexpr std::string_view kMessage =
    "From: \"News\" <News@Example.org>\r\nSubject: x\r\n\r\nhi\r\n";

TEST(SubmissionIntake, AutoKeepsAReturnPathThatDiffersFromTheFromField) {
  EXPECT_TRUE(keeps(SubmissionReturnPath::automatic, kCivi, kMessage));
  EXPECT_FALSE(keeps(SubmissionReturnPath::automatic, "news@example.org", kMessage));
  EXPECT_FALSE(keeps(SubmissionReturnPath::automatic, "news@EXAMPLE.org", kMessage));
  EXPECT_TRUE(
      keeps(SubmissionReturnPath::automatic, "news@example.org", "Subject: no from\r\n\r\n"));
  EXPECT_TRUE(keeps(SubmissionReturnPath::keep, "news@example.org", kMessage));
  EXPECT_FALSE(keeps(SubmissionReturnPath::verp, kCivi, kMessage));
}

TEST(SubmissionIntake, AddressChecksNameTheProblem) {
  EXPECT_FALSE(SubmissionIntake::sender_problem(kCivi).has_value());
  auto null_sender = SubmissionIntake::sender_problem("");
  ASSERT_TRUE(null_sender.has_value());
  EXPECT_NE(null_sender->find("null reverse-path"), std::string::npos);
  auto bad = SubmissionIntake::recipient_problem("us..er@example.com");
  ASSERT_TRUE(bad.has_value());
  EXPECT_NE(bad->find("consecutive dots"), std::string::npos) << *bad;
  EXPECT_FALSE(SubmissionIntake::recipient_problem("user@example.com").has_value());
}

TEST(SubmissionUsers, VerifiesAndRemembersOnlyRightPasswords) {
  policy::SubmissionUser crm{"crm", protocol::make_password_hash("s3cret", "saltsaltsalt", 1000)};
  SubmissionUsers users({crm});
  EXPECT_FALSE(users.remembered("crm", "s3cret"));
  EXPECT_FALSE(users.verify("crm", "wrong"));
  EXPECT_FALSE(users.verify("nobody", "s3cret"));
  EXPECT_FALSE(users.verify("CRM", "s3cret")); // user names are case-sensitive
  EXPECT_FALSE(users.remembered("crm", "wrong"));
  EXPECT_TRUE(users.verify("crm", "s3cret"));
  EXPECT_TRUE(users.remembered("crm", "s3cret"));
  EXPECT_FALSE(users.remembered("crm", "s3cret "));
}

// A full spool or disk must leave the message with the client (4xx, it retries), never be
// answered as stored, and never look permanent.
TEST(SubmissionIntake, RepliesSayWhetherTheMessageWasStoredAndWhetherToRetry) {
  auto reply = [](Result<SubmissionStored> stored) { return submission_reply(stored); };
  auto ok = reply(SubmissionStored{"m-7", 2, 0, true});
  EXPECT_EQ(ok.kind, protocol::SmtpServerDecision::Kind::accept);
  EXPECT_EQ(ok.text, "Ok: queued as m-7");
  for (const char* code : {error_code::spool_full, error_code::disk_full}) {
    auto full = reply(make_error(code, "no room"));
    EXPECT_EQ(full.kind, protocol::SmtpServerDecision::Kind::reply) << code;
    EXPECT_EQ(full.code, 452) << code;
    EXPECT_EQ(full.enhanced, "4.3.1") << code;
  }
  auto refused = reply(make_error(error_code::invalid_address, "bad RCPT"));
  EXPECT_EQ(refused.code, 554);
  EXPECT_EQ(refused.text, "Error: bad RCPT");
  auto other = reply(make_error(error_code::internal, "writer gone"));
  EXPECT_EQ(other.code, 451);
  EXPECT_EQ(other.enhanced, "4.3.0");
}

} // namespace
} // namespace volley::engine
