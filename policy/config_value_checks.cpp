// Shared range and relation checks for configuration values. Never reports a key that already has
// an error and never reports one relation twice.
#include "policy/config_value_checks.hpp"

#include <limits>

#include "policy/config_units.hpp"

namespace volley::policy {

void check_count_range(ConfigTableReader& reader, std::string_view section, std::string_view key,
                       std::uint64_t value, std::uint64_t min, std::uint64_t max,
                       std::string_view hint) {
  if ((value >= min && value <= max) || reader.failed(section, key))
    return;
  reader.report(section, key,
                key_name(section, key) + " = " + std::to_string(value) + " is out of range", hint);
}

std::string describe_duration(std::int64_t value, std::int64_t unit_ms) {
  if (value > std::numeric_limits<std::int64_t>::max() / unit_ms)
    return std::to_string(value) + (unit_ms == 1000 ? "s" : "ms");
  return describe_duration_ms(value * unit_ms);
}

void check_duration_range(ConfigTableReader& reader, std::string_view section, std::string_view key,
                          std::int64_t value, std::int64_t min, std::int64_t max,
                          std::int64_t unit_ms, std::string_view hint) {
  if ((value >= min && value <= max) || reader.failed(section, key))
    return;
  reader.report(section, key,
                key_name(section, key) + " = " + describe_duration(value, unit_ms) +
                    " is out of range",
                hint);
}

void check_not_larger(ConfigTableReader& reader, bool larger, const KeyValue& a, const KeyValue& b,
                      std::string_view why) {
  if (!larger || reader.failed(a.section, a.key) || reader.failed(b.section, b.key))
    return;
  bool at_a = reader.present(a.section, a.key) || !reader.present(b.section, b.key);
  std::string what = key_name(a.section, a.key) + " (" + a.text + ") is larger than " +
                     key_name(b.section, b.key) + " (" + b.text + ")";
  if (at_a)
    return reader.report(a.section, a.key, what, why);
  reader.report(b.section, b.key, what, why);
}

} // namespace volley::policy
