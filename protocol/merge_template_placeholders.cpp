// find_placeholder / is_field_name (see merge_template_placeholders.hpp).
// Must never: read past text, or accept a name outside [A-Za-z0-9_.-]{1,64}.
#include "protocol/merge_template_placeholders.hpp"

namespace volley::protocol::merge {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

std::size_t skip_blanks(std::string_view text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
    ++pos;
  return pos;
}

// The placeholder whose "{{" is at open, if the rest of it is well formed.
std::optional<PlaceholderMatch> placeholder_at(std::string_view text, std::size_t open) {
  const std::size_t name_begin = skip_blanks(text, open + 2);
  std::size_t name_end = name_begin;
  while (name_end < text.size() && name_end - name_begin <= kMaxFieldName &&
         is_name_char(text[name_end]))
    ++name_end;
  const std::size_t length = name_end - name_begin;
  if (length == 0 || length > kMaxFieldName)
    return std::nullopt;
  const std::size_t close = skip_blanks(text, name_end);
  if (close + 2 > text.size() || text[close] != '}' || text[close + 1] != '}')
    return std::nullopt;
  return PlaceholderMatch{open, close + 2, text.substr(name_begin, length)};
}

} // namespace

std::optional<PlaceholderMatch> find_placeholder(std::string_view text, std::size_t from) {
  while (from + 4 < text.size()) {
    const std::size_t open = text.find("{{", from);
    if (open == std::string_view::npos)
      return std::nullopt;
    if (std::optional<PlaceholderMatch> match = placeholder_at(text, open))
      return match;
    from = open + 1;
  }
  return std::nullopt;
}

bool is_field_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFieldName)
    return false;
  for (const char c : name)
    if (!is_name_char(c))
      return false;
  return true;
}

} // namespace volley::protocol::merge
