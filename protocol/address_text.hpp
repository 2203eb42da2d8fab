// Character-level helpers for address parsing: the whole-address character scan (UTF-8 validity,
// control and invisible characters, surrounding whitespace) and error-message quoting.
// Never allocates on the success path of check_characters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol::address_text {

// invalid_address Error for invalid UTF-8, C0/C1 controls, DEL, invisible or non-ASCII space
// characters anywhere (quoted or not), and leading/trailing whitespace; nullopt if none.
std::optional<Error> check_characters(std::string_view address);

// text in double quotes for an error message, cut to 64 bytes on a UTF-8 boundary ("..." marks a
// cut).
std::string quote(std::string_view text);
// 'c' for printable ASCII, else 0xNN.
std::string describe_char(char c);
std::string ascii_lower(std::string_view text);

constexpr bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_ascii_alnum(char c) {
  return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

} // namespace volley::protocol::address_text
