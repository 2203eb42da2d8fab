// prepare_message_data, normalise_line_ends and message_traits (see smtp_message_data.hpp): one
// pass over the raw message each, finding line ends with memchr and appending whole lines rather
// than single bytes. Must never: change a byte other than line ends and the added leading dots, or
// scan a byte more than twice.
#include "protocol/smtp_message_data.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace volley::protocol {
namespace {

// Finds line ends left to right. The next LF is remembered, so text with bare CRs only (no LF)
// is not searched to its end once per line; CRs are looked for only before that LF.
class LineEndFinder {
public:
  explicit LineEndFinder(std::string_view text) : text_(text) {}

  // Index of the next CR or LF at or after pos, or text.size().
  std::size_t next(std::size_t pos) {
    if (!searched_ || next_lf_ < pos) {
      searched_ = true;
      const void* lf = std::memchr(text_.data() + pos, '\n', text_.size() - pos);
      next_lf_ =
          lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - text_.data()) : text_.size();
    }
    const void* cr = std::memchr(text_.data() + pos, '\r', next_lf_ - pos);
    return cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - text_.data()) : next_lf_;
  }

private:
  std::string_view text_;
  std::size_t next_lf_ = 0; // the LF at or after the last position asked for (or the size)
  bool searched_ = false;
};

// Every line CRLF-terminated; with stuff_dots, lines starting with "." get another one.
void append_crlf_lines(std::string_view raw_message, bool stuff_dots, std::string& out) {
  LineEndFinder finder(raw_message);
  std::size_t pos = 0;
  while (pos < raw_message.size()) {
    if (stuff_dots && raw_message[pos] == '.')
      out += '.'; // RFC 5321 §4.5.2 transparency
    const std::size_t end = finder.next(pos);
    out.append(raw_message.data() + pos, end - pos);
    out += "\r\n";
    if (end == raw_message.size())
      return; // last line had no line end
    pos = end + 1;
    if (raw_message[end] == '\r' && pos < raw_message.size() && raw_message[pos] == '\n')
      ++pos;
  }
}

// Usually enough for CRLF text with a few dot-stuffed lines plus the final CRLF; LF-only text
// grows once or twice.
std::size_t expected_size(std::string_view raw_message) {
  return raw_message.size() + raw_message.size() / 32 + 2;
}

// CR bytes counted eight at a time: XOR turns each CR into a zero lane, and the exact per-lane
// zero test sets 0x80 in those lanes only (nothing carries between lanes).
std::size_t count_carriage_returns(std::string_view text) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  constexpr std::uint64_t lows = 0x7F7F7F7F7F7F7F7FULL;
  std::size_t count = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    const std::uint64_t x = word ^ (ones * '\r');
    // Exact per lane: 0x80 where the lane is zero (no borrow between lanes, unlike x - ones).
    const std::uint64_t zero_lanes = ~(((x & lows) + lows) | x) & highs;
    count += static_cast<std::size_t>(__builtin_popcountll(zero_lanes));
  }
  for (; i < text.size(); ++i)
    count += text[i] == '\r' ? 1 : 0;
  return count;
}

} // namespace

std::string prepare_message_data(std::string_view raw_message) {
  std::string out;
  out.reserve(expected_size(raw_message));
  append_crlf_lines(raw_message, true, out);
  return out;
}

std::string prepare_message_data(std::string_view header_fields, std::string_view raw_message) {
  std::string out;
  out.reserve(expected_size(header_fields) + expected_size(raw_message));
  append_crlf_lines(header_fields, true, out);
  append_crlf_lines(raw_message, true, out);
  return out;
}

std::string normalise_line_ends(std::string_view raw_message) {
  if (raw_message.empty())
    return "\r\n";
  std::string out;
  out.reserve(expected_size(raw_message));
  append_crlf_lines(raw_message, false, out);
  return out;
}

bool has_crlf_line_ends(std::string_view raw_message) {
  if (!raw_message.ends_with("\r\n"))
    return false;
  // Every LF preceded by CR, and as many CRs as LFs: then every CR is the one before an LF.
  std::size_t lf_count = 0;
  for (std::size_t pos = 0;;) {
    const void* lf = std::memchr(raw_message.data() + pos, '\n', raw_message.size() - pos);
    if (lf == nullptr)
      break;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(lf) - raw_message.data());
    if (at == 0 || raw_message[at - 1] != '\r')
      return false;
    ++lf_count;
    pos = at + 1;
  }
  return count_carriage_returns(raw_message) == lf_count;
}

MessageTraits message_traits(std::string_view raw_message) {
  MessageTraits traits;
  // Most messages are ASCII: checked eight bytes at a time before the line-aware pass.
  std::size_t i = 0;
  std::uint64_t high_bits = 0;
  for (; i + 8 <= raw_message.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, raw_message.data() + i, 8);
    high_bits |= word;
  }
  for (; i < raw_message.size(); ++i)
    high_bits |= static_cast<unsigned char>(raw_message[i]);
  if ((high_bits & 0x8080808080808080ULL) == 0)
    return traits;
  bool in_headers = true;
  bool line_empty = true;
  bool after_cr = false;
  for (const char c : raw_message) {
    if (c == '\r' || c == '\n') {
      const bool crlf_tail = c == '\n' && after_cr;
      after_cr = c == '\r';
      if (crlf_tail)
        continue;
      if (line_empty)
        in_headers = false; // the empty line that ends the header section
      line_empty = true;
      continue;
    }
    after_cr = false;
    line_empty = false;
    if (static_cast<unsigned char>(c) >= 0x80) {
      // The first 8-bit byte decides both traits: later bytes cannot move back into the headers.
      traits.eight_bit = true;
      traits.utf8_headers = in_headers;
      return traits;
    }
  }
  return traits;
}

} // namespace volley::protocol
