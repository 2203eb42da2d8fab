// address_hash: multiply-fold mixing of 8-byte words (128-bit product, high ^ low), length seeded.
// Must never depend on the platform's endianness or alignment (bytes are assembled explicitly).
#include "queue/address_hash.hpp"

namespace volley::queue {
namespace {

// Arbitrary odd 64-bit constants with well-spread bits.
constexpr std::uint64_t kSeed = 0x6c62272e07bb0142ull;
constexpr std::uint64_t kK1 = 0xd6e8feb86659fd93ull;
constexpr std::uint64_t kK2 = 0xa0761d6478bd642full;
constexpr std::uint64_t kK3 = 0xe7037ed1a0b428dbull;
constexpr std::uint64_t kK4 = 0x8ebc6af09c88c6e3ull;

std::uint64_t fold(std::uint64_t a, std::uint64_t b) {
  unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
}

// Little-endian load of n (0..8) bytes.
std::uint64_t load(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = n; i > 0; --i)
    v = (v << 8) | p[i - 1];
  return v;
}

} // namespace

std::uint64_t address_hash(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::uint64_t h = fold(kSeed ^ n, kK1);
  while (n >= 16) {
    h = fold(load(p, 8) ^ kK2 ^ h, load(p + 8, 8) ^ kK3);
    p += 16;
    n -= 16;
  }
  std::uint64_t a = load(p, n >= 8 ? 8 : n);
  std::uint64_t b = n > 8 ? load(p + 8, n - 8) : 0;
  h = fold(a ^ kK2 ^ h, b ^ kK3 ^ (static_cast<std::uint64_t>(n) << 56));
  return fold(h ^ kK4, kK1 ^ (h >> 29));
}

} // namespace volley::queue
