// Tests of recipient state transitions: claim, outcomes, retry timing, pause/resume/cancel, restart
// recovery of in_flight recipients, bounce records and their paging.
#include <gtest/gtest.h>

#include <map>

#include "queue/lmdb_spool.hpp"
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

BounceRecord bounce(const std::string& kind, const std::string& status) {
  BounceRecord b;
  b.kind = kind;
  b.status = status;
  b.smtp_code = kind == "hard" ? 550 : 450;
  b.reason = "test";
  b.source = "sync";
  return b;
}

std::vector<ClaimedRecipient> claim(Spool& spool, std::int64_t now, std::size_t max) {
  auto r = claim_due_sync(spool, now, max);
  EXPECT_TRUE(r.ok());
  return r.ok() ? std::move(*r) : std::vector<ClaimedRecipient>{};
}

TEST(SpoolStatesTest, ClaimThenEveryOutcome) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("t"), rcpts(0, 5)).ok());
  const std::int64_t now = wall_ms() + 1000;
  auto c = claim(*spool, now, 10);
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[0].campaign_id, "t");
  EXPECT_EQ(c[0].address, "user0.name@example-mail.org");
  EXPECT_EQ(c[0].crm_id, "crm-0");
  EXPECT_EQ(c[0].attempts, 0);
  EXPECT_EQ(spool->campaign("t")->counts.in_flight, 5u);
  EXPECT_TRUE(claim(*spool, now, 10).empty());

  DeliveryOutcome hard = outcome(c[2], OutcomeKind::bounced_hard);
  hard.bounce = bounce("hard", "5.1.1");
  DeliveryOutcome expired = outcome(c[4], OutcomeKind::expired);
  expired.bounce = bounce("soft", "4.4.7");
  ASSERT_TRUE(record_outcomes_sync(*spool, {outcome(c[0], OutcomeKind::delivered),
                                            outcome(c[1], OutcomeKind::deferred, now + 60000), hard,
                                            outcome(c[3], OutcomeKind::bounced_soft), expired})
                  .ok());
  CampaignCounts counts = spool->campaign("t")->counts;
  EXPECT_EQ(counts.delivered, 1u);
  EXPECT_EQ(counts.deferred, 1u);
  EXPECT_EQ(counts.bounced_hard, 1u);
  EXPECT_EQ(counts.bounced_soft, 1u);
  EXPECT_EQ(counts.expired, 1u);
  EXPECT_EQ(counts.in_flight, 0u);
  EXPECT_EQ(spool->recipient(c[0].campaign_seq, c[0].seq)->attempts, 1);

  // Deferred comes back at its time, not earlier, with its attempt counted.
  EXPECT_TRUE(claim(*spool, now + 59999, 10).empty());
  auto retry = claim(*spool, now + 60000, 10);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].seq, c[1].seq);
  EXPECT_EQ(retry[0].attempts, 1);

  // Outcomes for recipients not in flight are skipped.
  ASSERT_TRUE(record_outcomes_sync(*spool, {outcome(c[0], OutcomeKind::bounced_hard),
                                            outcome(c[1], OutcomeKind::delivered)})
                  .ok());
  counts = spool->campaign("t")->counts;
  EXPECT_EQ(counts.delivered, 2u);
  EXPECT_EQ(counts.bounced_hard, 1u);

  auto bounces = spool->bounces("", 0, 10);
  ASSERT_EQ(bounces.size(), 2u);
  EXPECT_EQ(bounces[0].seq, 1u);
  EXPECT_EQ(bounces[0].campaign, "t");
  EXPECT_EQ(bounces[0].recipient, c[2].address);
  EXPECT_EQ(bounces[0].recipient_id, c[2].crm_id);
  EXPECT_EQ(bounces[0].status, "5.1.1");
  EXPECT_GT(bounces[0].at_ms, 0);
  EXPECT_EQ(bounces[1].seq, 2u);
  EXPECT_EQ(bounces[1].status, "4.4.7");
  expect_counts_match_scan(*spool);
  EXPECT_TRUE(dynamic_cast<LmdbSpool&>(*spool).audit().empty());
}

