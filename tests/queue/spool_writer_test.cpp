// Tests of the writer thread: group commit under concurrency, all-or-nothing requests inside one
// batch, back-pressure (unavailable) and draining on stop. Each test uses its own spool directory.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <thread>

#include "queue/lmdb_spool.hpp"
#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

// Blocks the writer thread inside a callback until release(): requests submitted meanwhile queue up
// and are taken together as one batch.
class WriterHold {
public:
  explicit WriterHold(Spool& spool) : released_(release_.get_future().share()) {
    auto entered = std::make_shared<std::promise<void>>();
    auto in_callback = entered->get_future();
    spool.claim_due(0, 1, [entered, released = released_](auto) {
      entered->set_value();
      released.wait();
    });
    in_callback.wait();
  }
  ~WriterHold() { release(); }
  void release() {
    if (!done_)
      release_.set_value();
    done_ = true;
  }

private:
  std::promise<void> release_;
  std::shared_future<void> released_;
  bool done_ = false;
};

TEST(SpoolWriterTest, ConcurrentSmallRequestsShareCommits) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("g"), {}).ok());
  const SpoolStats before = spool->stats();
  constexpr int kThreads = 8, kPerThread = 250, kTotal = kThreads * kPerThread;
  std::atomic<int> ok{0}, failed{0};
  std::latch all_done(kTotal);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        spool->add_recipients("g", rcpts(t * kPerThread + i, 1),
                              [&](Result<AddRecipientsResult> r) {
                                (r.ok() && r->accepted == 1 ? ok : failed)++;
                                all_done.count_down();
                              });
      }
    });
  }
  for (auto& t : threads)
    t.join();
  all_done.wait();
  const SpoolStats after = spool->stats();
  EXPECT_EQ(ok.load(), kTotal);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(after.requests_committed - before.requests_committed, std::uint64_t{kTotal});
  EXPECT_LT(after.commits - before.commits, std::uint64_t{kTotal / 4})
      << "group commit should batch concurrent requests";
  EXPECT_EQ(spool->campaign("g")->counts.queued, std::uint64_t{kTotal});
  EXPECT_EQ(scan_counts(*spool, "g").queued, std::uint64_t{kTotal});
}

TEST(SpoolWriterTest, WaitingCallersAreBatchedToo) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("w"), {}).ok());
  const SpoolStats before = spool->stats();
  constexpr int kThreads = 8, kPerThread = 60;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (add_recipients_sync(*spool, "w", rcpts(t * kPerThread + i, 1)).ok())
          ++ok;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_LE(spool->stats().commits - before.commits, std::uint64_t{kThreads * kPerThread / 2});
  EXPECT_EQ(spool->campaign("w")->counts.queued, std::uint64_t{kThreads * kPerThread});
}

TEST(SpoolWriterTest, FailingRequestInABatchLeavesNeighboursCommittedAndItselfAbsent) {
  TempSpoolDir dir;
  SpoolOptions o = options_for(dir, false);
  o.initial_map_bytes = 1ull << 20;
  o.max_map_bytes = 4ull << 20;
  auto spool = Spool::open(o);
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("a"), {}).ok());
  std::promise<Result<AddRecipientsResult>> small1, huge, unknown, small2;
  std::promise<Result<CampaignCreated>> duplicate_id;
  {
    WriterHold hold(*spool);
    auto to = [](auto& p) { return [&p](auto r) { p.set_value(std::move(r)); }; };
    spool->add_recipients("a", rcpts(0, 10), to(small1));
    spool->add_recipients("a", rcpts(1000, 100000), to(huge)); // ~15 MiB: cannot fit 4 MiB
    spool->add_recipients("nope", rcpts(20, 10), to(unknown));
    spool->create_campaign(campaign_named("a"), rcpts(30, 10), to(duplicate_id));
    spool->add_recipients("a", rcpts(10, 10), to(small2));
  }
  auto r1 = small1.get_future().get();
  auto rh = huge.get_future().get();
  auto ru = unknown.get_future().get();
  auto rd = duplicate_id.get_future().get();
  auto r2 = small2.get_future().get();
  ASSERT_TRUE(r1.ok()) << r1.error().message;
  EXPECT_EQ(r1->accepted, 10u);
  ASSERT_FALSE(rh.ok());
  EXPECT_EQ(rh.error().code, error_code::spool_full);
  EXPECT_NE(rh.error().message.find("spool.max_size"), std::string::npos) << rh.error().message;
  ASSERT_FALSE(ru.ok());
  EXPECT_EQ(ru.error().code, error_code::not_found);
  ASSERT_FALSE(rd.ok());
  EXPECT_EQ(rd.error().code, error_code::conflict);
  ASSERT_TRUE(r2.ok()) << r2.error().message;
  EXPECT_EQ(r2->accepted, 10u);

  EXPECT_EQ(spool->campaign("a")->counts.queued, 20u);
  EXPECT_EQ(scan_counts(*spool, "a").total(), 20u);
  EXPECT_EQ(spool->stats().map_bytes, 4ull << 20);
  // Nothing of the failed request stayed, not even its dedup entries.
  auto again = add_recipients_sync(*spool, "a", rcpts(1000, 5));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->accepted, 5u);
  EXPECT_EQ(again->duplicates, 0u);
  EXPECT_TRUE(dynamic_cast<LmdbSpool&>(*spool).audit().empty());
}

TEST(SpoolWriterTest, FullQueueAnswersUnavailable) {
  TempSpoolDir dir;
  SpoolOptions o = options_for(dir, false);
  o.max_queued_requests = 2;
  auto spool = Spool::open(o);
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("q"), {}).ok());
  std::vector<std::promise<Result<AddRecipientsResult>>> results(3);
  {
    WriterHold hold(*spool);
    for (int i = 0; i < 3; ++i) {
      spool->add_recipients("q", rcpts(i, 1),
                            [&results, i](auto r) { results[i].set_value(std::move(r)); });
    }
    auto third = results[2].get_future();
    ASSERT_EQ(third.wait_for(std::chrono::seconds(0)), std::future_status::ready)
        << "rejection must be immediate";
    auto r = third.get();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, error_code::unavailable);
  }
  EXPECT_TRUE(results[0].get_future().get().ok());
  EXPECT_TRUE(results[1].get_future().get().ok());
}

TEST(SpoolWriterTest, StopDrainsQueuedRequestsThenRefuses) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("s"), {}).ok());
  std::atomic<int> ok{0};
  for (int i = 0; i < 200; ++i) {
    spool->add_recipients("s", rcpts(i, 1), [&](auto r) { ok += r.ok() ? 1 : 0; });
  }
  spool->stop();
  EXPECT_EQ(ok.load(), 200);
  auto late = add_recipients_sync(*spool, "s", rcpts(999, 1));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, error_code::unavailable);
  EXPECT_EQ(spool->campaign("s")->counts.queued, 200u); // reads still work
}

} // namespace
} // namespace volley::queue
