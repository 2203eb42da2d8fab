// Text helpers of the bounce parser (see bounce_text.hpp).
// Must never: read outside the input, or treat an IP address or version number as a status code.
#include "protocol/bounce_text.hpp"

#include "protocol/ascii_case.hpp"

#include <cstring>

namespace volley::protocol::bounce {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_local_char(char c) {
  return is_alpha(c) || is_digit(c) || (c != 0 && std::strchr("!#$%&'*+/=?^_`{|}~.-", c));
}
bool is_domain_char(char c) {
  return is_alpha(c) || is_digit(c) || c == '.' || c == '-';
}

// Length of "d", "dd" or "ddd" at pos, 0 if none (or more than three digits).
std::size_t digit_run(std::string_view text, std::size_t pos) {
  std::size_t n = 0;
  while (pos + n < text.size() && is_digit(text[pos + n]))
    ++n;
  return n <= 3 ? n : 0;
}

// Length of a status code starting at pos ("5.1.1"), 0 if none stands there.
std::size_t status_at(std::string_view text, std::size_t pos) {
  if (pos + 5 > text.size() || (text[pos] != '4' && text[pos] != '5') || text[pos + 1] != '.')
    return 0;
  if (pos > 0 && (is_digit(text[pos - 1]) || is_alpha(text[pos - 1]) || text[pos - 1] == '.'))
    return 0;
  const std::size_t second = digit_run(text, pos + 2);
  if (second == 0 || pos + 2 + second >= text.size() || text[pos + 2 + second] != '.')
    return 0;
  const std::size_t third_at = pos + 3 + second;
  const std::size_t third = digit_run(text, third_at);
  if (third == 0)
    return 0;
  const std::size_t end = third_at + third;
  if (end < text.size() && (is_alpha(text[end]) || text[end] == '_'))
    return 0;
  if (end + 1 < text.size() && text[end] == '.' && is_digit(text[end + 1]))
    return 0; // an IP address or a version number
  return end - pos;
}

// True when a standalone 4xx/5xx code starts at pos.
bool code_at(std::string_view text, std::size_t pos) {
  if (pos + 3 > text.size() || (text[pos] != '4' && text[pos] != '5') || !is_digit(text[pos + 1]) ||
      !is_digit(text[pos + 2]))
    return false;
  if (pos > 0 && (is_digit(text[pos - 1]) || is_alpha(text[pos - 1]) || text[pos - 1] == '.' ||
                  text[pos - 1] == '-' || text[pos - 1] == '+' || text[pos - 1] == '#'))
    return false;
  const std::size_t end = pos + 3;
  return end == text.size() || text[end] == ' ' || text[end] == '-' || text[end] == '\n' ||
         text[end] == '\t';
}

int code_value(std::string_view text, std::size_t pos) {
  return (text[pos] - '0') * 100 + (text[pos + 1] - '0') * 10 + (text[pos + 2] - '0');
}

} // namespace

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = ascii_lower_char(c);
  return out;
}

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool blank = false;
  for (char c : trim_blanks(text)) {
    if (is_space(c)) {
      blank = true;
      continue;
    }
    if (blank)
      out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

bool contains_any(std::string_view haystack, std::initializer_list<std::string_view> needles) {
  for (std::string_view needle : needles)
    if (haystack.find(needle) != std::string_view::npos)
      return true;
  return false;
}

std::vector<FoundAddress> find_addresses(std::string_view text) {
  std::vector<FoundAddress> found;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && is_local_char(text[begin - 1]) && at - begin < 128)
      --begin;
    std::size_t end = at + 1;
    while (end < text.size() && is_domain_char(text[end]) && end - at < 256)
      ++end;
    while (begin < at && (text[begin] == '.' || text[begin] == '\''))
      ++begin;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-'))
      --end;
    const std::string_view candidate = text.substr(begin, end - begin);
    if (looks_like_address(candidate))
      found.push_back({std::string(candidate), begin});
  }
  return found;
}

bool looks_like_address(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= text.size())
    return false;
  const std::string_view domain = text.substr(at + 1);
  const std::size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || domain.size() - dot < 3)
    return false;
  for (char c : domain.substr(dot + 1))
    if (!is_alpha(c) && !is_digit(c) && c != '-')
      return false;
  return true;
}

std::string address_from_field(std::string_view value) {
  const std::size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos && semicolon < 16 &&
      value.substr(0, semicolon).find('@') == std::string_view::npos)
    value.remove_prefix(semicolon + 1);
  const auto found = find_addresses(value);
  if (found.empty())
    return {};
  std::string address = found.front().address;
  const std::size_t at = address.rfind('@');
  for (std::size_t i = at; i < address.size(); ++i)
    address[i] = ascii_lower_char(address[i]);
  return address;
}

bool is_system_address(std::string_view address) {
  const std::string lower = lower_ascii(address);
  return lower.starts_with("mailer-daemon@") || lower.starts_with("postmaster@") ||
         lower.starts_with("mail-daemon@") || lower.starts_with("maildaemon@") ||
         lower.starts_with("mailerdaemon@");
}

std::string find_status_code(std::string_view text) {
  // A code right after a reply code ("550 5.1.1", "550-5.7.1", "550-'5.7.1") says most.
  for (std::size_t pos = 0; pos + 8 <= text.size(); ++pos) {
    if (!code_at(text, pos))
      continue;
    const std::size_t at = pos + 4 + (text[pos + 4] == '\'' || text[pos + 4] == '"' ? 1 : 0);
    if (const std::size_t n = status_at(text, at); n > 0)
      return std::string(text.substr(at, n));
  }
  for (std::size_t pos = 0; pos + 5 <= text.size(); ++pos) {
    if (text[pos] != '4' && text[pos] != '5')
      continue;
    if (const std::size_t n = status_at(text, pos); n > 0)
      return std::string(text.substr(pos, n));
  }
  return {};
}

int find_smtp_code(std::string_view text) {
  int standalone = 0;
  for (std::size_t pos = 0; pos + 3 <= text.size(); ++pos) {
    if (!code_at(text, pos))
      continue;
    if (pos + 4 < text.size() && status_at(text, pos + 4) > 0)
      return code_value(text, pos);
    const char before = pos == 0 ? '\n' : text[pos - 1];
    if (standalone == 0 &&
        (before == '\n' || before == ' ' || before == '\t' || before == '(' || before == '<' ||
         before == ':' || before == '\'' || before == '"' || before == '['))
      standalone = code_value(text, pos);
  }
  return standalone;
}

} // namespace volley::protocol::bounce
