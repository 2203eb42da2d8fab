// Size ("64MiB", "500KB", "1024") and duration ("72h", "1h30m") values of configuration files.
// Pure text -> number; errors read "what is wrong — hint" (the caller prefixes file:line:column and
// the key). Never guesses an ambiguous unit such as "64k": it is rejected with both readings.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::policy {

// Bytes. Units: B, KB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024); a bare
// number is bytes. Spaces between number and unit are allowed. No fractions, no signs, no overflow.
Result<std::uint64_t> parse_size_text(std::string_view text);

// Seconds. One or more <digits><unit> parts with units d, h, m, s in that order, each at most once:
// "72h", "30m", "45s", "3d", "1h30m". No signs, no spaces, no bare numbers, no overflow.
Result<std::int64_t> parse_duration_text(std::string_view text);

// "64MiB" for 64 << 20 when exact, else "<n> bytes"; used in error messages.
std::string describe_size(std::uint64_t bytes);

} // namespace volley::policy
