// HashBloom: power-of-two bit array, 4 probes by double hashing of the (already mixed) 64-bit
// value. Must never be queried before reset() sized it (an empty filter answers "maybe" for
// everything).
#include "queue/hash_bloom.hpp"

namespace volley::queue {
namespace {

constexpr int kProbes = 4;

std::uint64_t remix(std::uint64_t h) { // decorrelates the probe positions from the raw hash
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 29;
  return h;
}

} // namespace

void HashBloom::reset(std::uint64_t expected) {
  std::uint64_t bits = 1024;
  while (bits < expected * 10)
    bits *= 2;
  words_.assign(bits / 64, 0);
  bit_mask_ = bits - 1;
  capacity_ = bits / 10;
}

void HashBloom::add(std::uint64_t hash) {
  if (words_.empty())
    return;
  std::uint64_t a = remix(hash), b = (a >> 32) | 1;
  for (int i = 0; i < kProbes; ++i) {
    std::uint64_t bit = (a + static_cast<std::uint64_t>(i) * b) & bit_mask_;
    words_[bit >> 6] |= 1ull << (bit & 63);
  }
}

bool HashBloom::may_contain(std::uint64_t hash) const {
  if (words_.empty())
    return true;
  std::uint64_t a = remix(hash), b = (a >> 32) | 1;
  for (int i = 0; i < kProbes; ++i) {
    std::uint64_t bit = (a + static_cast<std::uint64_t>(i) * b) & bit_mask_;
    if ((words_[bit >> 6] & (1ull << (bit & 63))) == 0)
      return false;
  }
  return true;
}

} // namespace volley::queue
