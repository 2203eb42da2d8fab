// Size and duration parsing for configuration values. Pure; every error says what is wrong with the
// text and how to write it instead. Never accepts a value it would have to round or guess.
#include "policy/config_units.hpp"

#include "protocol/ascii_case.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <string>

namespace volley::policy {
namespace {

struct SizeUnit {
  std::string_view name;
  std::uint64_t bytes;
};

constexpr std::array<SizeUnit, 9> size_units{{{"B", 1},
                                              {"KB", 1000},
                                              {"MB", 1000ull * 1000},
                                              {"GB", 1000ull * 1000 * 1000},
                                              {"TB", 1000ull * 1000 * 1000 * 1000},
                                              {"KiB", 1ull << 10},
                                              {"MiB", 1ull << 20},
                                              {"GiB", 1ull << 30},
                                              {"TiB", 1ull << 40}}};

constexpr std::string_view size_units_hint =
    "use B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. \"64MiB\"";
constexpr std::string_view duration_hint =
    "write a number with a unit d, h, m or s, e.g. \"72h\", \"30m\", \"45s\", \"3d\" or \"1h30m\"";
constexpr std::string_view duration_ms_hint = "write a number with a unit d, h, m, s or ms, e.g. "
                                              "\"30s\", \"5m\", \"500ms\" or \"1m30s\"";

Error unit_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

// Reads leading decimal digits into value; returns how many were read, or npos on overflow.
std::size_t read_digits(std::string_view text, std::uint64_t& value) {
  value = 0;
  std::size_t i = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      return std::string::npos;
    value = value * 10 + digit;
  }
  return i;
}

Error unknown_size_unit(std::string_view text, std::string_view number, std::string_view unit) {
  std::string what = "unknown size unit `" + std::string(unit) + "` in " + quoted(text) + " — ";
  for (const SizeUnit& known : size_units) {
    if (protocol::ascii_equal_ignoring_case(unit, known.name)) {
      return unit_error(what + "did you mean " +
                        quoted(std::string(number) + std::string(known.name)) +
                        "? (units are case-sensitive; " + std::string(size_units_hint) + ")");
    }
  }
  static constexpr std::string_view prefixes = "KMGT";
  std::size_t power =
      unit.size() == 1
          ? prefixes.find(static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0]))))
          : std::string_view::npos;
  if (power != std::string_view::npos) {
    std::string prefix(1, prefixes[power]);
    return unit_error(what + "it is ambiguous: write " +
                      quoted(std::string(number) + prefix + "iB") + " (powers of 1024) or " +
                      quoted(std::string(number) + prefix + "B") + " (powers of 1000)");
  }
  return unit_error(what + std::string(size_units_hint));
}

struct DurationUnit {
  std::string_view name;
  std::int64_t ms;
};

// Largest first: the parts of a duration must come in this order.
constexpr std::array<DurationUnit, 5> duration_units{
    {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}}};

// The unit after a number: a run of letters, or the single character there if it is no letter.
std::string_view read_duration_unit(std::string_view rest) {
  std::size_t length = 0;
  while (length < rest.size() && std::isalpha(static_cast<unsigned char>(rest[length])))
    ++length;
  return rest.substr(0, length == 0 ? 1 : length);
}

// Converts one "<number><unit>" part to ticks of tick_ms milliseconds, or explains why it cannot.
Result<std::int64_t> duration_part_ticks(std::string_view text, std::uint64_t number,
                                         const DurationUnit& unit, std::int64_t tick_ms) {
  if (unit.ms < tick_ms) {
    auto per_tick = static_cast<std::uint64_t>(tick_ms / unit.ms);
    if (number % per_tick != 0) {
      return unit_error("duration " + quoted(text) +
                        " is not a whole number of seconds — this setting counts seconds, e.g. "
                        "\"1s\" or \"30s\"");
    }
    return static_cast<std::int64_t>(number / per_tick);
  }
  auto per_unit = static_cast<std::uint64_t>(unit.ms / tick_ms);
  if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / per_unit)
    return unit_error("duration " + quoted(text) + " is too long");
  return static_cast<std::int64_t>(number * per_unit);
}

