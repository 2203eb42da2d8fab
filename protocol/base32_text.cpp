// base32::encode / decode (see base32_text.hpp): a bit accumulator over 5-bit groups.
// Must never read outside text or write more than out_capacity bytes.
#include "protocol/base32_text.hpp"

#include <array>

namespace volley::protocol::base32 {
namespace {

constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

// Value of one base32 character in either case, or -1.
constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table)
    entry = -1;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    const auto c = static_cast<unsigned char>(kAlphabet[i]);
    table[c] = static_cast<std::int8_t>(i);
    if (c >= 'a' && c <= 'z')
      table[c - 'a' + 'A'] = static_cast<std::int8_t>(i);
  }
  return table;
}
constexpr std::array<std::int8_t, 256> kDecodeTable = make_decode_table();

} // namespace

void encode(const std::uint8_t* bytes, std::size_t size, std::string& out) {
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kAlphabet[(buffer >> bits) & 0x1F];
    }
  }
  if (bits > 0)
    out += kAlphabet[(buffer << (5 - bits)) & 0x1F];
}

std::optional<std::size_t> decode(std::string_view text, std::uint8_t* out,
                                  std::size_t out_capacity) {
  const std::size_t remainder = text.size() % 8;
  if (remainder == 1 || remainder == 3 || remainder == 6)
    return std::nullopt;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t written = 0;
  for (const char c : text) {
    const int value = kDecodeTable[static_cast<unsigned char>(c)];
    if (value < 0)
      return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (written == out_capacity)
        return std::nullopt;
      out[written++] = static_cast<std::uint8_t>(buffer >> bits);
    }
  }
  if ((buffer & ((1u << bits) - 1)) != 0)
    return std::nullopt; // non-canonical: leftover bits must be zero
  return written;
}

} // namespace volley::protocol::base32
