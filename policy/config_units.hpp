// Size ("64MiB", "500KB", "1024") and duration ("72h", "1h30m", "500ms") values of configuration
// files. Pure text -> number; errors read "what is wrong — hint" (the caller prefixes
// file:line:column and the key). Never guesses an ambiguous unit such as "64k": it is rejected with
// both readings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::policy {

// Bytes. Units: B, KB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024); a bare
// number is bytes. Spaces between number and unit are allowed. No fractions, no signs, no overflow.
Result<std::uint64_t> parse_size_text(std::string_view text);

// Seconds. One or more <digits><unit> parts with units d, h, m, s in that order, each at most once:
// "72h", "30m", "45s", "3d", "1h30m". No signs, no spaces, no bare numbers, no overflow. A part in
// ms is accepted only when it is a whole number of seconds ("2000ms", not "1500ms").
Result<std::int64_t> parse_duration_text(std::string_view text);

// Milliseconds. The same syntax plus the unit ms after s: "500ms", "30s", "5m", "1s500ms".
Result<std::int64_t> parse_duration_ms_text(std::string_view text);

// "64MiB" for 64 << 20 when exact, else "<n> bytes"; used in error messages.
std::string describe_size(std::uint64_t bytes);

// "1h" for 3600000, "90s" for 90000, "500ms": the largest exact unit; used in error messages.
std::string describe_duration_ms(std::int64_t ms);

} // namespace volley::policy
