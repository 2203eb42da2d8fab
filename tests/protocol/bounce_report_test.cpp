// parse_bounce_message on hand-written messages of each family: RFC 3464 (multi-recipient,
// delayed, relayed, missing Diagnostic-Code), ARF, auto-replies, Exim, qmail, Exchange, Gmail,
// Yahoo, Postfix and Sendmail texts, SES JSON, and verp_candidates. Pure string tests.
#include <gtest/gtest.h>

#include <string>

#include "protocol/bounce_report.hpp"

namespace volley::protocol {
namespace {

BounceReport parse(const std::string& raw) {
  auto report = parse_bounce_message(raw);
  EXPECT_TRUE(report.ok()) << (report.ok() ? "" : report.error().message);
  return report.ok() ? std::move(report).value() : BounceReport{};
}

const std::string kDsn =
    "Return-Path: <>\nX-Original-To: bounces-abc@mail.sender.test\n"
    "From: MAILER-DAEMON@mta.sender.test\nTo: bounces-abc@mail.sender.test\n"
    "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
    "--B\nContent-Type: text/plain\n\nThis is the mail system at host mta.sender.test.\n\n"
    "<a@dest.test>: host mx.dest.test[127.0.0.2] said: 550 5.1.1 <a@dest.test>: Recipient\n"
    "    address rejected: User unknown (in reply to RCPT TO command)\n"
    "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mta.sender.test\n"
    "X-Postfix-Sender: rfc822; bounces-abc@mail.sender.test\n\n"
    "Final-Recipient: rfc822; a@dest.test\nOriginal-Recipient: rfc822;a@dest.test\n"
    "Action: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.dest.test\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <a@dest.test>: Recipient address rejected: User unknown\n\n"
    "Final-Recipient: rfc822; b@dest.test\nAction: failed\nStatus: 5.2.2\n"
    "Diagnostic-Code: smtp; 552 5.2.2 Mailbox full\n\n"
    "Final-Recipient: rfc822; c@dest.test\nAction: delayed\nStatus: 4.4.1\n"
    "Diagnostic-Code: X-Postfix; connect to mx.dest.test: Connection timed out\n\n"
    "Final-Recipient: rfc822; d@dest.test\nAction: relayed\nStatus: 2.0.0\n\n"
    "--B\nContent-Type: message/rfc822\n\nReturn-Path: <bounces-abc@mail.sender.test>\n"
    "Message-ID: <orig@sender.test>\nFrom: news@sender.test\nTo: a@dest.test\n\nHello\n--B--\n";

TEST(BounceReportTest, ReadsEveryRecipientGroupOfAnRfc3464Report) {
  const BounceReport report = parse(kDsn);
  EXPECT_EQ(report.type, BounceMessageType::dsn);
  EXPECT_EQ(report.reporting_mta, "mta.sender.test");
  ASSERT_EQ(report.recipients.size(), 3u); // the relayed group is no failure
  EXPECT_EQ(report.recipients[0].recipient, "a@dest.test");
  EXPECT_EQ(report.recipients[0].status, "5.1.1");
  EXPECT_EQ(report.recipients[0].smtp_code, 550);
  EXPECT_EQ(report.recipients[0].reason, "user_unknown");
  EXPECT_TRUE(report.recipients[0].hard);
  EXPECT_EQ(report.recipients[0].remote_mta, "mx.dest.test");
  EXPECT_EQ(report.recipients[1].reason, "mailbox_full");
  EXPECT_FALSE(report.recipients[1].hard);
  EXPECT_EQ(report.recipients[2].reason, "delayed");
  EXPECT_EQ(report.recipients[2].kind, "soft");
  EXPECT_FALSE(report.recipients[2].hard);
  EXPECT_EQ(report.original_message_id, "<orig@sender.test>");
}

TEST(BounceReportTest, VerpCandidatesComeEnvelopeFirstThenTheOriginalSender) {
  const BounceReport report = parse(kDsn);
  ASSERT_FALSE(report.verp_candidates.empty());
  EXPECT_EQ(report.verp_candidates.front(), "bounces-abc@mail.sender.test");
  EXPECT_EQ(report.verp_candidates.size(), 1u); // duplicates removed
  const BounceReport quoted = parse(
      "From: MAILER-DAEMON@q.test\nTo: someone@sender.test\nSubject: failure notice\n\n"
      "Hi. This is the qmail-send program at q.test.\nI'm afraid I wasn't able to deliver your "
      "message to the following addresses.\n\n<x@dest.test>:\nSorry, no mailbox here by that "
      "name. (#5.1.1)\n\n--- Below this line is a copy of the message.\n\n"
      "Return-Path: <bounces-xyz@mail.sender.test>\nMessage-ID: <q@sender.test>\nTo: "
      "x@dest.test\n\nhi\n");
  ASSERT_EQ(quoted.verp_candidates.size(), 2u);
  EXPECT_EQ(quoted.verp_candidates[0], "someone@sender.test");
  EXPECT_EQ(quoted.verp_candidates[1], "bounces-xyz@mail.sender.test");
  EXPECT_EQ(quoted.original_message_id, "<q@sender.test>");
  ASSERT_EQ(quoted.recipients.size(), 1u);
  EXPECT_EQ(quoted.recipients[0].recipient, "x@dest.test");
  EXPECT_TRUE(quoted.recipients[0].hard);
  EXPECT_EQ(quoted.recipients[0].status, "5.1.1");
}

TEST(BounceReportTest, MissingDiagnosticCodeFallsBackToTheReportText) {
  const BounceReport report = parse(
      "From: MAILER-DAEMON@m.test\nTo: s@sender.test\nSubject: Returned mail\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=X\n\n--X\n"
      "Content-Type: text/plain\n\nThe account of the following recipient is disabled:\n"
      "<u@dest.test>\n--X\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; m.test\n\n"
      "Final-Recipient: rfc822; u@dest.test\nAction: failed\nStatus: 5.0.0\n--X--\n");
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_EQ(report.recipients[0].reason, "suspended");
  EXPECT_FALSE(report.recipients[0].hard);
}

TEST(BounceReportTest, ArfComplaintListsEveryReportedRecipient) {
  const BounceReport report = parse(
      "From: fbl@isp.test\nTo: abuse@sender.test\nSubject: complaint\nMIME-Version: 1.0\n"
      "Content-Type: multipart/report; report-type=feedback-report; boundary=F\n\n--F\n"
      "Content-Type: text/plain\n\nA complaint.\n--F\nContent-Type: message/feedback-report\n\n"
      "Feedback-Type: fraud\nVersion: 1\nOriginal-Mail-From: <bounces-1@mail.sender.test>\n"
      "Original-Rcpt-To: <p@isp.test>\nOriginal-Rcpt-To: <q@isp.test>\n--F\n"
      "Content-Type: message/rfc822\n\nFrom: news@sender.test\nTo: p@isp.test\n\nhi\n--F--\n");
  EXPECT_EQ(report.type, BounceMessageType::arf);
  EXPECT_EQ(report.feedback_type, "fraud");
  ASSERT_EQ(report.recipients.size(), 2u);
  EXPECT_EQ(report.recipients[1].recipient, "q@isp.test");
  for (const auto& r : report.recipients) {
    EXPECT_EQ(r.kind, "complaint");
    EXPECT_EQ(r.reason, "feedback");
    EXPECT_FALSE(r.hard);
  }
  EXPECT_NE(std::find(report.verp_candidates.begin(), report.verp_candidates.end(),
                      "bounces-1@mail.sender.test"),
            report.verp_candidates.end());
}

TEST(BounceReportTest, AutoRepliesAreNeverBounces) {
  for (const std::string headers :
       {"Auto-Submitted: auto-replied\nSubject: Re: news\n", "Subject: Out of Office: news\n",
        "X-Autoreply: yes\nSubject: Re: news\n", "Precedence: auto_reply\nSubject: Re: news\n",
        "X-Auto-Response-Suppress: All\nSubject: Automatic reply: news\n"}) {
    const BounceReport report =
        parse("From: Pat <pat@dest.test>\nTo: s@sender.test\n" + headers +
              "\nI am on vacation; your mail user unknown wording must not matter.\n");
    EXPECT_EQ(report.type, BounceMessageType::auto_reply) << headers;
    ASSERT_EQ(report.recipients.size(), 1u);
    EXPECT_EQ(report.recipients[0].kind, "auto_reply");
    EXPECT_EQ(report.recipients[0].reason, "vacation");
    EXPECT_FALSE(report.recipients[0].hard);
  }
}

TEST(BounceReportTest, ReadsNonStandardTextsOfCommonMtas) {
  struct Family {
    const char* name;
    std::string message;
    const char* recipient;
    const char* reason;
    bool hard;
  };
  const Family families[] = {
      {"exim",
       "From: Mail Delivery System <Mailer-Daemon@e.test>\nTo: s@sender.test\nSubject: Mail "
       "delivery failed\nX-Failed-Recipients: r@dest.test\n\nThis message was created "
       "automatically by mail delivery software.\n\nA message that you sent could not be "
       "delivered to one or more of its\nrecipients. This is a permanent error. The following "
       "address(es) failed:\n\n  r@dest.test\n    SMTP error from remote mail server after RCPT "
       "TO:<r@dest.test>:\n    host mx.dest.test [127.0.0.3]: 550 5.2.2 mailbox is full\n",
       "r@dest.test", "mailbox_full", false},
      {"exchange",
       "From: postmaster@corp.test\nTo: s@sender.test\nSubject: Undeliverable: news\n\n"
       "Delivery has failed to these recipients or groups:\n\nr@corp.test (r@corp.test)\nThe "
       "e-mail address you entered couldn't be found.\n\nRemote Server returned '550 5.1.10 "
       "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n",
       "r@corp.test", "user_unknown", true},
      {"gmail",
       "From: Mail Delivery Subsystem <mailer-daemon@gmail.test>\nTo: s@sender.test\nSubject: "
       "Delivery Status Notification (Failure)\n\n** Address not found **\n\nYour message wasn't "
       "delivered to r@gm.test because the address couldn't be found, or is unable to receive "
       "mail.\n",
       "r@gm.test", "user_unknown", true},
      {"yahoo",
       "From: MAILER-DAEMON@yahoo.test\nTo: s@sender.test\nSubject: Failure Notice\n\nSorry, we "
       "were unable to deliver your message to the following address.\n\n<r@dest.test>:\nRemote "
       "host said: 554 5.7.1 Service unavailable; blocked using rbl.test [RCPT_TO]\n",
       "r@dest.test", "blocked", false},
      {"sendmail",
       "From: Mail Delivery Subsystem <MAILER-DAEMON@s.test>\nTo: s@sender.test\nSubject: "
       "Returned mail: see transcript for details\n\n   ----- The following addresses had "
       "permanent fatal errors -----\n<r@dest.test>\n    (reason: 550 Host unknown)\n\n   ----- "
       "Transcript of session follows -----\n550 5.1.2 <r@dest.test>... Host unknown (Name "
       "server: dest.test: host not found)\n",
       "r@dest.test", "host_unknown", true},
      {"domino",
       "From: Postmaster <postmaster@notes.test>\nTo: s@sender.test\nSubject: DELIVERY FAILURE\n\n"
       "Your message\n\n  Subject: news\n\nwas not delivered to:\n\n  r@notes.test\n\nbecause:\n\n"
       "  User r (r@notes.test) not listed in Domino Directory\n",
       "r@notes.test", "user_unknown", true},
  };
  for (const Family& f : families) {
    const BounceReport report = parse(f.message);
    EXPECT_EQ(report.type, BounceMessageType::non_standard) << f.name;
    ASSERT_EQ(report.recipients.size(), 1u) << f.name;
    EXPECT_EQ(report.recipients[0].recipient, f.recipient) << f.name;
    EXPECT_EQ(report.recipients[0].reason, f.reason) << f.name;
    EXPECT_EQ(report.recipients[0].hard, f.hard) << f.name;
  }
}

TEST(BounceReportTest, ReadsAmazonSesNotifications) {
  const BounceReport report =
      parse("From: no-reply@sns.test\nTo: s@sender.test\nSubject: Notification\n\n"
            "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
            "\"bouncedRecipients\":[{\"emailAddress\":\"r@dest.test\",\"status\":\"5.1.1\","
            "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]},\"mail\":{\"source\":"
            "\"bounces-9@mail.sender.test\"}}\n");
  ASSERT_EQ(report.recipients.size(), 1u);
  EXPECT_TRUE(report.recipients[0].hard);
  EXPECT_EQ(report.recipients[0].smtp_code, 550);
}

TEST(BounceReportTest, OrdinaryMailIsNotABounce) {
  const BounceReport report = parse(
      "From: reader@isp.test\nTo: s@sender.test\nSubject: Re: news\n\nThanks, great offer!\n");
  EXPECT_EQ(report.type, BounceMessageType::not_bounce);
  EXPECT_TRUE(report.recipients.empty());
  EXPECT_STREQ(to_string(report.type), "not_bounce");
}

} // namespace
} // namespace volley::protocol
