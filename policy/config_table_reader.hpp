// ConfigTableReader: typed reads of a parsed TOML document ([section] key = value, arrays, tables
// of user-chosen names) against a schema of known sections and keys, reporting every problem with
// its file:line:column. Never throws and never changes an output value unless the TOML value is
// present and valid.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config_diagnostics.hpp"
#include "protocol/result.hpp"

namespace volley::policy {

struct SectionSchema {
  std::string_view name;
  std::vector<std::string_view> keys;
  bool any_keys = false; // a map such as [routes]: every key is a name chosen by the user
};

// One string of an array, with where it is.
struct ConfigListItem {
  std::string text;
  SourcePosition at;
};

// One `"name" = "value"` entry of a table of user-chosen names ([routes], [delivery.tls_domains]).
struct ConfigMapEntry {
  std::string key;
  std::string value;
  SourcePosition key_at;
  SourcePosition value_at;
};

// "table", "array", "string", "integer", "floating-point number", ... for error messages.
std::string_view toml_type_name(const toml::node& node);

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
  // A duration string ("30s", "500ms") in milliseconds.
  void read_duration_ms(std::string_view section, std::string_view key, std::int64_t& out);
  // An array of strings; element_hint says how to write one. out is replaced only when every
  // element is a string.
  void read_string_list(std::string_view section, std::string_view key,
                        std::vector<ConfigListItem>& out, std::string_view element_hint);
  // A table of string values: the section itself when key is "", else the sub-table section.key.
  // Entries that are not strings are reported and left out; the others are appended to out in
  // file order.
  void read_string_map(std::string_view section, std::string_view key,
                       std::vector<ConfigMapEntry>& out, std::string_view value_hint);

  // True when the key is in the file (whether or not it was valid).
  bool present(std::string_view section, std::string_view key) const;
  // True when reading the key reported an error (callers skip checks that depend on it).
  bool failed(std::string_view section, std::string_view key) const;
  // Where the value is; the section header when the key is absent; 1:1 when both are.
  SourcePosition where(std::string_view section, std::string_view key) const;
  // Reports an error at where(section, key) and marks the key failed.
  void report(std::string_view section, std::string_view key, std::string_view what,
              std::string_view hint);
  // Reports an error at a position inside the key's value (an array element, a map entry) and
  // marks the key failed; several such errors may be reported for one key.
  void report_at(SourcePosition at, std::string_view section, std::string_view key,
                 std::string_view what, std::string_view hint);

private:
  const toml::table* section_table(std::string_view section) const;
  const toml::node* value(std::string_view section, std::string_view key) const;
  void check_section_keys(const SectionSchema& section, const toml::table& table);
  std::string placement_hint(std::string_view key, std::string_view section_to_skip) const;
  void report_wrong_type(std::string_view section, std::string_view key, const toml::node& node,
                         std::string_view expected, std::string_view hint);
  using DurationParser = Result<std::int64_t> (*)(std::string_view);
  void read_duration_in(std::string_view section, std::string_view key, std::int64_t& out,
                        DurationParser parse, std::string_view examples);

  const toml::table& root_;
  std::vector<SectionSchema> schema_;
  ConfigDiagnostics& diagnostics_;
  std::set<std::string> failed_;
};

// "`spool.max_size`": how messages name a key.
std::string key_name(std::string_view section, std::string_view key);
// "[routes]" or "[delivery.tls_domains]": how messages name a table of user-chosen names.
std::string map_name(std::string_view section, std::string_view key);

} // namespace volley::policy
