// prepare_message_data, normalise_line_ends and message_traits (see smtp_message_data.hpp): one
// pass over the raw message each, appending whole line runs rather than single bytes. Must never:
// change a byte other than line ends and the added leading dots, or scan a byte twice.
#include "protocol/smtp_message_data.hpp"

namespace volley::protocol {
namespace {

// Index of the next CR or LF at or after pos, or text.size().
std::size_t next_line_end(std::string_view text, std::size_t pos) {
  const char* data = text.data();
  const std::size_t size = text.size();
  while (pos < size && data[pos] != '\r' && data[pos] != '\n')
    ++pos;
  return pos;
}

// Every line CRLF-terminated; with stuff_dots, lines starting with "." get another one.
std::string crlf_lines(std::string_view raw_message, bool stuff_dots) {
  std::string out;
  // Usually enough for CRLF text with a few dot-stuffed lines plus the final CRLF; LF-only text
  // grows once or twice.
  out.reserve(raw_message.size() + raw_message.size() / 32 + 2);
  std::size_t pos = 0;
  while (pos < raw_message.size()) {
    if (stuff_dots && raw_message[pos] == '.')
      out += '.'; // RFC 5321 §4.5.2 transparency
    const std::size_t end = next_line_end(raw_message, pos);
    out.append(raw_message.data() + pos, end - pos);
    out += "\r\n";
    if (end == raw_message.size())
      return out; // last line had no line end
    pos = end + 1;
    if (raw_message[end] == '\r' && pos < raw_message.size() && raw_message[pos] == '\n')
      ++pos;
  }
  return out;
}

} // namespace

std::string prepare_message_data(std::string_view raw_message) {
  return crlf_lines(raw_message, true);
}

std::string normalise_line_ends(std::string_view raw_message) {
  if (raw_message.empty())
    return "\r\n";
  return crlf_lines(raw_message, false);
}

MessageTraits message_traits(std::string_view raw_message) {
  MessageTraits traits;
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
