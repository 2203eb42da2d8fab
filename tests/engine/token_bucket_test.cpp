// TokenBucket with explicit times: never more than burst + rate × elapsed tokens, refill, waits,
// rate changes keep earned tokens, unlimited by default.
#include <gtest/gtest.h>

#include "engine/token_bucket.hpp"

namespace volley::engine {
namespace {

TEST(TokenBucket, UnlimitedByDefault) {
  TokenBucket bucket;
  EXPECT_FALSE(bucket.limited());
  for (int i = 0; i < 1000; ++i)
    EXPECT_TRUE(bucket.try_take(0));
  EXPECT_EQ(bucket.ms_until_token(0), 0);
}

TEST(TokenBucket, BurstThenRate) {
  TokenBucket bucket(10, 5, 1000); // 10/s, burst 5
  int taken = 0;
  while (bucket.try_take(1000))
    ++taken;
  EXPECT_EQ(taken, 5);
  EXPECT_EQ(bucket.ms_until_token(1000), 100);
  EXPECT_FALSE(bucket.try_take(1099));
  EXPECT_TRUE(bucket.try_take(1100));
  // Over 10 s at most 5 + 100 tokens, taking as fast as possible every millisecond.
  TokenBucket fresh(10, 5, 0);
  int total = 0;
  for (std::int64_t t = 0; t <= 10'000; ++t)
    while (fresh.try_take(t))
      ++total;
  EXPECT_EQ(total, 105);
}

TEST(TokenBucket, NoCreditBeyondBurstAfterIdle) {
  TokenBucket bucket(1, 3, 0);
  int taken = 0;
  while (bucket.try_take(3'600'000))
    ++taken;
  EXPECT_EQ(taken, 3);
}

TEST(TokenBucket, SetRateKeepsTokensUpToTheNewSize) {
  TokenBucket bucket(100, 100, 0);
  bucket.set_rate(1, 2, 0);
  EXPECT_EQ(bucket.rate(), 1);
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_FALSE(bucket.try_take(0));
  EXPECT_EQ(bucket.ms_until_token(0), 1000);
}

} // namespace
} // namespace volley::engine
