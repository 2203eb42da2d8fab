// ConfigTableReader: typed reads of a parsed TOML document ([section] key = value) against a schema
// of known sections and keys, reporting every problem with its file:line:column. Never throws and
// never changes an output value unless the TOML value is present and valid.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config_diagnostics.hpp"

namespace volley::policy {

struct SectionSchema {
  std::string_view name;
  std::vector<std::string_view> keys;
};

class ConfigTableReader {
public:
  ConfigTableReader(const toml::table& root, std::vector<SectionSchema> schema,
                    ConfigDiagnostics& diagnostics);

  // Reports unknown sections, unknown keys (with "did you mean"), and sections that are not tables.
  void check_names();

  void read_string(std::string_view section, std::string_view key, std::string& out);
  void read_bool(std::string_view section, std::string_view key, bool& out);
  // A non-negative integer.
  void read_count(std::string_view section, std::string_view key, std::uint64_t& out);
  // Integer bytes or a size string ("64MiB").
  void read_size(std::string_view section, std::string_view key, std::uint64_t& out);
  // A duration string ("72h") in seconds.
  void read_duration(std::string_view section, std::string_view key, std::int64_t& out);

  // True when the key is in the file (whether or not it was valid).
  bool present(std::string_view section, std::string_view key) const;
  // True when reading the key reported an error (callers skip checks that depend on it).
  bool failed(std::string_view section, std::string_view key) const;
  // Where the value is; the section header when the key is absent; 1:1 when both are.
  SourcePosition where(std::string_view section, std::string_view key) const;
  // Reports an error at where(section, key) and marks the key failed.
  void report(std::string_view section, std::string_view key, std::string_view what,
              std::string_view hint);

private:
  const toml::table* section_table(std::string_view section) const;
  const toml::node* value(std::string_view section, std::string_view key) const;
  void check_section_keys(const SectionSchema& section, const toml::table& table);
  std::string placement_hint(std::string_view key, std::string_view section_to_skip) const;
  void report_wrong_type(std::string_view section, std::string_view key, const toml::node& node,
                         std::string_view expected, std::string_view hint);

  const toml::table& root_;
  std::vector<SectionSchema> schema_;
  ConfigDiagnostics& diagnostics_;
  std::set<std::string> failed_;
};

// "`spool.max_size`": how messages name a key.
std::string key_name(std::string_view section, std::string_view key);

} // namespace volley::policy
