// Domain name and domain pattern checks for configuration values. Never accepts a name that could
// not appear in DNS (empty labels, spaces, non-ASCII) and never changes a name except its case.
#include "policy/domain_name.hpp"

#include <algorithm>
#include <cctype>

namespace volley::policy {
namespace {

constexpr std::size_t max_name_length = 253;
constexpr std::size_t max_label_length = 63;
constexpr std::string_view pattern_hint =
    "write \"*\" (every domain), a domain (\"example.com\") or \".example.com\" (the domain and "
    "all its subdomains)";

Error name_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

bool name_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}

std::string bad_character_hint(char c) {
  if (static_cast<unsigned char>(c) >= 0x80)
    return "write internationalised names as A-labels (\"xn--...\")";
  if (c == ' ' || c == '\t')
    return "remove the spaces";
  return "use only letters, digits, '-' and '.'";
}

std::string describe_character(char c) {
  if (c == ' ')
    return "a space";
  if (static_cast<unsigned char>(c) >= 0x80)
    return "a non-ASCII character";
  if (std::isprint(static_cast<unsigned char>(c)))
    return "'" + std::string(1, c) + "'";
  return "a control character";
}

// subject names the checked text in errors, e.g. "host \"mx..example\"".
Result<Unit> check_label(std::string_view subject, std::string_view label) {
  if (label.empty()) {
    return name_error(std::string(subject) +
                      " has an empty label — remove the extra '.' (no leading, trailing or "
                      "doubled dots)");
  }
  if (label.size() > max_label_length) {
    return name_error(std::string(subject) + " has a label of " + std::to_string(label.size()) +
                      " characters — DNS labels are at most 63 characters");
  }
  if (label.front() == '-' || label.back() == '-') {
    return name_error(std::string(subject) + ": label " + quoted(label) +
                      " starts or ends with '-' — a hyphen may only be inside a label");
  }
  return Unit{};
}

Result<Unit> check_domain_syntax(std::string_view subject, std::string_view name) {
  for (char c : name) {
    if (!name_character(c) && c != '.') {
      return name_error(std::string(subject) + " contains " + describe_character(c) + " — " +
                        bad_character_hint(c));
    }
  }
  if (name.size() > max_name_length) {
    return name_error(std::string(subject) + " is " + std::to_string(name.size()) +
                      " characters long — domain names are at most 253 characters");
  }
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    std::string_view label =
        name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (auto checked = check_label(subject, label); !checked)
      return checked.error();
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }
  std::string_view last = name.substr(start);
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return name_error(std::string(subject) +
                      " ends in a numeric label — it is neither a domain nor a valid IP address");
  }
  return Unit{};
}

} // namespace

Result<Unit> check_host_name(std::string_view name) {
  if (name.empty())
    return name_error("empty host name — write a name such as \"mx.example.com\"");
  return check_domain_syntax("host name " + quoted(name), name);
}

Result<std::string> normalize_domain_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern == ".")
    return name_error("empty pattern " + quoted(pattern) + " — " + std::string(pattern_hint));
  if (pattern == "*")
    return std::string(pattern);
  if (pattern.size() > 1 && pattern.substr(0, 2) == "*.") {
    return name_error("pattern " + quoted(pattern) + " is not supported — write " +
                      quoted(pattern.substr(1)) + " for the domain and all its subdomains");
  }
  std::string lower;
  for (char c : pattern)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view domain = lower;
  if (domain.front() == '.')
    domain.remove_prefix(1);
  if (auto checked = check_domain_syntax("pattern " + quoted(pattern), domain); !checked)
    return checked.error();
  return lower;
}

} // namespace volley::policy