// One or more "<digits><unit>" parts, largest unit first, summed in ticks of tick_ms milliseconds
// (1000: seconds, 1: milliseconds).
Result<std::int64_t> parse_duration_ticks(std::string_view text, std::int64_t tick_ms,
                                          std::string_view hint) {
  if (text.empty())
    return unit_error("empty duration — " + std::string(hint));
  if (text.front() == '-') {
    return unit_error("negative duration " + quoted(text) + " — durations are 0 or more seconds");
  }
  std::int64_t total = 0;
  std::size_t next_unit = 0; // index into duration_units: parts must come largest first
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::uint64_t number = 0;
    std::size_t digits = read_digits(text.substr(pos), number);
    if (digits == std::string::npos)
      return unit_error("duration " + quoted(text) + " is too long");
    if (digits == 0)
      return unit_error(quoted(text) + " is not a duration — " + std::string(hint));
    pos += digits;
    if (pos == text.size())
      return unit_error("duration " + quoted(text) + " has no unit — " + std::string(hint));
    if (text[pos] == '.' || text[pos] == ',') {
      return unit_error("fractional duration " + quoted(text) +
                        " — combine whole units instead, e.g. \"1h30m\" for 1.5h");
    }
    std::string_view unit = read_duration_unit(text.substr(pos));
    pos += unit.size();
    auto known = std::find_if(duration_units.begin(), duration_units.end(),
                              [unit](const DurationUnit& u) { return u.name == unit; });
    if (known == duration_units.end()) {
      return unit_error("unknown duration unit `" + std::string(unit) + "` in " + quoted(text) +
                        " — " + std::string(hint));
    }
    auto index = static_cast<std::size_t>(known - duration_units.begin());
    if (index < next_unit) {
      return unit_error("duration " + quoted(text) +
                        " repeats a unit or puts a smaller unit first — use each unit at most "
                        "once, largest first, e.g. \"1d12h\"");
    }
    next_unit = index + 1;
    auto ticks = duration_part_ticks(text, number, *known, tick_ms);
    if (!ticks)
      return ticks.error();
    if (*ticks > std::numeric_limits<std::int64_t>::max() - total)
      return unit_error("duration " + quoted(text) + " is too long");
    total += *ticks;
  }
  return total;
}

} // namespace

Result<std::uint64_t> parse_size_text(std::string_view text) {
  if (text.empty())
    return unit_error("empty size — " + std::string(size_units_hint));
  if (text.front() == '-') {
    return unit_error("negative size " + quoted(text) + " — sizes are 0 or more bytes");
  }
  std::uint64_t number = 0;
  std::size_t digits = read_digits(text, number);
  if (digits == std::string::npos) {
    return unit_error("size " + quoted(text) + " is too large — the maximum is 16EiB - 1 byte");
  }
  if (digits == 0)
    return unit_error(quoted(text) + " is not a size — " + std::string(size_units_hint));
  if (digits < text.size() && (text[digits] == '.' || text[digits] == ',')) {
    return unit_error("fractional size " + quoted(text) +
                      " — write a whole number with a smaller unit, e.g. \"1536MiB\" for 1.5GiB");
  }
  std::size_t unit_start = text.find_first_not_of(' ', digits);
  if (unit_start == std::string_view::npos)
    return number;
  std::string_view unit = text.substr(unit_start);
  for (const SizeUnit& known : size_units) {
    if (unit != known.name)
      continue;
    if (number > std::numeric_limits<std::uint64_t>::max() / known.bytes) {
      return unit_error("size " + quoted(text) + " is too large — the maximum is 16EiB - 1 byte");
    }
    return number * known.bytes;
  }
  return unknown_size_unit(text, text.substr(0, digits), unit);
}

Result<std::int64_t> parse_duration_text(std::string_view text) {
  return parse_duration_ticks(text, 1000, duration_hint);
}

Result<std::int64_t> parse_duration_ms_text(std::string_view text) {
  return parse_duration_ticks(text, 1, duration_ms_hint);
}

std::string describe_size(std::uint64_t bytes) {
  static constexpr std::array<SizeUnit, 4> binary{
      {{"TiB", 1ull << 40}, {"GiB", 1ull << 30}, {"MiB", 1ull << 20}, {"KiB", 1ull << 10}}};
  for (const SizeUnit& unit : binary) {
    if (bytes != 0 && bytes % unit.bytes == 0) {
      return std::to_string(bytes / unit.bytes) + std::string(unit.name);
    }
  }
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::string describe_duration_ms(std::int64_t ms) {
  if (ms == 0)
    return "0s";
  for (auto unit = duration_units.begin(); unit != duration_units.end(); ++unit) {
    if (ms != 0 && ms % unit->ms == 0)
      return std::to_string(ms / unit->ms) + std::string(unit->name);
  }
  return std::to_string(ms) + "ms";
}

} // namespace volley::policy
