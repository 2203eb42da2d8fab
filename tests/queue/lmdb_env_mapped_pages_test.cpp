// Tests of LmdbEnv::release_mapped_pages: the spool pages a process read are unmapped (its RssFile
// falls) and every value still reads back the same afterwards, also inside a read transaction that
// was open across the release.
#include <gtest/gtest.h>
#include <lmdb.h>

#include <fstream>
#include <string>

#include "queue/lmdb_env.hpp"
#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

// This process's RssFile in KiB (/proc/self/status).
std::uint64_t rss_file_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssFile:", 0) == 0)
      return std::stoull(line.substr(8));
  }
  return 0;
}

std::string value_for(int i) {
  return std::string(1000, static_cast<char>('a' + i % 26)) + std::to_string(i);
}

// Sums the value sizes of every entry (touches every page) and checks their content.
std::size_t read_all(MDB_txn* txn, MDB_dbi dbi, int count) {
  std::size_t bytes = 0;
  for (int i = 0; i < count; ++i) {
    std::string key = std::to_string(i);
    MDB_val k{key.size(), key.data()}, v{};
    if (mdb_get(txn, dbi, &k, &v) != 0)
      return 0;
    std::string_view got(static_cast<const char*>(v.mv_data), v.mv_size);
    if (got != value_for(i))
      return 0;
    bytes += v.mv_size;
  }
  return bytes;
}

TEST(LmdbEnvMappedPagesTest, ReleasedPagesAreUnmappedAndReadBackUnchanged) {
  TempSpoolDir dir;
  LmdbEnv env(LmdbEnvConfig{dir.path(), 256ull << 20, 4, 16, false});
  constexpr int kCount = 20000; // ~20 MB of values
  MDB_dbi dbi = 0;
  {
    LmdbTxn txn(env.get(), nullptr, 0);
    ASSERT_EQ(mdb_dbi_open(txn.get(), "values", MDB_CREATE, &dbi), 0);
    for (int i = 0; i < kCount; ++i) {
      std::string key = std::to_string(i), value = value_for(i);
      MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
      ASSERT_EQ(mdb_put(txn.get(), dbi, &k, &v, 0), 0);
    }
    ASSERT_EQ(txn.commit(), 0);
  }
  ReadTxn reader(env);
  ASSERT_GT(read_all(reader.get(), dbi, kCount), 19'000'000u);
  std::uint64_t mapped = rss_file_kib();
  EXPECT_GE(mapped_file_bytes() / 1024, mapped); // statm's "shared" counts these pages too
  env.release_mapped_pages();
  std::uint64_t released = rss_file_kib();
  EXPECT_LT(released + 15'000, mapped)
      << "RssFile " << mapped << " KiB before, " << released << " KiB after the release";
  // Same transaction, same pointers' pages: mapped again on access, unchanged.
  EXPECT_GT(read_all(reader.get(), dbi, kCount), 19'000'000u);
  ReadTxn later(env);
  EXPECT_GT(read_all(later.get(), dbi, kCount), 19'000'000u);
}

} // namespace
} // namespace volley::queue
