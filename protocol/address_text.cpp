// Character-level address checks and message quoting (see address_text.hpp). Must never let a
// control or invisible character through: such addresses are spoofing or header-injection vectors.
#include "protocol/address_text.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "protocol/utf8.hpp"

namespace volley::protocol::address_text {

namespace {

Error invalid(std::string message) {
  return make_error(error_code::invalid_address, std::move(message));
}

// Non-ASCII code points that render as nothing or as a space, or reorder text (bidi controls).
bool is_invisible_or_space(char32_t cp) {
  return cp == 0x00A0 || cp == 0x00AD || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) ||
         cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202F) || cp == 0x205F ||
         cp == 0x2060 || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x3000 || cp == 0xFEFF;
}

std::string code_point_text(char32_t cp) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(cp));
  return buffer;
}

std::optional<Error> check_non_ascii(std::string_view address, std::size_t pos,
                                     std::size_t& length) {
  const utf8::DecodedChar decoded = utf8::decode_at(address, pos);
  auto where = [pos] { return " at byte " + std::to_string(pos + 1); };
  if (decoded.length == 0)
    return invalid("invalid UTF-8" + where());
  if (decoded.code_point <= 0x9F) {
    return invalid("control character " + code_point_text(decoded.code_point) + where());
  }
  if (is_invisible_or_space(decoded.code_point)) {
    return invalid("invisible or space character " + code_point_text(decoded.code_point) + where());
  }
  length = decoded.length;
  return std::nullopt;
}

bool is_whitespace_byte(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Length of the leading run of printable ASCII (0x20-0x7E), eight bytes at a time.
std::size_t printable_ascii_prefix(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::size_t pos = 0;
  for (; pos + 8 <= text.size(); pos += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + pos, 8);
    const std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighBits;
    const std::uint64_t above_tilde = ((word + kOnes * (0x7F - 0x7E)) | word) & kHighBits;
    if ((below_space | above_tilde) != 0)
      break;
  }
  while (pos < text.size() && text[pos] >= 0x20 && text[pos] < 0x7F)
    ++pos;
  return pos;
}

} // namespace

std::optional<Error> check_characters(std::string_view address) {
  if (is_whitespace_byte(address.front()))
    return invalid("address starts with whitespace; remove it");
  if (is_whitespace_byte(address.back()))
    return invalid("address ends with whitespace; remove it");
  std::size_t pos = printable_ascii_prefix(address);
  while (pos < address.size()) {
    const auto byte = static_cast<unsigned char>(address[pos]);
    if (byte >= 0x20 && byte < 0x7F) { // printable ASCII: the common case
      ++pos;
      continue;
    }
    if (byte >= 0x80) {
      std::size_t length = 0;
      if (auto error = check_non_ascii(address, pos, length))
        return error;
      pos += length;
      continue;
    }
    return invalid("control character " + describe_char(static_cast<char>(byte)) + " at byte " +
                   std::to_string(pos + 1));
  }
  return std::nullopt;
}

std::string quote(std::string_view text) {
  const std::string_view shown = utf8::truncate(text, 64);
  std::string quoted = "\"";
  quoted += shown;
  if (shown.size() < text.size())
    quoted += "...";
  quoted += '"';
  return quoted;
}

std::string describe_char(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F)
    return std::string("'") + c + "'";
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned>(byte));
  return buffer;
}

std::string ascii_lower(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

} // namespace volley::protocol::address_text
