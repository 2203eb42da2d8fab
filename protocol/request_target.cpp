// HTTP request-target parsing for the control API router (see request_target.hpp).
// Never allocates unbounded memory beyond the target's own size.
#include "protocol/request_target.hpp"

namespace volley::protocol {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

std::optional<std::string> RequestTarget::param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name)
      return value;
  }
  return std::nullopt;
}

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
        return make_error(error_code::invalid_request, "malformed percent-escape at offset " +
                                                           std::to_string(i) + " of the URL");
      }
      char decoded = static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      if (decoded == '\0') {
        return make_error(error_code::invalid_request, "the URL contains an encoded NUL byte");
      }
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<RequestTarget> parse_request_target(std::string_view target) {
  RequestTarget result;
  std::string_view path = target;
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  if (path.empty() || path.front() != '/') {
    return make_error(error_code::invalid_request, "request target must start with '/'");
  }
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos)
      end = path.size();
    std::string_view raw = path.substr(start, end - start);
    if (!raw.empty()) {
      auto decoded = percent_decode(raw, false);
      if (!decoded)
        return decoded.error();
      result.segments.push_back(std::move(decoded.value()));
    }
    start = end + 1;
  }
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty())
      continue;
    std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key)
      return key.error();
    if (!value)
      return value.error();
    result.query.emplace_back(std::move(key.value()), std::move(value.value()));
  }
  return result;
}

} // namespace volley::protocol
