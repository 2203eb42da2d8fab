// HashBloom: a Bloom filter over 64-bit hashes (the occupied rcpt_dedup slots of one campaign), so
// that a new address skips the B-tree lookup when its slot is certainly empty (~1% false positives
// at its sized capacity). Must never answer "absent" for a value that was added.
#pragma once

#include <cstdint>
#include <vector>

namespace volley::queue {

class HashBloom {
public:
  // Empties the filter and sizes it for `expected` values (10 bits each).
  void reset(std::uint64_t expected);
  void add(std::uint64_t hash);
  bool may_contain(std::uint64_t hash) const;
  std::uint64_t capacity() const { return capacity_; }

private:
  std::vector<std::uint64_t> words_;
  std::uint64_t bit_mask_ = 0;
  std::uint64_t capacity_ = 0;
};

} // namespace volley::queue
