// Tests of the storage edges: map growth, map at its maximum (spool_full), disk full in a child
// process with a file size limit, and the schema header check on open.
#include <gtest/gtest.h>
#include <lmdb.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "queue/lmdb_spool.hpp"
#include "queue/spool_codec.hpp"
#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

TEST(SpoolStorageTest, MapGrowsFromOneMiB) {
  TempSpoolDir dir;
  SpoolOptions o = options_for(dir, false);
  o.initial_map_bytes = 1ull << 20;
  LmdbSpool spool(o);
  ASSERT_TRUE(create_campaign_sync(spool, campaign_named("big"), {}).ok());
  for (std::size_t first = 0; first < 200000; first += 4096) {
    auto r = add_recipients_sync(spool, "big",
                                 rcpts(first, std::min<std::size_t>(4096, 200000 - first)));
    ASSERT_TRUE(r.ok()) << r.error().message;
  }
  EXPECT_EQ(spool.campaign("big")->counts.queued, 200000u);
  SpoolStats s = spool.stats();
  EXPECT_GT(s.map_bytes, 1ull << 20);
  EXPECT_GT(s.used_bytes, 1ull << 20);
  EXPECT_LE(s.used_bytes, s.map_bytes);
  EXPECT_TRUE(spool.audit().empty());
  // One big request alone must also fit after growing.
  ASSERT_TRUE(create_campaign_sync(spool, campaign_named("one"), rcpts(0, 50000)).ok());
  EXPECT_EQ(spool.campaign("one")->counts.queued, 50000u);
}

TEST(SpoolStorageTest, FullMapAnswersSpoolFullAndStaysUsable) {
  TempSpoolDir dir;
  SpoolOptions o = options_for(dir, false);
  o.initial_map_bytes = 1ull << 20;
  o.max_map_bytes = 3ull << 20;
  LmdbSpool spool(o);
  ASSERT_TRUE(create_campaign_sync(spool, campaign_named("f"), {}).ok());
  std::optional<Error> failure;
  std::uint64_t stored = 0;
  for (std::size_t first = 0; first < 1000000 && !failure; first += 1000) {
    auto r = add_recipients_sync(spool, "f", rcpts(first, 1000));
    if (r.ok()) {
      stored += r->accepted;
    } else {
      failure = r.error();
    }
  }
  ASSERT_TRUE(failure) << "the spool never filled up";
  EXPECT_EQ(failure->code, error_code::spool_full);
  EXPECT_NE(failure->message.find("3 MiB"), std::string::npos) << failure->message;
  EXPECT_EQ(spool.stats().map_bytes, 3ull << 20);
  // Reads work, nothing half-written, smaller writes still succeed.
  EXPECT_EQ(spool.campaign("f")->counts.queued, stored);
  expect_counts_match_scan(spool);
  EXPECT_TRUE(spool.audit().empty());
  EXPECT_TRUE(put_suppression_sync(spool, {"x@example.org", "manual", "api", 0}).ok());
  auto claimed = claim_due_sync(spool, wall_ms() + 1000, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  EXPECT_EQ(claimed->size(), 10u);
  EXPECT_TRUE(spool.audit().empty());
}

// Child process body: fills a spool under a 6 MiB file size limit. Exit code 0 = saw disk_full.
int fill_until_disk_full(const std::filesystem::path& dir) {
  struct rlimit limit {
    6ull << 20, 6ull << 20
  };
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
    return 10;
  signal(SIGXFSZ, SIG_IGN);
  try {
    SpoolOptions o;
    o.dir = dir;
    o.initial_map_bytes = 64ull << 20;
    auto spool = Spool::open(o);
    if (!create_campaign_sync(*spool, campaign_named("d"), {}).ok())
      return 11;
    for (std::size_t first = 0; first < 1000000; first += 2000) {
      auto r = add_recipients_sync(*spool, "d", rcpts(first, 2000));
      if (r.ok())
        continue;
      if (r.error().code != error_code::disk_full)
        return 12;
      if (r.error().message.find("disk full") == std::string::npos)
        return 13;
      if (!spool->campaign("d"))
        return 14; // reads still work
      // The failed commit's dedup hints must not count: what was committed is still a duplicate.
      auto again = add_recipients_sync(*spool, "d", rcpts(0, 2000));
      if (again.ok() && again->duplicates != 2000)
        return 17;
      return 0;
    }
    return 15;
  } catch (...) {
    return 16;
  }
}

TEST(SpoolStorageTest, DiskFullFailsTheBatchAndLeavesNothingHalfWritten) {
  TempSpoolDir dir;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0)
    _exit(fill_until_disk_full(dir.path()));
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "child exit code (see fill_until_disk_full)";

  LmdbSpool spool(options_for(dir));
  auto info = spool.campaign("d");
  ASSERT_TRUE(info);
  EXPECT_GT(info->counts.queued, 0u);
  EXPECT_EQ(info->counts.queued % 2000, 0u) << "a failed batch was partly written";
  expect_counts_match_scan(spool);
  EXPECT_TRUE(spool.audit().empty());
  EXPECT_TRUE(add_recipients_sync(spool, "d", rcpts(5000000, 10)).ok());
}

// Rewrites meta["schema"] of a closed spool with raw LMDB.
void write_schema_version(const std::filesystem::path& dir, std::uint32_t version) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 16);
  ASSERT_EQ(mdb_env_open(env, dir.c_str(), 0, 0640), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi meta = 0;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta), 0);
  std::string header = encode_schema_header(version);
  MDB_val k{6, const_cast<char*>("schema")}, v{header.size(), header.data()};
  ASSERT_EQ(mdb_put(txn, meta, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
}

TEST(SpoolStorageTest, NewerSchemaIsRefusedWithItsVersion) {
  TempSpoolDir dir;
  { auto spool = Spool::open(options_for(dir, false)); }
  { auto spool = Spool::open(options_for(dir, false)); } // reopening our own version is fine
  write_schema_version(dir.path(), 999);
  try {
    auto spool = Spool::open(options_for(dir, false));
    FAIL() << "opening a schema 999 spool must throw";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("999"), std::string::npos) << what;
    EXPECT_NE(what.find("newer"), std::string::npos) << what;
    EXPECT_NE(what.find(dir.path().string()), std::string::npos) << what;
  }
}

TEST(SpoolStorageTest, ForeignEnvironmentWithoutHeaderIsRefused) {
  TempSpoolDir dir;
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  mdb_env_set_maxdbs(env, 4);
  ASSERT_EQ(mdb_env_open(env, dir.path().c_str(), 0, 0640), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "something_else", MDB_CREATE, &dbi), 0);
  MDB_val k{1, const_cast<char*>("k")}, v{1, const_cast<char*>("v")};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);
  try {
    auto spool = Spool::open(options_for(dir, false));
    FAIL() << "a foreign LMDB environment must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema header"), std::string::npos) << e.what();
  }
}

} // namespace
} // namespace volley::queue
