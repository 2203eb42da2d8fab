// Shared by the libFuzzer targets: deterministic choices (xorshift64) drawn from a seed taken from
// the input, and require() that aborts so libFuzzer records the input. Never does I/O.
#pragma once

#include <cstdint>
#include <cstdlib>

namespace volley::fuzzing {

inline void require(bool condition) {
  if (!condition)
    std::abort();
}

class Choices {
public:
  explicit Choices(std::uint64_t seed) : state_(seed | 1) {}
  // Seeded from the first 8 input bytes (big-endian); the caller skips inputs shorter than that.
  static Choices from_input(const std::uint8_t* data) {
    std::uint64_t seed = 0;
    for (int i = 0; i < 8; ++i)
      seed = (seed << 8) | data[i];
    return Choices(seed);
  }
  std::uint32_t next(std::uint32_t bound) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<std::uint32_t>(state_ % bound);
  }

private:
  std::uint64_t state_;
};

} // namespace volley::fuzzing
