// Tests of the spool statistics behind /metrics: recipients_injected counts what create/add stored
// (not duplicates, not refused requests), the commit duration histogram counts exactly the commits
// that wrote, idle claims are no commits, and claim_due reports when each recipient became due.
#include <gtest/gtest.h>

#include "queue/spool.hpp"
#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

TEST(SpoolStatsTest, RecipientsInjectedCountsStoredRecipientsOnly) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  EXPECT_EQ(spool->stats().recipients_injected, 0u);
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("a"), rcpts(0, 5)).ok());
  EXPECT_EQ(spool->stats().recipients_injected, 5u);
  auto added = add_recipients_sync(*spool, "a", rcpts(3, 4)); // 3 and 4 are duplicates
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->accepted, 2u);
  EXPECT_EQ(spool->stats().recipients_injected, 7u);
  EXPECT_FALSE(add_recipients_sync(*spool, "missing", rcpts(10, 3)).ok()); // refused: not_found
  EXPECT_EQ(spool->stats().recipients_injected, 7u);
}

TEST(SpoolStatsTest, CommitHistogramCountsEveryWritingCommitAndNoIdleOne) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  const SpoolStats start = spool->stats();
  EXPECT_EQ(start.commit_duration.count, start.commits);
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("h"), rcpts(0, 3)).ok());
  ASSERT_TRUE(add_recipients_sync(*spool, "h", rcpts(3, 3)).ok());
  const SpoolStats written = spool->stats();
  EXPECT_EQ(written.commits, start.commits + 2);
  EXPECT_EQ(written.commit_duration.count, written.commits);
  EXPECT_LE(written.commit_duration.cumulative.back(), written.commit_duration.count);
  EXPECT_GT(written.commit_duration.sum_us, 0u); // fsync'd commits take some microseconds
  ASSERT_EQ(written.commit_duration.upper_bounds_us.size(),
            written.commit_duration.cumulative.size());
  EXPECT_EQ(written.commit_duration.upper_bounds_us.front(), 100u);      // 100 µs
  EXPECT_EQ(written.commit_duration.upper_bounds_us.back(), 5'000'000u); // 5 s

  // A claim with nothing due writes nothing: no commit, no observation.
  auto idle = claim_due_sync(*spool, 0, 10);
  ASSERT_TRUE(idle.ok());
  EXPECT_TRUE(idle->empty());
  const SpoolStats after_idle = spool->stats();
  EXPECT_EQ(after_idle.commits, written.commits);
  EXPECT_EQ(after_idle.commit_duration.count, written.commit_duration.count);
}

TEST(SpoolStatsTest, ClaimedRecipientsCarryTheirDueTime) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  NewCampaign later = campaign_named("later");
  const std::int64_t not_before = wall_ms() + 3'600'000;
  later.not_before_ms = not_before;
  ASSERT_TRUE(create_campaign_sync(*spool, later, rcpts(0, 2)).ok());
  auto claimed = claim_due_sync(*spool, not_before, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 2u);
  for (const ClaimedRecipient& c : *claimed)
    EXPECT_EQ(c.due_ms, not_before);
}

} // namespace
} // namespace volley::queue
