// Tag lists of DNS policy records ("v=DKIM1; k=rsa; p=MIIB...", "v=DMARC1; p=reject; adkim=s"):
// RFC 6376 §3.2 tag=value pairs separated by ';', whitespace around names and values ignored.
// Pure; bounded (at most kMaxDnsTags tags). Never accepts a tag without '=' or a repeated tag.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol {

inline constexpr std::size_t kMaxDnsTags = 64;

struct DnsTag {
  std::string name;  // as written (tag names are case-sensitive in DKIM, compared lower in DMARC)
  std::string value; // trimmed; inner whitespace kept (callers strip it from base64)
};

// nullopt: an empty tag name, a tag without '=', a repeated tag or more than kMaxDnsTags tags.
std::optional<std::vector<DnsTag>> parse_dns_tag_list(std::string_view text);

// The value of `name` (exact match), or nullptr.
const DnsTag* find_dns_tag(const std::vector<DnsTag>& tags, std::string_view name);

} // namespace volley::protocol
