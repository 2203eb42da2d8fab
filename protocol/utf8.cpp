// UTF-8 decoding (RFC 3629): one sequence at a time, strict. Used by address validation and for
// truncating client text in error messages. Must never read past the end of its input.
#include "protocol/utf8.hpp"

namespace volley::protocol::utf8 {

namespace {

struct LeadByteShape {
  std::size_t length; // total sequence length, 0 if the byte cannot start a sequence
  char32_t payload;   // bits of the lead byte that belong to the code point
  char32_t min_value; // smallest code point that needs this length (rejects overlong forms)
};

LeadByteShape shape_of(unsigned char lead) {
  if (lead < 0x80)
    return {1, lead, 0};
  if ((lead & 0xE0) == 0xC0)
    return {2, char32_t(lead & 0x1F), 0x80};
  if ((lead & 0xF0) == 0xE0)
    return {3, char32_t(lead & 0x0F), 0x800};
  if ((lead & 0xF8) == 0xF0)
    return {4, char32_t(lead & 0x07), 0x10000};
  return {0, 0, 0};
}

} // namespace

DecodedChar decode_at(std::string_view text, std::size_t pos) {
  const LeadByteShape shape = shape_of(static_cast<unsigned char>(text[pos]));
  if (shape.length == 0 || text.size() - pos < shape.length)
    return {};
  char32_t code_point = shape.payload;
  for (std::size_t i = 1; i < shape.length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if (!is_continuation(byte))
      return {};
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < shape.min_value)
    return {}; // overlong
  if (code_point >= 0xD800 && code_point <= 0xDFFF)
    return {}; // UTF-16 surrogate
  if (code_point > 0x10FFFF)
    return {};
  return {code_point, shape.length};
}

std::size_t find_invalid(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const DecodedChar decoded = decode_at(text, pos);
    if (decoded.length == 0)
      return pos;
    pos += decoded.length;
  }
  return std::string_view::npos;
}

std::string_view truncate(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes)
    return text;
  std::size_t end = max_bytes;
  while (end > 0 && is_continuation(static_cast<unsigned char>(text[end])))
    --end;
  return text.substr(0, end);
}

} // namespace volley::protocol::utf8
