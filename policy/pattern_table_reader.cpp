// Domain-pattern tables of the configuration ([routes], [delivery.tls_domains]). Never accepts two
// entries for the same pattern: which one wins would depend on the order of the file.
#include "policy/pattern_table_reader.hpp"

#include <algorithm>

#include "policy/domain_name.hpp"

namespace volley::policy {

std::vector<PatternEntry> read_pattern_table(ConfigTableReader& reader, std::string_view section,
                                             std::string_view key, std::string_view value_hint) {
  std::vector<ConfigMapEntry> raw;
  reader.read_string_map(section, key, raw, value_hint);
  std::vector<PatternEntry> entries;
  std::vector<SourcePosition> key_positions;
  for (const ConfigMapEntry& entry : raw) {
    auto pattern = normalize_domain_pattern(entry.key);
    if (!pattern) {
      reader.report_at(entry.key_at, section, key,
                       map_name(section, key) + " " + pattern.error().message, "");
      continue;
    }
    auto same = std::find_if(entries.begin(), entries.end(),
                             [&](const PatternEntry& e) { return e.pattern == *pattern; });
    if (same != entries.end()) {
      SourcePosition first = key_positions[static_cast<std::size_t>(same - entries.begin())];
      reader.report_at(entry.key_at, section, key,
                       map_name(section, key) + " pattern \"" + entry.key + "\" repeats \"" +
                           *pattern + "\" of line " + std::to_string(first.line),
                       "patterns are case-insensitive: keep one entry");
      continue;
    }
    entries.push_back(PatternEntry{*pattern, entry.value, entry.value_at});
    key_positions.push_back(entry.key_at);
  }
  return entries;
}

} // namespace volley::policy
