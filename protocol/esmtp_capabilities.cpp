// parse_ehlo_reply (see esmtp_capabilities.hpp): reads the keyword lines of a positive EHLO reply.
// Must never: fail on unknown keywords or odd spacing, or report a SIZE limit it could not parse
// completely (an unparseable or overflowing SIZE argument counts as "no limit given" = 0).
#include "protocol/esmtp_capabilities.hpp"

#include "protocol/ascii_case.hpp"

#include <limits>

namespace volley::protocol {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

// SIZE argument (RFC 1870): decimal digits only; anything else or an overflow gives 0.
std::uint64_t parse_size(std::string_view argument) {
  argument = trim(argument);
  if (argument.empty())
    return 0;
  std::uint64_t value = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (char c : argument) {
    if (c < '0' || c > '9')
      return 0;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10)
      return 0;
    value = value * 10 + digit;
  }
  return value;
}

void apply_keyword_line(std::string_view line, EsmtpCapabilities& caps) {
  line = trim(line);
  const std::size_t end = line.find_first_of(" \t");
  const std::string_view keyword = line.substr(0, end);
  const std::string_view argument =
      end == std::string_view::npos ? std::string_view() : line.substr(end + 1);
  if (ascii_equal_ignoring_case(keyword, "PIPELINING"))
    caps.pipelining = true;
  else if (ascii_equal_ignoring_case(keyword, "STARTTLS"))
    caps.starttls = true;
  else if (ascii_equal_ignoring_case(keyword, "8BITMIME"))
    caps.eight_bit_mime = true;
  else if (ascii_equal_ignoring_case(keyword, "SMTPUTF8"))
    caps.smtputf8 = true;
  else if (ascii_equal_ignoring_case(keyword, "ENHANCEDSTATUSCODES"))
    caps.enhanced_status_codes = true;
  else if (ascii_equal_ignoring_case(keyword, "CHUNKING"))
    caps.chunking = true;
  else if (ascii_equal_ignoring_case(keyword, "DSN"))
    caps.dsn = true;
  else if (ascii_equal_ignoring_case(keyword, "SIZE"))
    caps.max_size = parse_size(argument);
  // AUTH, HELP, ETRN, VRFY, XCLIENT, ...: not used by this client.
}

} // namespace

EsmtpCapabilities parse_ehlo_reply(const SmtpReply& reply) {
  EsmtpCapabilities caps;
  caps.esmtp = true;
  std::string_view text = reply.text;
  std::size_t line_start = 0;
  bool first = true;
  while (line_start <= text.size()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos)
      line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    if (first) {
      const std::string_view greeting = trim(line);
      caps.server_name.assign(greeting.substr(0, greeting.find_first_of(" \t")));
      first = false;
    } else {
      apply_keyword_line(line, caps);
    }
    line_start = line_end + 1;
  }
  return caps;
}

} // namespace volley::protocol
