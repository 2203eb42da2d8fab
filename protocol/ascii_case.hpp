// ASCII-only case folding for protocol keywords, header names, domains and tokens (SMTP verbs,
// "Content-Type", VERP prefixes). Never locale-dependent and never touches non-ASCII bytes.
#pragma once

#include <string_view>

namespace volley::protocol {

constexpr char ascii_lower_char(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool ascii_equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower_char(a[i]) != ascii_lower_char(b[i]))
      return false;
  return true;
}

} // namespace volley::protocol
