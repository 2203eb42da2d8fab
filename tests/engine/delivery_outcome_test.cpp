// Tests of the reply → spool outcome mapping: delivered / deferred with the retry schedule /
// expired past the campaign's lifetime / hard bounce records with status, code, category and remote
// MTA.
#include <gtest/gtest.h>

#include "engine/delivery_outcome.hpp"
#include "engine/prepared_message.hpp"

namespace volley::engine {
namespace {

using protocol::SmtpReply;

DeliveryJob job_with(std::uint16_t attempts, std::int64_t expires_at_ms) {
  DeliveryJob job;
  job.recipient.campaign_seq = 7;
  job.recipient.seq = 42;
  job.recipient.campaign_id = "spring";
  job.recipient.address = "ann@a.test";
  job.recipient.crm_id = "crm-1";
  job.recipient.attempts = attempts;
  auto message = std::make_shared<PreparedMessage>();
  message->expires_at_ms = expires_at_ms;
  job.message = message;
  return job;
}

const RetryPolicy kRetry{{60, 600, 3600}};
constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kFarFuture = kNow + 100LL * 86400 * 1000;

TEST(DeliveryOutcomeTest, PositiveReplyIsDelivered) {
  auto o = make_outcome(job_with(0, kFarFuture), SmtpReply::synthesized(250, "2.0.0", "ok"),
                        "mx.a.test", kRetry, kNow);
  EXPECT_EQ(o.kind, queue::OutcomeKind::delivered);
  EXPECT_EQ(o.campaign_seq, 7u);
  EXPECT_EQ(o.seq, 42u);
  EXPECT_FALSE(o.bounce.has_value());
}

TEST(DeliveryOutcomeTest, TransientReplyFollowsTheScheduleAndRepeatsItsLastStep) {
  SmtpReply busy = SmtpReply::synthesized(451, "4.7.1", "try later");
  EXPECT_EQ(make_outcome(job_with(0, kFarFuture), busy, "mx", kRetry, kNow).next_attempt_ms,
            kNow + 60'000);
  EXPECT_EQ(make_outcome(job_with(1, kFarFuture), busy, "mx", kRetry, kNow).next_attempt_ms,
            kNow + 600'000);
  EXPECT_EQ(make_outcome(job_with(2, kFarFuture), busy, "mx", kRetry, kNow).next_attempt_ms,
            kNow + 3'600'000);
  auto o = make_outcome(job_with(9, kFarFuture), busy, "mx", kRetry, kNow);
  EXPECT_EQ(o.kind, queue::OutcomeKind::deferred);
  EXPECT_EQ(o.next_attempt_ms, kNow + 3'600'000);
  EXPECT_FALSE(o.bounce.has_value());
}

TEST(DeliveryOutcomeTest, DeferralPastTheExpiryExpiresWithASoftBounceRecord) {
  SmtpReply busy = SmtpReply::synthesized(421, "4.7.0", "too many connections");
  auto o = make_outcome(job_with(0, kNow + 30'000), busy, "mx.a.test", kRetry, kNow);
  EXPECT_EQ(o.kind, queue::OutcomeKind::expired);
  ASSERT_TRUE(o.bounce.has_value());
  EXPECT_EQ(o.bounce->kind, "soft");
  EXPECT_EQ(o.bounce->status, "4.7.0");
  EXPECT_EQ(o.bounce->smtp_code, 421);
  EXPECT_EQ(o.bounce->reason, "expired");
  EXPECT_NE(o.bounce->diagnostic.find("too many connections"), std::string::npos);
}

TEST(DeliveryOutcomeTest, PermanentReplyIsAHardBounceRecord) {
  auto o =
      make_outcome(job_with(0, kFarFuture), SmtpReply::synthesized(550, "5.1.1", "user unknown"),
                   "mx.a.test", kRetry, kNow);
  EXPECT_EQ(o.kind, queue::OutcomeKind::bounced_hard);
  ASSERT_TRUE(o.bounce.has_value());
  const auto& b = *o.bounce;
  EXPECT_EQ(b.kind, "hard");
  EXPECT_EQ(b.status, "5.1.1");
  EXPECT_EQ(b.smtp_code, 550);
  EXPECT_EQ(b.reason, "user_unknown");
  EXPECT_EQ(b.remote_mta, "mx.a.test");
  EXPECT_EQ(b.source, "sync");
  EXPECT_EQ(b.recipient, "ann@a.test");
  EXPECT_EQ(b.recipient_id, "crm-1");
  EXPECT_EQ(b.campaign, "spring");
  EXPECT_EQ(b.at_ms, kNow);
  EXPECT_NE(b.diagnostic.find("user unknown"), std::string::npos);
  // The address itself is bad: it goes on the suppression list (canonical form).
  EXPECT_TRUE(o.suppress);
  EXPECT_EQ(o.address_key, "ann@a.test");
}

TEST(DeliveryOutcomeTest, PermanentReplyWithoutEnhancedCodeGetsAGenericStatus) {
  auto o = make_outcome(job_with(0, kFarFuture), SmtpReply::synthesized(554, "", "rejected"), "mx",
                        kRetry, kNow);
  ASSERT_TRUE(o.bounce.has_value());
  EXPECT_EQ(o.bounce->status, "5.0.0");
  // Final for this message, but nothing says the address is bad: a soft bounce, not suppressed.
  EXPECT_EQ(o.kind, queue::OutcomeKind::bounced_soft);
  EXPECT_EQ(o.bounce->kind, "soft");
  EXPECT_FALSE(o.suppress);
  EXPECT_EQ(o.address_key, "ann@a.test") << "soft bounces are counted per address";
}

TEST(DeliveryOutcomeTest, OnlyABadAddressIsAHardBounce) {
  struct Case {
    const char* enhanced;
    const char* text;
    const char* reason;
    bool hard;
  };
  const Case cases[] = {
      {"5.1.1", "", "user_unknown", true},
      {"5.1.2", "", "host_unknown", true},
      {"5.1.10", "", "not_accepting", true},
      {"5.2.2", "", "mailbox_full", false},
      {"5.3.4", "", "message_too_large", false},
      {"5.7.1", "message looks like spam", "spam", false},
      {"5.7.26", "DMARC policy", "security", false},
      {"5.1.8", "sender address rejected", "", false}, // the sender was refused, not the recipient
      {"5.1.7", "bad sender", "", false},
  };
  for (const Case& c : cases) {
    auto o = make_outcome(job_with(0, kFarFuture), SmtpReply::synthesized(550, c.enhanced, c.text),
                          "mx", kRetry, kNow);
    ASSERT_TRUE(o.bounce.has_value()) << c.enhanced;
    EXPECT_EQ(o.kind, c.hard ? queue::OutcomeKind::bounced_hard : queue::OutcomeKind::bounced_soft)
        << c.enhanced;
    EXPECT_EQ(o.suppress, c.hard) << c.enhanced;
    if (*c.reason) {
      EXPECT_EQ(o.bounce->reason, c.reason) << c.enhanced;
    }
    EXPECT_EQ(bounce_category(SmtpReply::synthesized(550, c.enhanced, c.text)), o.bounce->reason);
  }
}

TEST(DeliveryOutcomeTest, ReturnedAndSuppressedCarryNoAttempt) {
  auto job = job_with(3, kFarFuture);
  auto r = returned_outcome(job, kNow);
  EXPECT_EQ(r.kind, queue::OutcomeKind::returned);
  EXPECT_EQ(r.next_attempt_ms, kNow);
  auto s = suppressed_outcome(job);
  EXPECT_EQ(s.kind, queue::OutcomeKind::suppressed);
  EXPECT_FALSE(s.bounce.has_value());
}

} // namespace
} // namespace volley::engine