TEST(SpoolStatesTest, FutureNotBeforeIsRespected) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  NewCampaign c = campaign_named("later");
  c.not_before_ms = wall_ms() + 3600 * 1000;
  ASSERT_TRUE(create_campaign_sync(*spool, c, rcpts(0, 3)).ok());
  EXPECT_TRUE(claim(*spool, c.not_before_ms - 1, 10).empty());
  EXPECT_EQ(claim(*spool, c.not_before_ms, 10).size(), 3u);
}

TEST(SpoolStatesTest, PausedCampaignsAreNotClaimedUntilResumed) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("p"), rcpts(0, 3)).ok());
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("q"), rcpts(0, 3)).ok());
  EXPECT_EQ(*set_campaign_state_sync(*spool, "p", CampaignAction::pause), CampaignState::paused);
  EXPECT_EQ(*set_campaign_state_sync(*spool, "p", CampaignAction::pause), CampaignState::paused);
  const std::int64_t now = wall_ms() + 1000;
  auto c = claim(*spool, now, 100);
  ASSERT_EQ(c.size(), 3u);
  for (const auto& r : c)
    EXPECT_EQ(r.campaign_id, "q");
  EXPECT_EQ(spool->campaign("p")->state, CampaignState::paused);
  EXPECT_EQ(spool->campaign("p")->counts.queued, 3u);
  EXPECT_EQ(*set_campaign_state_sync(*spool, "p", CampaignAction::resume), CampaignState::active);
  EXPECT_EQ(*set_campaign_state_sync(*spool, "p", CampaignAction::resume), CampaignState::active);
  c = claim(*spool, now, 2);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].campaign_id, "p");
  EXPECT_EQ(claim(*spool, now, 100).size(), 1u);
  auto missing = set_campaign_state_sync(*spool, "zz", CampaignAction::pause);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, error_code::not_found);
}

TEST(SpoolStatesTest, CancelMovesWaitingRecipientsAndSettlesInFlightOnes) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("x"), rcpts(0, 6)).ok());
  const std::int64_t now = wall_ms() + 1000;
  auto flying = claim(*spool, now, 3);
  ASSERT_EQ(flying.size(), 3u);
  ASSERT_TRUE(
      record_outcomes_sync(*spool, {outcome(flying[0], OutcomeKind::deferred, now + 10)}).ok());
  // Now: 3 queued, 1 deferred, 2 in flight.
  EXPECT_EQ(*set_campaign_state_sync(*spool, "x", CampaignAction::cancel),
            CampaignState::cancelled);
  CampaignCounts counts = spool->campaign("x")->counts;
  EXPECT_EQ(counts.cancelled, 4u);
  EXPECT_EQ(counts.in_flight, 2u);
  EXPECT_EQ(counts.queued + counts.deferred, 0u);
  EXPECT_TRUE(claim(*spool, now + 100000, 100).empty());
  ASSERT_TRUE(record_outcomes_sync(*spool, {outcome(flying[1], OutcomeKind::deferred, now + 10),
                                            outcome(flying[2], OutcomeKind::delivered)})
                  .ok());
  counts = spool->campaign("x")->counts;
  EXPECT_EQ(counts.cancelled, 5u);
  EXPECT_EQ(counts.delivered, 1u);
  EXPECT_EQ(counts.in_flight, 0u);
  EXPECT_TRUE(claim(*spool, now + 100000, 100).empty());

  for (auto action : {CampaignAction::resume, CampaignAction::pause}) {
    auto r = set_campaign_state_sync(*spool, "x", action);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, error_code::conflict);
  }
  auto add = add_recipients_sync(*spool, "x", rcpts(100, 1));
  ASSERT_FALSE(add.ok());
  EXPECT_EQ(add.error().code, error_code::conflict);
  EXPECT_EQ(*set_campaign_state_sync(*spool, "x", CampaignAction::cancel),
            CampaignState::cancelled);
  expect_counts_match_scan(*spool);
  EXPECT_TRUE(dynamic_cast<LmdbSpool&>(*spool).audit().empty());
}

