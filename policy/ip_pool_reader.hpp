// Reads [pool.NAME] tables of the rate policy file: source IP literals (each in one pool only), the
// per-IP rate and the warm-up schedule {start = "2026-11-01", daily = [500, 1000, ...]}. Never
// checks that the addresses belong to this machine (the engine finds out when it binds).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "policy/config_diagnostics.hpp"
#include "policy/rate_policy.hpp"
#include "protocol/result.hpp"

namespace volley::policy {

// "2026-11-01" → days since 1970-01-01 (UTC). Errors read "what — hint".
Result<std::int64_t> parse_calendar_day(std::string_view text);

// Appends every pool in file order, also those with errors (so that references to them are not
// reported twice); the caller discards the policy when diagnostics is not empty.
void read_pool_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                       std::vector<IpPool>& out);

} // namespace volley::policy
