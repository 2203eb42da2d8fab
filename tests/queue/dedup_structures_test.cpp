// Unit tests of the in-memory dedup structures: DedupTail (multimap of hash -> seq hints) and
// HashBloom (no false negatives, few false positives).
#include <gtest/gtest.h>

#include <algorithm>

#include "queue/address_hash.hpp"
#include "queue/dedup_tail.hpp"
#include "queue/hash_bloom.hpp"

namespace volley::queue {
namespace {

std::vector<std::uint64_t> seqs_of(const DedupTail& tail, std::uint64_t hash) {
  std::vector<std::uint64_t> out;
  tail.any_of(hash, [&](std::uint64_t seq) {
    out.push_back(seq);
    return false;
  });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DedupTailTest, MultimapGrowsAndTrims) {
  DedupTail tail;
  EXPECT_TRUE(seqs_of(tail, 5).empty());
  for (std::uint64_t seq = 1; seq <= 5000; ++seq)
    tail.insert(address_hash(std::to_string(seq)), seq);
  tail.insert(77, 1);
  tail.insert(77, 2);
  tail.insert(77, 2); // exact pair already there
  EXPECT_EQ(tail.size(), 5002u);
  EXPECT_EQ(seqs_of(tail, 77), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(seqs_of(tail, address_hash("4321")), (std::vector<std::uint64_t>{4321}));
  EXPECT_TRUE(tail.any_of(77, [](std::uint64_t s) { return s == 2; }));
  tail.trim_through(2500);
  EXPECT_EQ(tail.size(), 2500u);
  EXPECT_TRUE(seqs_of(tail, 77).empty());
  EXPECT_TRUE(seqs_of(tail, address_hash("2500")).empty());
  EXPECT_EQ(seqs_of(tail, address_hash("2501")), (std::vector<std::uint64_t>{2501}));
  EXPECT_EQ(tail.entries().size(), 2500u);
  EXPECT_EQ(tail.trimmed_through, 2500u);
}

TEST(HashBloomTest, NoFalseNegativesFewFalsePositives) {
  HashBloom bloom;
  bloom.reset(100000);
  for (int i = 0; i < 100000; ++i)
    bloom.add(address_hash("in" + std::to_string(i)));
  for (int i = 0; i < 100000; ++i) {
    ASSERT_TRUE(bloom.may_contain(address_hash("in" + std::to_string(i)))) << i;
  }
  int false_positives = 0;
  for (int i = 0; i < 100000; ++i)
    false_positives += bloom.may_contain(address_hash("out" + std::to_string(i)));
  EXPECT_LT(false_positives, 3000); // ~1.2% expected at capacity
  // Consecutive values (probed slots) are as well separated as random ones.
  bloom.reset(1000);
  for (std::uint64_t v = 1000; v < 1500; ++v)
    bloom.add(v);
  int near_misses = 0;
  for (std::uint64_t v = 1500; v < 11500; ++v)
    near_misses += bloom.may_contain(v);
  EXPECT_LT(near_misses, 500);
  HashBloom unsized;
  EXPECT_TRUE(unsized.may_contain(123)); // never a false "absent"
}

} // namespace
} // namespace volley::queue
