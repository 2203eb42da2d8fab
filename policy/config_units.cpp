// Size and duration parsing for configuration values. Pure; every error says what is wrong with the
// text and how to write it instead. Never accepts a value it would have to round or guess.
#include "policy/config_units.hpp"

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

Error unit_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
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
    if (equal_ignoring_case(unit, known.name)) {
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
  if (text.empty())
    return unit_error("empty duration — " + std::string(duration_hint));
  if (text.front() == '-') {
    return unit_error("negative duration " + quoted(text) + " — durations are 0 or more seconds");
  }
  static constexpr std::string_view units = "dhms";
  static constexpr std::array<std::int64_t, 4> unit_seconds{86400, 3600, 60, 1};
  std::int64_t total = 0;
  std::size_t next_unit = 0; // index into units: parts must come largest first
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::uint64_t number = 0;
    std::size_t digits = read_digits(text.substr(pos), number);
    if (digits == std::string::npos)
      return unit_error("duration " + quoted(text) + " is too long");
    if (digits == 0) {
      return unit_error(quoted(text) + " is not a duration — " + std::string(duration_hint));
    }
    pos += digits;
    if (pos == text.size()) {
      return unit_error("duration " + quoted(text) + " has no unit — " +
                        std::string(duration_hint));
    }
    char unit = text[pos++];
    if (unit == '.' || unit == ',') {
      return unit_error("fractional duration " + quoted(text) +
                        " — combine whole units instead, e.g. \"1h30m\" for 1.5h");
    }
    std::size_t index = units.find(unit);
    if (index == std::string_view::npos) {
      return unit_error("unknown duration unit `" + std::string(1, unit) + "` in " + quoted(text) +
                        " — " + std::string(duration_hint));
    }
    if (index < next_unit) {
      return unit_error("duration " + quoted(text) +
                        " repeats a unit or puts a smaller unit first — use each of d, h, m, s "
                        "at most once, largest first, e.g. \"1d12h\"");
    }
    next_unit = index + 1;
    auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() - total);
    if (number > limit / static_cast<std::uint64_t>(unit_seconds[index])) {
      return unit_error("duration " + quoted(text) + " is too long");
    }
    total += static_cast<std::int64_t>(number) * unit_seconds[index];
  }
  return total;
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

} // namespace volley::policy
