// Finding {{name}} merge-field placeholders in text. name is 1..64 of [A-Za-z0-9_.-]; blanks
// (SP, HT) are allowed between the braces and the name ("{{ first_name }}"), as template authors
// coming from Mustache/Handlebars write them. Anything else that starts with "{{" is plain text:
// there is no escape syntax and no error for it. Pure, allocation-free.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace volley::protocol::merge {

inline constexpr std::size_t kMaxFieldName = 64;

struct PlaceholderMatch {
  std::size_t begin = 0; // offset of the first '{'
  std::size_t end = 0;   // offset after the last '}'
  std::string_view name;
};

// The first placeholder that starts at or after from and ends at or before text.size().
std::optional<PlaceholderMatch> find_placeholder(std::string_view text, std::size_t from);

// True for a valid field name (as it appears between the braces, without blanks).
bool is_field_name(std::string_view name);

} // namespace volley::protocol::merge
