// Small text formatters for volleyctl's human output: counts with thousands separators, humanised
// durations, rates and ages, RFC 3339 timestamps shortened for tables, and ANSI colour that is
// applied only when the caller says the terminal wants it. Pure: never reads the environment or
// the clock (callers pass "now"), never writes to a stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volley::tools {

// How human output may look: colour (stdout is a terminal and NO_COLOR is unset) and the width
// to fit long cells into (0 = no limit, e.g. when stdout is a pipe and COLUMNS is unset).
struct TerminalStyle {
  bool color = false;
  std::size_t width = 0;
};

enum class TextColor { none, green, yellow, red, cyan, dim, bold };

// "1,234,567".
std::string format_count(std::uint64_t n);
// "0s", "45s", "3m 20s", "2h 05m", "3d 04h" (whole seconds; negative counts as 0).
std::string format_duration(double seconds);
// "1,234/s" from 100/s up, "12.5/s" below, "0/s" for nothing.
std::string format_rate(double per_second);
// "80%" (rounded down, so 99.9 % never shows as done); "100%" only when part >= whole.
std::string format_percent(std::uint64_t part, std::uint64_t whole);
// "2026-11-23T10:00:00.123Z" -> "2026-11-23 10:00:00"; text that is not RFC 3339 is returned as is.
std::string format_timestamp(std::string_view rfc3339);
// Milliseconds since 1970 for "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)", or nullopt.
std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text);
// "5m ago", "just now", "in 2h 05m" for a time relative to now.
std::string format_age(std::int64_t then_ms, std::int64_t now_ms);

// text wrapped in the colour's SGR sequence when enabled, else text unchanged.
std::string paint(std::string_view text, TextColor color, bool enabled);
// active green, paused yellow, cancelled red; anything else plain.
TextColor campaign_state_color(std::string_view state);

} // namespace volley::tools
