// UTF-8 decoding helpers for validating SMTPUTF8 addresses and bounding echoed client text.
// Pure and allocation-free. Never accepts overlong forms, surrogates or code points above U+10FFFF.
#pragma once

#include <cstddef>
#include <string_view>

namespace volley::protocol::utf8 {

struct DecodedChar {
  char32_t code_point = 0;
  std::size_t length = 0; // bytes consumed; 0 = invalid sequence at this position
};

// Decodes the UTF-8 sequence starting at text[pos] (pos < text.size()).
DecodedChar decode_at(std::string_view text, std::size_t pos);

// Offset of the first byte that does not start a valid UTF-8 sequence, or npos if all is valid.
std::size_t find_invalid(std::string_view text);

// Longest prefix of text that is at most max_bytes long and does not split a multi-byte sequence.
std::string_view truncate(std::string_view text, std::size_t max_bytes);

// True for a byte that continues a multi-byte sequence (10xxxxxx).
constexpr bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

} // namespace volley::protocol::utf8