TEST(SpoolStatesTest, RestartReturnsInFlightRecipientsToTheQueue) {
  TempSpoolDir dir;
  const std::int64_t now = wall_ms() + 1000;
  NewCampaign body = campaign_named("r");
  {
    auto spool = Spool::open(options_for(dir));
    ASSERT_TRUE(create_campaign_sync(*spool, body, rcpts(0, 10)).ok());
    ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("k"), rcpts(0, 2)).ok());
    ASSERT_TRUE(put_suppression_sync(*spool, {"z@example.org", "manual", "api", 5}).ok());
    auto c = claim(*spool, now, 6); // 6 of r (arrival order: r's due time is earlier)
    ASSERT_EQ(c.size(), 6u);
    ASSERT_TRUE(record_outcomes_sync(*spool, {outcome(c[0], OutcomeKind::delivered)}).ok());
    auto k = claim(*spool, now, 100);
    ASSERT_EQ(k.size(), 6u); // 4 of r + 2 of k
    ASSERT_TRUE(set_campaign_state_sync(*spool, "k", CampaignAction::cancel).ok());
  }
  LmdbSpool spool(options_for(dir));
  EXPECT_EQ(spool.recovered_at_open(), 11u);
  CampaignCounts r = spool.campaign("r")->counts;
  EXPECT_EQ(r.in_flight, 0u);
  EXPECT_EQ(r.queued, 9u);
  EXPECT_EQ(r.delivered, 1u);
  EXPECT_EQ(spool.campaign("k")->counts.cancelled, 2u);
  EXPECT_EQ(spool.campaign_message("r"), body.message);
  EXPECT_TRUE(spool.suppression("z@example.org"));
  auto again = claim(spool, now, 100);
  EXPECT_EQ(again.size(), 9u);
  expect_counts_match_scan(spool);
  EXPECT_TRUE(spool.audit().empty());
}

TEST(SpoolBounceTest, PagesWithAndWithoutCampaignFilter) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("A"), rcpts(0, 6)).ok());
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("B"), rcpts(0, 6)).ok());
  auto c = claim(*spool, wall_ms() + 1000, 100);
  ASSERT_EQ(c.size(), 12u);
  std::vector<DeliveryOutcome> outcomes;
  for (const auto& r : c) {
    DeliveryOutcome o = outcome(r, OutcomeKind::bounced_hard);
    o.bounce = bounce("hard", "5.1.1");
    outcomes.push_back(o);
  }
  ASSERT_TRUE(record_outcomes_sync(*spool, outcomes).ok());
  auto first = spool->bounces("", 0, 5);
  ASSERT_EQ(first.size(), 5u);
  EXPECT_EQ(first[4].seq, 5u);
  auto rest = spool->bounces("", first.back().seq, 100);
  ASSERT_EQ(rest.size(), 7u);
  EXPECT_EQ(rest[0].seq, 6u);
  std::vector<BounceRecord> only_b;
  std::uint64_t after = 0;
  for (int page = 0; page < 10; ++page) {
    auto p = spool->bounces("B", after, 4);
    if (p.empty())
      break;
    for (const auto& b : p) {
      EXPECT_EQ(b.campaign, "B");
      EXPECT_GT(b.seq, after);
      only_b.push_back(b);
    }
    after = p.back().seq;
  }
  EXPECT_EQ(only_b.size(), 6u);
  EXPECT_TRUE(spool->bounces("", 12, 10).empty());
  EXPECT_TRUE(spool->bounces("", UINT64_MAX, 10).empty());
  EXPECT_TRUE(spool->bounces("nope", 0, 10).empty());
}

} // namespace
} // namespace volley::queue
