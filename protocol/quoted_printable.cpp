// quoted_printable::decode / encode (see quoted_printable.hpp).
// Must never: emit a line over 76 characters, or read past the input.
#include "protocol/quoted_printable.hpp"

namespace volley::protocol::quoted_printable {
namespace {

constexpr std::size_t kMaxLine = 76;
constexpr char kHex[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
bool is_line_end(char c) {
  return c == '\r' || c == '\n';
}

// Printable ASCII other than '=': never escaped, whatever follows.
bool is_plain(char c) {
  return c >= 33 && c <= 126 && c != '=';
}

// Length of the line end at pos (CRLF = 2, CR or LF = 1), 0 if none.
std::size_t line_end_length(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || !is_line_end(text[pos]))
    return 0;
  return (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ? 2 : 1;
}

// Position after the run of blanks starting at pos.
std::size_t skip_blanks(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_blank(text[pos]))
    ++pos;
  return pos;
}

} // namespace

void decode(std::string_view encoded, std::string& out) {
  std::size_t pos = 0;
  while (pos < encoded.size()) {
    const char c = encoded[pos];
    if (is_blank(c)) {
      const std::size_t after = skip_blanks(encoded, pos);
      if (after < encoded.size() && !is_line_end(encoded[after]))
        out.append(encoded.substr(pos, after - pos)); // inner whitespace is data
      pos = after; // trailing whitespace (before a line end or the end) is dropped
    } else if (c == '=') {
      const std::size_t after_blanks = skip_blanks(encoded, pos + 1);
      const std::size_t eol = line_end_length(encoded, after_blanks);
      if (eol > 0 || after_blanks == encoded.size()) {
        pos = after_blanks + eol; // soft line break
      } else if (pos + 2 < encoded.size() && hex_value(encoded[pos + 1]) >= 0 &&
                 hex_value(encoded[pos + 2]) >= 0) {
        out += static_cast<char>(hex_value(encoded[pos + 1]) * 16 + hex_value(encoded[pos + 2]));
        pos += 3;
      } else {
        out += '=';
        ++pos;
      }
    } else {
      out += c;
      ++pos;
    }
  }
}

void encode(std::string_view text, std::string_view eol, std::string& out) {
  std::size_t line = 0; // characters on the current output line
  char escaped[3] = {'=', 0, 0};
  for (std::size_t pos = 0; pos < text.size();) {
    if (const std::size_t end = line_end_length(text, pos); end > 0) {
      out.append(eol);
      line = 0;
      pos += end;
      continue;
    }
    // Fast path: a run of characters that are always written literally, up to the soft limit.
    std::size_t run = pos;
    while (run < text.size() && line + (run - pos) < kMaxLine - 1 && is_plain(text[run]))
      ++run;
    if (run > pos) {
      out.append(text.data() + pos, run - pos);
      line += run - pos;
      pos = run;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[pos]);
    const bool last_on_line = pos + 1 == text.size() || is_line_end(text[pos + 1]);
    const bool literal = (byte >= 33 && byte <= 126 && byte != '=') ||
                         (is_blank(static_cast<char>(byte)) && !last_on_line);
    const std::size_t width = literal ? 1 : 3;
    // Keep room for a soft-break '=' unless this is the last character of the line.
    const std::size_t limit = last_on_line ? kMaxLine : kMaxLine - 1;
    if (line + width > limit) {
      out.append(1, '=').append(eol);
      line = 0;
    }
    if (literal) {
      out += static_cast<char>(byte);
    } else {
      escaped[1] = kHex[byte >> 4];
      escaped[2] = kHex[byte & 0x0F];
      out.append(escaped, 3);
    }
    line += width;
    ++pos;
  }
}

} // namespace volley::protocol::quoted_printable
