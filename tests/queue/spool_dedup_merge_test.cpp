// Tests of the two-part de-duplication index: the in-memory tail is merged into rcpt_dedup, rebuilt
// from the stored recipients after a restart, and never turns a stale hint into a false duplicate.
#include <gtest/gtest.h>
#include <lmdb.h>

#include "queue/lmdb_spool.hpp"
#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

// Entries of rcpt_dedup in a closed spool (raw LMDB).
std::uint64_t dedup_entries(const std::filesystem::path& dir) {
  MDB_env* env = nullptr;
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  MDB_stat st{};
  mdb_env_create(&env);
  mdb_env_set_maxdbs(env, 16);
  EXPECT_EQ(mdb_env_open(env, dir.c_str(), MDB_RDONLY, 0640), 0);
  EXPECT_EQ(mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn), 0);
  EXPECT_EQ(mdb_dbi_open(txn, "rcpt_dedup", 0, &dbi), 0);
  mdb_stat(txn, dbi, &st);
  mdb_txn_abort(txn);
  mdb_env_close(env);
  return st.ms_entries;
}

std::vector<NewRecipient> shouted(std::vector<NewRecipient> batch) {
  for (auto& r : batch) {
    for (char& c : r.address)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return batch;
}

std::uint64_t constant_hash(std::string_view) {
  return 7;
}

TEST(SpoolDedupMergeTest, DuplicatesAreFoundAcrossMergesAndRestarts) {
  for (AddressHashFn hash : {AddressHashFn{nullptr}, &constant_hash}) {
    TempSpoolDir dir;
    SpoolTestHooks hooks{hash, 64};
    const std::size_t total = hash == nullptr ? 3000 : 300;
    {
      LmdbSpool spool(options_for(dir, false), hooks);
      ASSERT_TRUE(create_campaign_sync(spool, campaign_named("m"), {}).ok());
      for (std::size_t first = 0; first < total; first += 37) {
        auto r =
            add_recipients_sync(spool, "m", rcpts(first, std::min<std::size_t>(37, total - first)));
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r->duplicates, 0u);
      }
      auto again = add_recipients_sync(spool, "m", shouted(rcpts(0, total)));
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->duplicates, total);
      EXPECT_EQ(again->accepted, 0u);
      EXPECT_TRUE(spool.audit().empty());
      ASSERT_TRUE(add_recipients_sync(spool, "m", rcpts(total, 20)).ok()); // an unmerged tail
    }
    EXPECT_GT(dedup_entries(dir.path()), 0u) << "the tail was never merged";
    EXPECT_LT(dedup_entries(dir.path()), total + 20) << "the last adds should still be in the tail";
    LmdbSpool reopened(options_for(dir, false), hooks);
    auto again = add_recipients_sync(reopened, "m", shouted(rcpts(0, total + 20)));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->duplicates, total + 20);
    auto fresh = add_recipients_sync(reopened, "m", rcpts(total + 20, 5));
    EXPECT_EQ(fresh->accepted, 5u);
    EXPECT_TRUE(reopened.audit().empty());
  }
}

// A merge is written in parts, one per write transaction, so that no transaction dirties the whole
// index; restarts in the middle of one lose nothing and the merge starts over.
TEST(SpoolDedupMergeTest, MergesAreWrittenInPartsOnePerTransaction) {
  TempSpoolDir dir;
  SpoolTestHooks hooks{nullptr, 64, 0, 8}; // merge from 64 entries, parts of >= 8 (16 parts)
  {
    LmdbSpool spool(options_for(dir, false), hooks);
    ASSERT_TRUE(create_campaign_sync(spool, campaign_named("p"), {}).ok());
    for (std::size_t first = 0; first < 70; first += 10)
      ASSERT_EQ(add_recipients_sync(spool, "p", rcpts(first, 10))->accepted, 10u);
  }
  // The 7th request reached 70 >= 64 entries: only its first part (8 entries) is indexed.
  EXPECT_EQ(dedup_entries(dir.path()), 8u);
  const std::size_t total = 1500;
  for (std::size_t first = 70; first < total;) { // restart every 200 recipients
    LmdbSpool spool(options_for(dir, false), hooks);
    for (std::size_t end = std::min(total, first + 200); first < end; first += 10) {
      auto r = add_recipients_sync(spool, "p", rcpts(first, 10));
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->accepted, 10u) << first;
      auto again = add_recipients_sync(spool, "p", shouted(rcpts(first / 2, 10)));
      ASSERT_EQ(again->duplicates, 10u) << first;
    }
    EXPECT_TRUE(spool.audit().empty());
  }
  std::uint64_t indexed = dedup_entries(dir.path());
  EXPECT_GT(indexed, total / 2) << "merges never completed";
  EXPECT_LE(indexed, total);
  LmdbSpool spool(options_for(dir, false), hooks);
  auto all = add_recipients_sync(spool, "p", shouted(rcpts(0, total)));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->duplicates, total);
  EXPECT_EQ(all->accepted, 0u);
  EXPECT_TRUE(spool.audit().empty());
}

TEST(SpoolDedupMergeTest, UnmergedTailIsRebuiltAfterRestart) {
  TempSpoolDir dir;
  {
    auto spool = Spool::open(options_for(dir, false));
    ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("u"), rcpts(0, 500)).ok());
  }
  EXPECT_EQ(dedup_entries(dir.path()), 0u); // default merge threshold not reached
  auto spool = Spool::open(options_for(dir, false));
  auto again = add_recipients_sync(*spool, "u", shouted(rcpts(0, 500)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->duplicates, 500u);
}

TEST(SpoolDedupMergeTest, StaleHintsOfRefusedRequestsAreIgnored) {
  TempSpoolDir dir;
  SpoolOptions o = options_for(dir, false);
  o.initial_map_bytes = 1ull << 20;
  o.max_map_bytes = 2ull << 20;
  LmdbSpool spool(o, SpoolTestHooks{nullptr, 64});
  ASSERT_TRUE(create_campaign_sync(spool, campaign_named("s"), rcpts(0, 10)).ok());
  // Fails with spool_full after adding hints for all of its addresses; seqs 11.. are then reused.
  auto huge = add_recipients_sync(spool, "s", rcpts(100, 50000));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, error_code::spool_full);
  auto other = add_recipients_sync(spool, "s", rcpts(200000, 100)); // takes seqs 11..110
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->accepted, 100u);
  auto retry = add_recipients_sync(spool, "s", rcpts(100, 100)); // were only stale hints
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->accepted, 100u);
  EXPECT_EQ(retry->duplicates, 0u);
  EXPECT_EQ(add_recipients_sync(spool, "s", rcpts(100, 100))->duplicates, 100u);
  EXPECT_TRUE(spool.audit().empty());
}

TEST(SpoolDedupMergeTest, EvictedTailsAreReloaded) {
  TempSpoolDir dir;
  LmdbSpool spool(options_for(dir, false), SpoolTestHooks{nullptr, 64, 4});
  for (int c = 0; c < 20; ++c) {
    ASSERT_TRUE(
        create_campaign_sync(spool, campaign_named("e" + std::to_string(c)), rcpts(0, 100)).ok());
  }
  for (int c = 0; c < 20; ++c) {
    auto again = add_recipients_sync(spool, "e" + std::to_string(c), shouted(rcpts(50, 100)));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->duplicates, 50u) << c;
    EXPECT_EQ(again->accepted, 50u) << c;
  }
  EXPECT_TRUE(spool.audit().empty());
}

} // namespace
} // namespace volley::queue
