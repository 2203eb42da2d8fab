// Loads the rate policy file (TOML; the model is rate_policy.hpp, an annotated example is
// conf/policy.example.toml): every section, key and value is checked, and all problems are
// reported at once as "file:line:column: what — hint", like volleyd's own configuration. Never
// returns a half-valid policy and never touches anything but the one file it is given.
#pragma once

#include <string>
#include <string_view>

#include "policy/rate_policy.hpp"
#include "protocol/result.hpp"

namespace volley::policy {

// The largest policy file read (1 MiB): far more than any real policy.
inline constexpr std::size_t max_rate_policy_file_size = 1u << 20;

// source_name names the text in messages ("policy.toml:12:5: ...") and becomes policy.source.
// Errors have code invalid_request.
Result<RatePolicy> parse_rate_policy(std::string_view toml_text, std::string_view source_name);

// Reads and parses a file; errors have code not_found when it does not exist.
Result<RatePolicy> load_rate_policy_file(const std::string& path);

// "3 groups, 1 domain, 2 pools, 4 throttle rules": what a policy holds, for check commands.
std::string describe_rate_policy_size(const RatePolicy& policy);

} // namespace volley::policy
