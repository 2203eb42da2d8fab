// Unit tests of the status page's one-hour throughput history: deltas land in the bucket of the
// sample's time, buckets roll over every 10 s, gaps read as zero, nothing older than the window
// survives, counter resets and clock steps back do not corrupt it. Time is injected.
#include <gtest/gtest.h>

#include <numeric>

#include "engine/throughput_history.hpp"

using namespace volley::engine;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000; // a multiple of 10 s

std::uint64_t delivered_sum(const ThroughputWindow& w) {
  return std::accumulate(
      w.buckets.begin(), w.buckets.end(), std::uint64_t{0},
      [](std::uint64_t sum, const ThroughputCounts& b) { return sum + b.delivered; });
}

TEST(ThroughputHistory, FirstSampleIsOnlyTheBaseline) {
  ThroughputHistory history;
  history.sample(t0, {1000, 50, 7});
  auto w = history.window(t0);
  ASSERT_EQ(w.buckets.size(), 360u);
  EXPECT_EQ(w.bucket_ms, 10'000);
  EXPECT_EQ(w.end_ms, t0 + 10'000);
  EXPECT_EQ(delivered_sum(w), 0u);
}

TEST(ThroughputHistory, IncreasesLandInTheBucketOfTheSampleAndRollOver) {
  ThroughputHistory history;
  history.sample(t0, {0, 0, 0});
  history.sample(t0 + 2'000, {5, 1, 0});
  history.sample(t0 + 9'999, {8, 1, 2});   // same bucket
  history.sample(t0 + 10'000, {20, 1, 2}); // next bucket
  auto w = history.window(t0 + 10'000);
  ASSERT_EQ(w.buckets.size(), 360u);
  EXPECT_EQ(w.end_ms, t0 + 20'000);
  EXPECT_EQ(w.buckets[358], (ThroughputCounts{8, 1, 2}));
  EXPECT_EQ(w.buckets[359], (ThroughputCounts{12, 0, 0}));
  EXPECT_EQ(delivered_sum(w), 20u);
}

TEST(ThroughputHistory, GapsReadAsZeroAndTheWindowMovesWithNow) {
  ThroughputHistory history;
  history.sample(t0, {0, 0, 0});
  history.sample(t0 + 5'000, {3, 0, 0});
  // Nothing sampled for 5 minutes, then the increase of the whole gap lands in the new bucket.
  history.sample(t0 + 305'000, {10, 0, 0});
  auto w = history.window(t0 + 305'000);
  EXPECT_EQ(w.buckets[359].delivered, 7u);
  EXPECT_EQ(w.buckets[359 - 30].delivered, 3u);
  for (std::size_t i = 359 - 29; i < 359; ++i)
    EXPECT_EQ(w.buckets[i], ThroughputCounts{}) << i;
  // Reading later without samples: the same buckets, shifted left; the new ones are empty.
  auto later = history.window(t0 + 365'000);
  EXPECT_EQ(later.end_ms, t0 + 370'000);
  EXPECT_EQ(later.buckets[359 - 6].delivered, 7u);
  EXPECT_EQ(later.buckets[359].delivered, 0u);
}

TEST(ThroughputHistory, KeepsExactlyOneHour) {
  ThroughputHistory history;
  history.sample(t0, {0, 0, 0});
  history.sample(t0 + 1'000, {1, 0, 0});  // bucket t0
  history.sample(t0 + 11'000, {3, 0, 0}); // bucket t0 + 10 s
  // 59 min 50 s later: bucket t0 is the oldest in the window, still there.
  auto edge = history.window(t0 + 3'590'000);
  EXPECT_EQ(edge.buckets.front().delivered, 1u);
  EXPECT_EQ(delivered_sum(edge), 3u);
  // One bucket later it has left the window.
  auto gone = history.window(t0 + 3'600'000);
  EXPECT_EQ(gone.buckets.front().delivered, 2u);
  EXPECT_EQ(delivered_sum(gone), 2u);
  // A sample an hour on reuses the ring slot of bucket t0 without adding to its old count.
  history.sample(t0 + 3'600'500, {4, 0, 0});
  auto reused = history.window(t0 + 3'600'500);
  EXPECT_EQ(reused.buckets.back().delivered, 1u);
  EXPECT_EQ(delivered_sum(reused), 3u);
  // Two hours of silence: everything is gone.
  EXPECT_EQ(delivered_sum(history.window(t0 + 7'300'000)), 0u);
}

TEST(ThroughputHistory, CounterResetStartsANewBaseline) {
  ThroughputHistory history;
  history.sample(t0, {100, 0, 0});
  history.sample(t0 + 1'000, {4, 0, 0}); // the engine restarted: 4 since then
  EXPECT_EQ(history.window(t0 + 1'000).buckets.back().delivered, 4u);
}

TEST(ThroughputHistory, ClockSteppingBackAddsToTheNewestBucket) {
  ThroughputHistory history;
  history.sample(t0 + 60'000, {0, 0, 0});
  history.sample(t0 + 65'000, {2, 0, 0});
  history.sample(t0, {5, 0, 0}); // the wall clock went back a minute
  auto w = history.window(t0);
  EXPECT_EQ(w.end_ms, t0 + 70'000); // still ends with the newest bucket seen
  EXPECT_EQ(w.buckets.back().delivered, 5u);
  EXPECT_EQ(delivered_sum(w), 5u);
}

TEST(ThroughputHistory, SmallConfigurationsAndBadArguments) {
  ThroughputHistory history(1'000, 3);
  history.sample(0, {0, 0, 0});
  history.sample(500, {1, 0, 0});
  history.sample(1'500, {3, 0, 0});
  history.sample(2'500, {6, 0, 0});
  auto w = history.window(2'500);
  ASSERT_EQ(w.buckets.size(), 3u);
  EXPECT_EQ(w.buckets[0].delivered, 1u);
  EXPECT_EQ(w.buckets[1].delivered, 2u);
  EXPECT_EQ(w.buckets[2].delivered, 3u);
  EXPECT_THROW(ThroughputHistory(0, 10), std::invalid_argument);
  EXPECT_THROW(ThroughputHistory(1'000, 0), std::invalid_argument);
}

} // namespace
