// JSON text helpers (see json_text.hpp): complete parsing with human error positions, escaping,
// scalar-to-string conversion. Must never produce invalid JSON from valid UTF-8 input.
#include "protocol/json_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "protocol/utf8.hpp"

namespace volley::protocol::json_text {

namespace json = boost::json;

namespace {

std::string syntax_error(std::string_view text, std::size_t offset, Position position,
                         const json::error_code& ec) {
  return describe_offset(text, offset, position) + ": " + ec.message();
}

// Bytes that JSON strings must escape: controls, '"' and '\\'.
constexpr auto kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (int byte = 0; byte < 0x20; ++byte)
    table[byte] = true;
  table['"'] = table['\\'] = true;
  return table;
}();

// Length of the leading run of bytes that need no escaping, eight bytes at a time (SWAR).
std::size_t clean_prefix(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  auto has_zero_byte = [&](std::uint64_t word) { return (word - kOnes) & ~word & kHighBits; };
  std::size_t pos = 0;
  for (; pos + 8 <= text.size(); pos += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + pos, 8);
    const std::uint64_t control = (word - kOnes * 0x20) & ~word & kHighBits;
    const std::uint64_t quote = has_zero_byte(word ^ (kOnes * '"'));
    const std::uint64_t backslash = has_zero_byte(word ^ (kOnes * '\\'));
    if ((control | quote | backslash) != 0)
      break;
  }
  return pos;
}

template <class Number> void append_number(std::string& out, Number number) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, end);
}

} // namespace

Result<json::value> parse_complete(json::parser& parser, std::string_view text, Position position) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return make_error(error_code::bad_json, position == Position::line_and_column
                                                ? "request body is empty; send a JSON object"
                                                : "line is empty; send a JSON object");
  }
  json::error_code ec;
  const std::size_t consumed = parser.write(text.data(), text.size(), ec);
  if (ec)
    return make_error(error_code::bad_json, syntax_error(text, consumed, position, ec));
  return parser.release();
}

std::string describe_offset(std::string_view text, std::size_t offset, Position position) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t last_newline = before.rfind('\n');
  const std::size_t line_start = last_newline == std::string_view::npos ? 0 : last_newline + 1;
  std::size_t column = 1;
  for (std::size_t pos = line_start; pos < offset; ++pos) {
    if (!utf8::is_continuation(static_cast<unsigned char>(text[pos])))
      ++column;
  }
  std::string out;
  if (position == Position::line_and_column) {
    const std::size_t line = 1 + std::count(before.begin(), before.end(), '\n');
    out = "line " + std::to_string(line) + ", ";
  }
  return out + "column " + std::to_string(column);
}

void append_quoted(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t clean_start = 0;
  for (std::size_t pos = clean_prefix(text); pos < text.size(); ++pos) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (!kNeedsEscape[byte])
      continue;
    out.append(text.data() + clean_start, pos - clean_start);
    clean_start = pos + 1;
    const char short_form = byte == '"'    ? '"'
                            : byte == '\\' ? '\\'
                            : byte == '\n' ? 'n'
                            : byte == '\r' ? 'r'
                            : byte == '\t' ? 't'
                                           : '\0';
    if (short_form != '\0') {
      const char escape[2] = {'\\', short_form};
      out.append(escape, 2);
    } else {
      const char escape[6] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 0xF]};
      out.append(escape, 6);
    }
  }
  out.append(text.data() + clean_start, text.size() - clean_start);
  out += '"';
}

bool append_scalar_as_string(std::string& out, const json::value& value) {
  switch (value.kind()) {
  case json::kind::string:
    append_quoted(out, view(value.get_string()));
    return true;
  case json::kind::bool_:
    out += value.get_bool() ? "\"true\"" : "\"false\"";
    return true;
  case json::kind::int64:
  case json::kind::uint64:
  case json::kind::double_: {
    std::string number;
    if (!scalar_to_string(value, number))
      return false;
    out += '"';
    out += number;
    out += '"';
    return true;
  }
  default:
    return false;
  }
}

bool scalar_to_string(const json::value& value, std::string& out) {
  out.clear();
  switch (value.kind()) {
  case json::kind::string:
    out.assign(view(value.get_string()));
    return true;
  case json::kind::bool_:
    out = value.get_bool() ? "true" : "false";
    return true;
  case json::kind::int64:
    append_number(out, value.get_int64());
    return true;
  case json::kind::uint64:
    append_number(out, value.get_uint64());
    return true;
  case json::kind::double_:
    if (!std::isfinite(value.get_double()))
      return false;
    append_number(out, value.get_double());
    return true;
  default:
    return false;
  }
}

const char* kind_name(const json::value& value) {
  switch (value.kind()) {
  case json::kind::null:
    return "null";
  case json::kind::bool_:
    return "a boolean";
  case json::kind::int64:
  case json::kind::uint64:
  case json::kind::double_:
    return "a number";
  case json::kind::string:
    return "a string";
  case json::kind::array:
    return "an array";
  case json::kind::object:
    return "an object";
  }
  return "unknown";
}

std::string quote_for_message(std::string_view text, std::size_t max_bytes) {
  const std::string_view shown = utf8::truncate(text, max_bytes);
  std::string printable(shown);
  for (std::size_t pos = utf8::find_invalid(printable); pos != std::string::npos;
       pos = utf8::find_invalid(printable)) {
    printable[pos] = '?'; // keep messages valid UTF-8 whatever the caller passed
  }
  std::string quoted;
  append_quoted(quoted, printable);
  if (shown.size() < text.size())
    quoted.insert(quoted.size() - 1, "...");
  return quoted;
}

} // namespace volley::protocol::json_text
