// Splits an HTTP request target ("/v1/campaigns/c%2D1?after=x&limit=10") into percent-decoded path
// segments and query parameters. Pure; never accepts a decoded NUL or malformed %-escape.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/result.hpp"

namespace volley::protocol {

struct RequestTarget {
  std::vector<std::string> segments; // "/v1/a/b" -> {"v1", "a", "b"}
  std::vector<std::pair<std::string, std::string>> query;

  std::optional<std::string> param(std::string_view name) const;
};

Result<std::string> percent_decode(std::string_view text, bool plus_is_space);
Result<RequestTarget> parse_request_target(std::string_view target);

} // namespace volley::protocol
