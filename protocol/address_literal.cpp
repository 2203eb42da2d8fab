// Address-literal validation (RFC 5321 4.1.3): IPv4 dotted quads and the IPv6 forms full,
// compressed and IPv4-embedded, with the RFC's group-count limits. Never accepts a literal it
// cannot deliver to.
#include "protocol/address_literal.hpp"

#include <algorithm>
#include <cctype>

namespace volley::protocol {

namespace {

Error literal_error(std::string_view literal, std::string_view why) {
  return make_error(error_code::invalid_address,
                    "address literal " + std::string(literal) + " " + std::string(why));
}

bool is_hex_digit(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool is_ipv6_hex_group(std::string_view group) {
  return !group.empty() && group.size() <= 4 &&
         std::all_of(group.begin(), group.end(), is_hex_digit);
}

bool starts_with_ipv6_tag(std::string_view inner) {
  constexpr std::string_view tag = "ipv6:";
  if (inner.size() < tag.size())
    return false;
  for (std::size_t i = 0; i < tag.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(inner[i])) != tag[i])
      return false;
  }
  return true;
}

// Counts 16-bit groups (an embedded IPv4 address counts as two) and "::" uses. Returns "" when the
// text is a well-formed IPv6 address per RFC 5321 IPv6-addr, else why it is not.
std::string_view ipv6_problem(std::string_view text) {
  std::size_t groups = 0;
  bool compressed = false;
  std::size_t pos = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    pos = 2;
  } else if (!text.empty() && text[0] == ':') {
    return "starts with a single ':'";
  }
  while (pos < text.size()) {
    std::size_t end = std::min(text.find(':', pos), text.size());
    std::string_view group = text.substr(pos, end - pos);
    if (group.find('.') != std::string_view::npos) {
      if (end != text.size() || !is_ipv4_dotted_quad(group))
        return "has a malformed IPv4 part";
      groups += 2;
      break;
    }
    if (!is_ipv6_hex_group(group))
      return "has a group that is not 1 to 4 hex digits";
    ++groups;
    pos = end;
    if (pos == text.size())
      break;
    if (text.substr(pos, 2) == "::") {
      if (compressed)
        return "uses '::' more than once";
      compressed = true;
      pos += 2;
    } else if (++pos == text.size()) {
      return "ends with a single ':'";
    }
  }
  if (compressed && groups > 6)
    return "has too many groups around '::' (at most 6, RFC 5321 4.1.3)";
  if (!compressed && groups != 8)
    return "needs 8 groups, or '::' for the zero groups";
  return "";
}

} // namespace

bool is_ipv4_dotted_quad(std::string_view text) {
  int parts = 0;
  std::size_t pos = 0;
  while (parts < 4) {
    std::size_t digits = 0;
    int value = 0;
    while (pos < text.size() && digits < 4 && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      value = value * 10 + (text[pos++] - '0');
      ++digits;
    }
    if (digits == 0 || digits > 3 || value > 255)
      return false;
    if (++parts < 4) {
      if (pos >= text.size() || text[pos] != '.')
        return false;
      ++pos;
    }
  }
  return pos == text.size();
}

Result<std::string> normalize_address_literal(std::string_view literal) {
  const std::size_t close = literal.find(']');
  if (close == std::string_view::npos)
    return literal_error(literal, "is missing its closing ']'");
  if (close + 1 != literal.size())
    return literal_error(literal, "has characters after ']'");
  const std::string_view inner = literal.substr(1, close - 1);
  if (inner.empty())
    return literal_error(literal, "is empty");
  if (starts_with_ipv6_tag(inner)) {
    const std::string_view address = inner.substr(5);
    if (std::string_view why = ipv6_problem(address); !why.empty()) {
      return literal_error(literal, "is not a valid IPv6 address: it " + std::string(why));
    }
    std::string normalized = "[IPv6:";
    for (char c : address)
      normalized += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return normalized + "]";
  }
  if (inner.find(':') != std::string_view::npos) {
    return literal_error(literal, "is not supported; use [IPv4] or [IPv6:...] (RFC 5321 4.1.3)");
  }
  if (!is_ipv4_dotted_quad(inner)) {
    return literal_error(literal,
                         "is not a valid IPv4 address (four numbers 0-255 separated by dots)");
  }
  return std::string(literal);
}

} // namespace volley::protocol
