// Base32 (RFC 4648 §6 alphabet, written lower-case, no padding) for short tokens such as the VERP
// envelope token. Decoding accepts either case because some MTAs change the case of local parts.
// Pure and allocation-free apart from the output string. Never accepts padding, whitespace or
// non-zero leftover bits, so every byte string has exactly one encoding (modulo case).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volley::protocol::base32 {

// Number of characters encode() produces for byte_count bytes: ceil(8 * byte_count / 5).
constexpr std::size_t encoded_length(std::size_t byte_count) {
  return (byte_count * 8 + 4) / 5;
}

// Appends the lower-case encoding of bytes to out.
void encode(const std::uint8_t* bytes, std::size_t size, std::string& out);

// Decodes text into out (capacity out_capacity). Returns the number of bytes written, or nullopt
// when text holds a character outside the alphabet, has an impossible length (1, 3 or 6 mod 8),
// has non-zero leftover bits in its last character, or does not fit into out.
std::optional<std::size_t> decode(std::string_view text, std::uint8_t* out,
                                  std::size_t out_capacity);

} // namespace volley::protocol::base32
