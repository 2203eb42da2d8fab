// Range and relation checks shared by the section readers of the daemon configuration: each reports
// at the key's file:line:column through ConfigTableReader. Never reports a key that already failed
// to read (no follow-up errors) and never changes a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "policy/config_table_reader.hpp"

namespace volley::policy {

// "`section.key` = N is out of range — hint" unless min <= value <= max.
void check_count_range(ConfigTableReader& reader, std::string_view section, std::string_view key,
                       std::uint64_t value, std::uint64_t min, std::uint64_t max,
                       std::string_view hint);

// value counted in units of unit_ms milliseconds (1: ms, 1000: seconds) as messages show it: "2h".
std::string describe_duration(std::int64_t value, std::int64_t unit_ms);

// "`section.key` = 2h is out of range — hint" unless min <= value <= max (all in unit_ms).
void check_duration_range(ConfigTableReader& reader, std::string_view section, std::string_view key,
                          std::int64_t value, std::int64_t min, std::int64_t max,
                          std::int64_t unit_ms, std::string_view hint);

// One side of a relation between two keys, with its value as it appears in messages ("2h").
struct KeyValue {
  std::string_view section;
  std::string_view key;
  std::string text;
};

// When larger is true: "`a` (x) is larger than `b` (y) — why", reported at whichever of the two
// keys the file sets (a first).
void check_not_larger(ConfigTableReader& reader, bool larger, const KeyValue& a, const KeyValue& b,
                      std::string_view why);

} // namespace volley::policy
