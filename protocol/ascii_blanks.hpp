// Trimming of SP and HTAB ("WSP" of RFC 5234) around header values, SMTP arguments and cookie
// parts. Pure; never trims CR, LF or non-ASCII bytes.
#pragma once

#include <string_view>

namespace volley::protocol {

constexpr bool is_sp_or_htab(char c) {
  return c == ' ' || c == '\t';
}

constexpr std::string_view trim_sp_htab(std::string_view text) {
  while (!text.empty() && is_sp_or_htab(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_sp_or_htab(text.back()))
    text.remove_suffix(1);
  return text;
}

} // namespace volley::protocol
