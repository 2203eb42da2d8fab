// Tests of the two outcomes the delivery engine uses without an SMTP attempt: "returned" (back to
// queued, attempts unchanged, due again at the given time; cancelled campaigns end cancelled) and
// "suppressed" (on the suppression list at send time).
#include <gtest/gtest.h>

#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

DeliveryOutcome outcome(const ClaimedRecipient& c, OutcomeKind kind, std::int64_t next = 0) {
  DeliveryOutcome o;
  o.campaign_seq = c.campaign_seq;
  o.seq = c.seq;
  o.kind = kind;
  o.next_attempt_ms = next;
  return o;
}

TEST(SpoolReturnedOutcomesTest, ReturnedGoesBackToQueuedWithoutCountingAnAttempt) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("r"), rcpts(0, 2)).ok());
  const std::int64_t now = wall_ms() + 1000;
  auto c = claim_due_sync(*spool, now, 10);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 2u);
  ASSERT_TRUE(record_outcomes_sync(*spool, {outcome((*c)[0], OutcomeKind::returned, now),
                                            outcome((*c)[1], OutcomeKind::returned, now + 5000)})
                  .ok());
  auto counts = spool->campaign("r")->counts;
  EXPECT_EQ(counts.queued, 2u);
  EXPECT_EQ(counts.in_flight, 0u);
  auto again = claim_due_sync(*spool, now, 10);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u) << "only the one due now";
  EXPECT_EQ((*again)[0].attempts, 0) << "a returned recipient was not attempted";
  auto later = claim_due_sync(*spool, now + 5000, 10);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 1u);
}

TEST(SpoolReturnedOutcomesTest, ReturnedIntoACancelledCampaignEndsCancelled) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("x"), rcpts(0, 3)).ok());
  const std::int64_t now = wall_ms() + 1000;
  auto c = claim_due_sync(*spool, now, 1);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 1u);
  ASSERT_TRUE(set_campaign_state_sync(*spool, "x", CampaignAction::cancel).ok());
  ASSERT_TRUE(record_outcomes_sync(*spool, {outcome((*c)[0], OutcomeKind::returned, now)}).ok());
  auto counts = spool->campaign("x")->counts;
  EXPECT_EQ(counts.cancelled, 3u);
  EXPECT_EQ(counts.queued, 0u);
  EXPECT_EQ(counts.in_flight, 0u);
  auto none = claim_due_sync(*spool, now + 100000, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(SpoolReturnedOutcomesTest, SuppressedAtSendTimeIsFinal) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("s"), rcpts(0, 1)).ok());
  const std::int64_t now = wall_ms() + 1000;
  auto c = claim_due_sync(*spool, now, 10);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->size(), 1u);
  ASSERT_TRUE(record_outcomes_sync(*spool, {outcome((*c)[0], OutcomeKind::suppressed)}).ok());
  auto counts = spool->campaign("s")->counts;
  EXPECT_EQ(counts.suppressed, 1u);
  EXPECT_EQ(counts.in_flight, 0u);
  auto r = spool->recipient((*c)[0].campaign_seq, (*c)[0].seq);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->state, RecipientState::suppressed);
  EXPECT_EQ(r->attempts, 0);
  auto none = claim_due_sync(*spool, now + 10'000'000, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

} // namespace
} // namespace volley::queue
