// Bounces and the suppression list in the spool: a hard bounce (the address itself is bad) puts
// the address on the list in the same transaction as its outcome; soft bounces of one address
// count, and soft_bounce_limit of them within the window suppress it too; an address already on
// the list keeps its first reason; a limit of 0 never promotes.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

DeliveryOutcome bounce(const ClaimedRecipient& c, OutcomeKind kind, bool suppress,
                       const std::string& reason) {
  DeliveryOutcome o;
  o.campaign_seq = c.campaign_seq;
  o.seq = c.seq;
  o.kind = kind;
  BounceRecord record;
  record.kind = suppress ? "hard" : "soft";
  record.status = suppress ? "5.1.1" : "4.2.2";
  record.reason = reason;
  record.source = "sync";
  o.bounce = record;
  o.address_key = c.address;
  o.suppress = suppress;
  return o;
}

// One campaign per round, each to the same address: claims it and records one outcome.
void bounce_once(Spool& spool, int round, const std::string& address, OutcomeKind kind,
                 bool suppress, const std::string& reason, std::int64_t now) {
  NewCampaign campaign = campaign_named("c" + std::to_string(round));
  NewRecipient r;
  r.address = address;
  r.canonical = address;
  ASSERT_TRUE(create_campaign_sync(spool, campaign, {r}).ok());
  auto claimed = claim_due_sync(spool, now, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(record_outcomes_sync(spool, {bounce((*claimed)[0], kind, suppress, reason)}).ok());
}

TEST(SpoolBounceSuppressionTest, HardBounceSuppressesTheAddressWithItsReason) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  const std::int64_t now = wall_ms() + 1000;
  bounce_once(*spool, 0, "gone@example.test", OutcomeKind::bounced_hard, true, "user_unknown", now);
  auto entry = spool->suppression("gone@example.test");
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->reason, "user_unknown");
  EXPECT_EQ(entry->source, "sync");
  // From now on the address is skipped at injection: stored as suppressed, never claimed.
  NewRecipient again;
  again.address = again.canonical = "gone@example.test";
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("later"), {again}).ok());
  EXPECT_EQ(spool->campaign("later")->counts.suppressed, 1u);
  auto claimed = claim_due_sync(*spool, now, 10);
  ASSERT_TRUE(claimed.ok());
  EXPECT_TRUE(claimed->empty());
}

TEST(SpoolBounceSuppressionTest, SoftBouncesArePromotedAtTheLimit) {
  TempSpoolDir dir;
  SpoolOptions options = options_for(dir);
  options.soft_bounce_limit = 3;
  auto spool = Spool::open(options);
  const std::int64_t now = wall_ms() + 1000;
  bounce_once(*spool, 0, "full@example.test", OutcomeKind::bounced_soft, false, "mailbox_full",
              now);
  bounce_once(*spool, 1, "full@example.test", OutcomeKind::expired, false, "expired", now);
  EXPECT_FALSE(spool->suppression("full@example.test").has_value()) << "2 of 3";
  bounce_once(*spool, 2, "full@example.test", OutcomeKind::bounced_soft, false, "mailbox_full",
              now);
  auto entry = spool->suppression("full@example.test");
  ASSERT_TRUE(entry.has_value()) << "the third soft bounce makes it hard";
  EXPECT_EQ(entry->reason, "repeated soft bounces (3, last: mailbox_full)");
  // Another address is counted on its own.
  bounce_once(*spool, 3, "other@example.test", OutcomeKind::bounced_soft, false, "mailbox_full",
              now);
  EXPECT_FALSE(spool->suppression("other@example.test").has_value());
}

TEST(SpoolBounceSuppressionTest, SoftBouncesOutsideTheWindowStartOver) {
  TempSpoolDir dir;
  SpoolOptions options = options_for(dir);
  options.soft_bounce_limit = 2;
  options.soft_bounce_window_s = 1;
  auto spool = Spool::open(options);
  const std::int64_t now = wall_ms() + 1000;
  bounce_once(*spool, 0, "slow@example.test", OutcomeKind::bounced_soft, false, "mailbox_full",
              now);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  bounce_once(*spool, 1, "slow@example.test", OutcomeKind::bounced_soft, false, "mailbox_full",
              now + 2000);
  EXPECT_FALSE(spool->suppression("slow@example.test").has_value())
      << "the first bounce left the window";
}

TEST(SpoolBounceSuppressionTest, LimitZeroNeverPromotes) {
  TempSpoolDir dir;
  SpoolOptions options = options_for(dir);
  options.soft_bounce_limit = 0;
  auto spool = Spool::open(options);
  const std::int64_t now = wall_ms() + 1000;
  for (int i = 0; i < 6; ++i)
    bounce_once(*spool, i, "x@example.test", OutcomeKind::bounced_soft, false, "mailbox_full", now);
  EXPECT_FALSE(spool->suppression("x@example.test").has_value());
}

ReportedBounce reported(std::uint32_t campaign_seq, std::uint64_t seq, const std::string& kind,
                        const std::string& address, bool suppress) {
  ReportedBounce b;
  b.campaign_seq = campaign_seq;
  b.recipient_seq = seq;
  b.record.kind = kind;
  b.record.status = kind == "hard" ? "5.1.1" : "";
  b.record.reason = kind == "complaint" ? "feedback" : "user_unknown";
  b.record.source = kind == "complaint" ? "arf" : "dsn";
  b.address_key = address;
  b.suppress = suppress;
  return b;
}

TEST(SpoolBounceSuppressionTest, ReportedBouncesMoveDeliveredRecipientsAndSuppress) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("dsn"), rcpts(0, 3)).ok());
  const std::int64_t now = wall_ms() + 1000;
  auto c = claim_due_sync(*spool, now, 10);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 3u);
  std::vector<DeliveryOutcome> delivered;
  for (const auto& r : *c) {
    DeliveryOutcome o;
    o.campaign_seq = r.campaign_seq;
    o.seq = r.seq;
    delivered.push_back(o);
  }
  ASSERT_TRUE(record_outcomes_sync(*spool, delivered).ok());
  const auto& first = (*c)[0];
  const auto& second = (*c)[1];
  auto stored = record_reported_bounces_sync(
      *spool, {reported(first.campaign_seq, first.seq, "hard", first.address, true),
               reported(second.campaign_seq, second.seq, "complaint", second.address, true),
               reported(0, 0, "hard", "stranger@example.test", false)});
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].campaign, "dsn");
  EXPECT_EQ((*stored)[0].recipient, first.address);
  EXPECT_GT((*stored)[1].seq, (*stored)[0].seq);
  auto counts = spool->campaign("dsn")->counts;
  EXPECT_EQ(counts.delivered, 2u) << "the complaint leaves its recipient delivered";
  EXPECT_EQ(counts.bounced_hard, 1u);
  EXPECT_EQ(spool->suppression(first.address)->reason, "user_unknown");
  EXPECT_EQ(spool->suppression(first.address)->source, "dsn");
  EXPECT_EQ(spool->suppression(second.address)->reason, "complaint");
  EXPECT_FALSE(spool->suppression("stranger@example.test").has_value())
      << "an unverified bounce never suppresses";
  EXPECT_EQ(spool->bounces("", 0, 10).size(), 3u);
}

} // namespace
} // namespace volley::queue
