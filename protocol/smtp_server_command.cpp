// Lexing of inbound SMTP command lines (see header). Pure; never allocates except for the
// returned path, which is bounded by the line.
#include "protocol/smtp_server_command.hpp"

#include "protocol/ascii_blanks.hpp"
#include "protocol/ascii_case.hpp"

#include <array>
#include <utility>

namespace volley::protocol {
namespace {

SmtpVerb verb_of(std::string_view word) {
  static constexpr std::array<std::pair<std::string_view, SmtpVerb>, 18> kVerbs{{
      {"ehlo", SmtpVerb::ehlo},
      {"helo", SmtpVerb::helo},
      {"mail", SmtpVerb::mail},
      {"rcpt", SmtpVerb::rcpt},
      {"data", SmtpVerb::data},
      {"rset", SmtpVerb::rset},
      {"noop", SmtpVerb::noop},
      {"quit", SmtpVerb::quit},
      {"starttls", SmtpVerb::starttls},
      {"vrfy", SmtpVerb::not_implemented},
      {"expn", SmtpVerb::not_implemented},
      {"help", SmtpVerb::not_implemented},
      {"auth", SmtpVerb::auth},
      {"bdat", SmtpVerb::not_implemented},
      {"etrn", SmtpVerb::not_implemented},
      {"turn", SmtpVerb::not_implemented},
      {"atrn", SmtpVerb::not_implemented},
      {"send", SmtpVerb::not_implemented},
  }};
  for (const auto& [name, verb] : kVerbs)
    if (ascii_equal_ignoring_case(word, name))
      return verb;
  return SmtpVerb::unknown;
}

bool is_forbidden_path_byte(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

// Scans "<...>" starting at text[0] == '<'; returns the index of the closing '>' or npos.
std::size_t closing_bracket(std::string_view text) {
  bool quoted = false;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (is_forbidden_path_byte(static_cast<unsigned char>(c)))
      return std::string_view::npos;
    if (quoted && c == '\\') {
      ++i;
      continue;
    }
    if (c == '"')
      quoted = !quoted;
    else if (!quoted && c == '>')
      return i;
    else if (!quoted && (c == ' ' || c == '<'))
      return std::string_view::npos;
  }
  return std::string_view::npos;
}

bool plausible_mailbox(std::string_view path) {
  if (path.empty())
    return true; // the null path; callers decide where it is allowed
  const std::size_t at = path.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < path.size() && path.size() <= 256;
}

} // namespace

SmtpCommandLine split_command_line(std::string_view line) {
  const std::size_t space = line.find(' ');
  const std::string_view word = line.substr(0, space);
  SmtpCommandLine command;
  command.verb = verb_of(word);
  if (space != std::string_view::npos)
    command.argument = trim_sp_htab(line.substr(space + 1));
  return command;
}

SmtpPathArgument parse_path_argument(std::string_view argument, std::string_view keyword) {
  SmtpPathArgument result;
  if (argument.size() < keyword.size() ||
      !ascii_equal_ignoring_case(argument.substr(0, keyword.size()), keyword))
    return result;
  std::string_view rest = trim_sp_htab(argument.substr(keyword.size()));
  std::string_view path;
  if (!rest.empty() && rest.front() == '<') {
    const std::size_t close = closing_bracket(rest);
    if (close == std::string_view::npos)
      return result;
    path = rest.substr(1, close - 1);
    rest = trim_sp_htab(rest.substr(close + 1));
  } else {
    const std::size_t space = rest.find(' ');
    path = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : trim_sp_htab(rest.substr(space));
    if (path.empty() || path.find_first_of("<>\"") != std::string_view::npos)
      return result;
    for (char c : path)
      if (is_forbidden_path_byte(static_cast<unsigned char>(c)))
        return result;
  }
  if (!path.empty() && path.front() == '@') { // source route "@a,@b:user@d" (RFC 5321 §4.1.2)
    const std::size_t colon = path.find(':');
    if (colon == std::string_view::npos)
      return result;
    path.remove_prefix(colon + 1);
  }
  if (!plausible_mailbox(path) &&
      !ascii_equal_ignoring_case(path, "postmaster")) // RCPT TO:<Postmaster> (RFC 5321 §4.1.1.3)
    return result;
  for (char c : path)
    if (static_cast<unsigned char>(c) >= 0x80)
      result.non_ascii = true;
  result.ok = true;
  result.path.assign(path);
  result.parameters = rest;
  return result;
}

bool next_parameter(std::string_view& rest, SmtpParameter& parameter) {
  rest = trim_sp_htab(rest);
  if (rest.empty())
    return false;
  const std::size_t space = rest.find(' ');
  const std::string_view word = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space);
  const std::size_t equals = word.find('=');
  parameter.keyword = word.substr(0, equals);
  parameter.value = equals == std::string_view::npos ? std::string_view() : word.substr(equals + 1);
  return true;
}

} // namespace volley::protocol
