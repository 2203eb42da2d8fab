// Lexing of one inbound SMTP command line (RFC 5321 §4.1): the verb, its argument, the
// "FROM:<path>" / "TO:<path>" form of MAIL and RCPT, and ESMTP parameters "KEY[=VALUE]".
// Pure string_view work on a line without its CRLF; must never allocate beyond the line's size
// and never accept a path with control characters or unquoted spaces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace volley::protocol {

enum class SmtpVerb : std::uint8_t {
  ehlo,
  helo,
  mail,
  rcpt,
  data,
  rset,
  noop,
  quit,
  starttls,
  auth,
  not_implemented, // a real SMTP verb this server does not offer (VRFY, EXPN, BDAT, ...)
  unknown,
};

struct SmtpCommandLine {
  SmtpVerb verb = SmtpVerb::unknown;
  std::string_view argument; // after the verb, surrounding spaces removed
};

// "mail FROM:<a@b>" -> {mail, "FROM:<a@b>"}. Verbs are case-insensitive.
SmtpCommandLine split_command_line(std::string_view line);

struct SmtpPathArgument {
  bool ok = false;
  std::string path;            // without <> and without an RFC 5321 source route
  std::string_view parameters; // the rest of the argument, leading spaces removed
  bool non_ascii = false;      // the path holds a byte >= 0x80 (needs SMTPUTF8)
};

// Parses "KEYWORD<path> parameters" where keyword is "FROM:" or "TO:" (case-insensitive; a space
// after the colon and a path without angle brackets are tolerated).
SmtpPathArgument parse_path_argument(std::string_view argument, std::string_view keyword);

struct SmtpParameter {
  std::string_view keyword; // "SIZE"
  std::string_view value;   // "1024"; empty when the parameter has no "="
};

// Takes the next space-separated parameter off the front of `rest`; false when none is left.
bool next_parameter(std::string_view& rest, SmtpParameter& parameter);

} // namespace volley::protocol
