// parse_dns_tag_list (see dns_tag_list.hpp). Must never read past the given text or keep more than
// kMaxDnsTags tags.
#include "protocol/dns_tag_list.hpp"

namespace volley::protocol {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

} // namespace

std::optional<std::vector<DnsTag>> parse_dns_tag_list(std::string_view text) {
  std::vector<DnsTag> tags;
  while (!text.empty()) {
    std::size_t end = text.find(';');
    std::string_view item = trimmed(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (item.empty()) // "a=1;" (a trailing ';') and ";;" are allowed
      continue;
    std::size_t equals = item.find('=');
    if (equals == std::string_view::npos)
      return std::nullopt;
    std::string_view name = trimmed(item.substr(0, equals));
    if (name.empty() || find_dns_tag(tags, name) || tags.size() == kMaxDnsTags)
      return std::nullopt;
    tags.push_back(DnsTag{std::string(name), std::string(trimmed(item.substr(equals + 1)))});
  }
  return tags;
}

const DnsTag* find_dns_tag(const std::vector<DnsTag>& tags, std::string_view name) {
  for (const DnsTag& tag : tags)
    if (tag.name == name)
      return &tag;
  return nullptr;
}

} // namespace volley::protocol
