// append_encoded_words / needs_encoded_words (see header_encoded_words.hpp).
// Must never: cut a multi-byte UTF-8 sequence, or emit a word over 75 characters.
#include "protocol/header_encoded_words.hpp"

#include <algorithm>

#include "protocol/base64_lines.hpp"
#include "protocol/utf8.hpp"

namespace volley::protocol {
namespace {

constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::string_view kWordEnd = "?=";
constexpr std::size_t kMaxLine = 76;
constexpr std::size_t kMaxWord = 75;

// Raw bytes that fit in one word of at most max_word characters (3 bytes per 4 base64 characters).
std::size_t bytes_per_word(std::size_t max_word) {
  const std::size_t overhead = kWordStart.size() + kWordEnd.size();
  return max_word <= overhead ? 0 : (max_word - overhead) / 4 * 3;
}

// Length of the longest prefix of text[pos..] of at most budget bytes that ends on a character
// boundary (at least one character, so a long character is never stuck).
std::size_t chunk_length(std::string_view text, std::size_t pos, std::size_t budget) {
  std::size_t length = 0;
  while (pos + length < text.size()) {
    const utf8::DecodedChar decoded = utf8::decode_at(text, pos + length);
    const std::size_t step = decoded.length == 0 ? 1 : decoded.length;
    if (length + step > budget && length > 0)
      break;
    length += step;
  }
  return length;
}

} // namespace

bool needs_encoded_words(std::string_view value, std::size_t first_line_used) {
  std::size_t line = first_line_used;
  for (const char c : value) {
    if (static_cast<unsigned char>(c) >= 0x80)
      return true;
    line = (c == '\n') ? 0 : line + 1;
    if (line > 998)
      return true;
  }
  return false;
}

void append_encoded_words(std::string_view value, std::size_t first_line_used, std::string_view eol,
                          std::string& out) {
  const std::size_t first_room =
      first_line_used + 1 >= kMaxLine ? 0 : kMaxLine - first_line_used - 1;
  std::size_t budget = bytes_per_word(std::min(first_room, kMaxWord));
  bool first = true;
  for (std::size_t pos = 0; pos < value.size();) {
    if (budget == 0 || !first) {
      if (!first || first_line_used > 0)
        out.append(eol);
      budget = bytes_per_word(kMaxWord);
    }
    const std::size_t length = chunk_length(value, pos, budget);
    out.append(1, ' ').append(kWordStart);
    base64::encode(value.substr(pos, length), out);
    out.append(kWordEnd);
    pos += length;
    first = false;
  }
}

} // namespace volley::protocol
