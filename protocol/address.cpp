// parse_mailbox: RFC 5321 4.1.2 Mailbox (Dot-string / Quoted-string "@" Domain / address-literal)
// with RFC 6531 UTF-8, and the 4.5.3.1 size limits. Never does DNS, never trims or "repairs" input:
// anything it cannot deliver to is an error that says exactly what is wrong.
#include "protocol/address.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "protocol/address_literal.hpp"
#include "protocol/address_text.hpp"

namespace volley::protocol {

namespace {

constexpr std::size_t kMaxLocalPartOctets = 64; // RFC 5321 4.5.3.1.1
constexpr std::size_t kMaxDomainOctets = 255;   // RFC 5321 4.5.3.1.2
constexpr std::size_t kMaxMailboxOctets = 254;  // RFC 5321 4.5.3.1.3 path 256 minus "<>"
constexpr std::size_t kMaxLabelOctets = 63;

using address_text::quote;

Error invalid(std::string message) {
  return make_error(error_code::invalid_address, std::move(message));
}

struct MailboxParts {
  std::string_view local;
  std::string_view domain;
};

// Finds the "@" that separates local part and domain, honouring a quoted local part.
Result<MailboxParts> split_at_sign(std::string_view text) {
  std::size_t at = std::string_view::npos;
  if (text.front() == '"') {
    std::size_t pos = 1;
    while (pos < text.size() && text[pos] != '"')
      pos += text[pos] == '\\' ? 2 : 1;
    if (pos >= text.size())
      return invalid("quoted local part has no closing '\"'");
    at = pos + 1;
    if (at == text.size())
      return invalid("missing \"@\" and domain after the quoted local part");
    if (text[at] != '@')
      return invalid("expected \"@\" right after the quoted local part");
  } else {
    at = text.find('@');
    if (at == std::string_view::npos) {
      return invalid("missing \"@\": an address is local-part@domain");
    }
  }
  MailboxParts parts{text.substr(0, at), text.substr(at + 1)};
  if (parts.domain.find('@') != std::string_view::npos) {
    return invalid("more than one \"@\"; quote the local part if it really contains \"@\"");
  }
  if (parts.local.empty())
    return invalid("local part before \"@\" is empty");
  if (parts.domain.empty())
    return invalid("domain after \"@\" is empty");
  return parts;
}

std::optional<Error> check_lengths(std::string_view text, const MailboxParts& parts) {
  if (parts.local.size() > kMaxLocalPartOctets) {
    return invalid("local part is " + std::to_string(parts.local.size()) +
                   " octets; the limit is 64 (RFC 5321 4.5.3.1.1)");
  }
  if (parts.domain.size() > kMaxDomainOctets) {
    return invalid("domain is " + std::to_string(parts.domain.size()) +
                   " octets; the limit is 255 (RFC 5321 4.5.3.1.2)");
  }
  if (text.size() > kMaxMailboxOctets) {
    return invalid("address is " + std::to_string(text.size()) +
                   " octets; the limit is 254 (RFC 5321 4.5.3.1.3)");
  }
  return std::nullopt;
}

// RFC 5321 atext plus RFC 6531 UTF8-non-ascii (whose validity check_characters already checked).
constexpr auto kAtext = [] {
  std::array<bool, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    table[byte] = byte >= 0x80 || address_text::is_ascii_alnum(static_cast<char>(byte));
  }
  for (char c : std::string_view("!#$%&'*+-/=?^_`{|}~"))
    table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool is_atext(char c) {
  return kAtext[static_cast<unsigned char>(c)];
}

// One pass: atext runs separated by single dots.
std::optional<Error> check_dot_string(std::string_view local) {
  bool after_dot = false;
  for (std::size_t pos = 0; pos < local.size(); ++pos) {
    const char c = local[pos];
    if (c == '.') {
      if (pos == 0)
        return invalid("local part " + quote(local) + " starts with a dot");
      if (after_dot)
        return invalid("local part " + quote(local) + " has consecutive dots");
      after_dot = true;
    } else if (is_atext(c)) {
      after_dot = false;
    } else {
      return invalid(
          "character " + address_text::describe_char(c) +
          " is not allowed in an unquoted local part; quote the local part or remove it");
    }
  }
  if (after_dot)
    return invalid("local part " + quote(local) + " ends with a dot");
  return std::nullopt;
}

// local includes the surrounding quotes; split_at_sign guarantees no unescaped quote inside.
std::optional<Error> check_quoted_string(std::string_view local) {
  const std::string_view content = local.substr(1, local.size() - 2);
  if (content.empty())
    return invalid("quoted local part \"\" is empty");
  for (std::size_t pos = 0; pos < content.size(); ++pos) {
    if (content[pos] != '\\')
      continue;
    const auto next = ++pos < content.size() ? static_cast<unsigned char>(content[pos]) : 0;
    if (next < 0x20 || next > 0x7E) {
      return invalid("backslash in the quoted local part must be followed by printable ASCII");
    }
  }
  return std::nullopt;
}

// Letters, digits, hyphens, and (RFC 6531 U-labels) any validated non-ASCII byte.
constexpr auto kLabelByte = [] {
  std::array<bool, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    table[byte] =
        byte >= 0x80 || byte == '-' || address_text::is_ascii_alnum(static_cast<char>(byte));
  }
  return table;
}();

// label is never empty; bad_char is the offset of its first disallowed byte, or npos.
std::optional<Error> check_label(std::string_view label, std::size_t bad_char) {
  if (label.size() > kMaxLabelOctets) {
    return invalid("domain label " + quote(label) + " is " + std::to_string(label.size()) +
                   " octets; the limit is 63");
  }
  if (label.front() == '-')
    return invalid("domain label " + quote(label) + " starts with a hyphen");
  if (label.back() == '-')
    return invalid("domain label " + quote(label) + " ends with a hyphen");
  if (bad_char != std::string_view::npos) {
    return invalid("character " + address_text::describe_char(label[bad_char]) +
                   " is not allowed in domain label " + quote(label) +
                   " (letters, digits, hyphens)");
  }
  return std::nullopt;
}

std::optional<Error> check_top_level_label(std::string_view domain, std::string_view top) {
  if (!std::all_of(top.begin(), top.end(), address_text::is_ascii_digit))
    return std::nullopt;
  if (is_ipv4_dotted_quad(domain)) {
    return invalid("domain " + quote(domain) +
                   " is an IP address; write it as an address literal [" + std::string(domain) +
                   "]");
  }
  return invalid("top-level domain label " + quote(top) + " is all digits; no such domain exists");
}

// One pass over the labels, lower-casing ASCII letters into the result as it goes.
Result<std::string> normalize_hostname(std::string_view domain) {
  if (domain.front() == '.')
    return invalid("domain " + quote(domain) + " starts with a dot");
  if (domain.back() == '.') {
    return invalid("domain " + quote(domain) + " ends with a dot; remove the trailing dot");
  }
  std::string lowered(domain);
  std::size_t label_start = 0;
  std::size_t bad_char = std::string_view::npos;
  std::string_view label;
  for (std::size_t pos = 0; pos <= domain.size(); ++pos) {
    if (pos == domain.size() || domain[pos] == '.') {
      if (pos == label_start) {
        return invalid("domain " + quote(domain) + " has consecutive dots (an empty label)");
      }
      label = domain.substr(label_start, pos - label_start);
      if (auto error = check_label(label, bad_char))
        return *error;
      label_start = pos + 1;
      bad_char = std::string_view::npos;
      continue;
    }
    const char c = domain[pos];
    if (c >= 'A' && c <= 'Z') {
      lowered[pos] = static_cast<char>(c - 'A' + 'a');
    } else if (!kLabelByte[static_cast<unsigned char>(c)] && bad_char == std::string_view::npos) {
      bad_char = pos - label_start;
    }
  }
  if (label.size() == domain.size()) {
    return invalid(
        "domain " + quote(domain) +
        " has no dot; a bulk MTA never delivers to dotless hosts, use a full domain name");
  }
  if (auto error = check_top_level_label(domain, label))
    return *error;
  return lowered;
}

} // namespace

Result<Mailbox> parse_mailbox(std::string_view text) {
  if (text.empty())
    return invalid("address is empty");
  if (auto error = address_text::check_characters(text))
    return *error;
  if (text.front() == '<' || text.back() == '>') {
    return invalid("remove the angle brackets: give the bare address, e.g. user@example.com");
  }
  auto parts = split_at_sign(text);
  if (!parts)
    return parts.error();
  if (auto error = check_lengths(text, *parts))
    return *error;
  const std::string_view local = parts->local;
  auto local_error = local.front() == '"' ? check_quoted_string(local) : check_dot_string(local);
  if (local_error)
    return *local_error;
  auto domain = parts->domain.front() == '[' ? normalize_address_literal(parts->domain)
                                             : normalize_hostname(parts->domain);
  if (!domain)
    return domain.error();
  return Mailbox{std::string(local), std::move(domain.value())};
}

std::string Mailbox::canonical() const {
  std::string key = address_text::ascii_lower(local_part);
  key += '@';
  key += domain;
  return key;
}

} // namespace volley::protocol
