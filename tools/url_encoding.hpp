// Percent-encoding of request-target path segments and query parameters (RFC 3986) for the control
// API client: "a+b@example.com" -> "a%2Bb%40example.com". Pure; never leaves a reserved byte raw.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace volley::tools {

// Keeps only unreserved characters (A-Z a-z 0-9 - . _ ~); every other byte becomes %XX (upper
// case).
std::string percent_encode(std::string_view text);

// "?a=1&b=x%40y" for the non-empty values; "" when there are none.
std::string query_string(const std::vector<std::pair<std::string, std::string>>& parameters);

} // namespace volley::tools
