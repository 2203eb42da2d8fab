// Reads a table whose keys are domain patterns ("*", "example.com", ".example.com") and whose
// values are strings: [routes] and [delivery.tls_domains]. Patterns are lower-cased and checked,
// duplicates reported. Never interprets the values; the caller checks them at value_at.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/config_table_reader.hpp"

namespace volley::policy {

struct PatternEntry {
  std::string pattern; // lower-cased
  std::string value;
  SourcePosition value_at;
};

// section/key as for ConfigTableReader::read_string_map. Entries with a bad or repeated pattern are
// reported and left out; the others are returned in file order.
std::vector<PatternEntry> read_pattern_table(ConfigTableReader& reader, std::string_view section,
                                             std::string_view key, std::string_view value_hint);

} // namespace volley::policy
