// Percent-encoding for control API request targets. Encodes conservatively (everything but the
// unreserved set) so an address or id can never change the meaning of a path or query.
#include "tools/url_encoding.hpp"

namespace volley::tools {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

} // namespace

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  if (text == "." || text == "..")
    return text.size() == 1 ? "%2E" : "%2E%2E"; // not dot-segments
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0F];
    }
  }
  return out;
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string out;
  for (const auto& [name, value] : parameters) {
    if (value.empty())
      continue;
    out += out.empty() ? "?" : "&";
    out += percent_encode(name) + "=" + percent_encode(value);
  }
  return out;
}

} // namespace volley::tools
