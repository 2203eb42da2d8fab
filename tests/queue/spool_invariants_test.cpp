// Property test: after a long random sequence of every spool operation, each campaign's counters
// equal a full scan of its records and the due / in_flight / dedup indexes agree with the records,
// before and after a restart.
#include <gtest/gtest.h>

#include <random>

#include "queue/lmdb_spool.hpp"
#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

class RandomSpoolDriver {
public:
  RandomSpoolDriver(LmdbSpool& spool, std::uint32_t seed) : spool_(spool), rng_(seed) {}

  void step() {
    switch (pick(8)) {
    case 0:
    case 1:
      add();
      break;
    case 2:
    case 3:
      claim();
      break;
    case 4:
    case 5:
      settle();
      break;
    case 6:
      change_state();
      break;
    case 7:
      suppress();
      break;
    }
    now_ += static_cast<std::int64_t>(pick(3000));
  }
  void drop_in_flight() { flying_.clear(); }

private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  std::string campaign() { return "c" + std::to_string(pick(3)); }
  std::string address() {
    std::string a = "person" + std::to_string(pick(300)) + "@example.org";
    if (pick(2) == 0)
      a[0] = 'P';
    if (pick(4) == 0)
      a[a.size() - 3] = 'O';
    return a;
  }

  void add() {
    std::vector<NewRecipient> batch;
    for (std::size_t n = 1 + pick(20); n > 0; --n)
      batch.push_back(rcpt(address()));
    auto r = add_recipients_sync(spool_, campaign(), batch);
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, error_code::conflict); // cancelled campaign
    }
  }
  void claim() {
    auto r = claim_due_sync(spool_, now_, 1 + pick(30));
    ASSERT_TRUE(r.ok());
    for (auto& c : *r)
      flying_.push_back(c);
  }
  void settle() {
    std::vector<DeliveryOutcome> outcomes;
    for (std::size_t n = pick(flying_.size() + 1); n > 0 && !flying_.empty(); --n) {
      std::size_t i = pick(flying_.size());
      DeliveryOutcome o;
      o.campaign_seq = flying_[i].campaign_seq;
      o.seq = flying_[i].seq;
      o.kind = static_cast<OutcomeKind>(pick(5));
      o.next_attempt_ms = now_ + static_cast<std::int64_t>(pick(5000));
      if (o.kind != OutcomeKind::delivered && o.kind != OutcomeKind::deferred) {
        o.bounce = BounceRecord{};
        o.bounce->kind = "hard";
      }
      outcomes.push_back(o);
      if (pick(4) != 0)
        flying_.erase(flying_.begin() + static_cast<std::ptrdiff_t>(i)); // else: repeat
    }
    ASSERT_TRUE(record_outcomes_sync(spool_, outcomes).ok());
  }
  void change_state() {
    auto action = static_cast<CampaignAction>(pick(pick(10) == 0 ? 3 : 2));
    auto r = set_campaign_state_sync(spool_, campaign(), action);
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, error_code::conflict);
    }
  }
  void suppress() {
    std::string a = lower(address());
    if (pick(3) == 0) {
      ASSERT_TRUE(delete_suppression_sync(spool_, a).ok());
    } else {
      ASSERT_TRUE(put_suppression_sync(spool_, {a, "manual", "api", 0}).ok());
    }
  }

  LmdbSpool& spool_;
  std::mt19937 rng_;
  std::int64_t now_ = wall_ms();
  std::vector<ClaimedRecipient> flying_;
};

void expect_consistent(LmdbSpool& spool) {
  expect_counts_match_scan(spool);
  auto problems = spool.audit();
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(SpoolInvariantsTest, CountersMatchAFullScanAfterRandomOperations) {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    TempSpoolDir dir;
    {
      LmdbSpool spool(options_for(dir, false));
      for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(create_campaign_sync(spool, campaign_named("c" + std::to_string(i)), {}).ok());
      }
      RandomSpoolDriver driver(spool, seed);
      for (int i = 0; i < 600; ++i) {
        driver.step();
        if (i % 100 == 99)
          expect_consistent(spool);
      }
      expect_consistent(spool);
    }
    LmdbSpool reopened(options_for(dir, false));
    expect_consistent(reopened);
    std::uint64_t in_flight = 0;
    for (const auto& c : reopened.campaigns())
      in_flight += c.counts.in_flight;
    EXPECT_EQ(in_flight, 0u);
    RandomSpoolDriver driver(reopened, seed + 100);
    for (int i = 0; i < 200; ++i)
      driver.step();
    expect_consistent(reopened);
  }
}

} // namespace
} // namespace volley::queue
