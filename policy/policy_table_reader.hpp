// PolicyTableReader: typed, positioned reads from one table of the rate policy file ([defaults],
// one [group.NAME], one [[throttle]] entry, an inline {limit = ..., burst = ...}) with the table's
// name in every message: "p.toml:4:19: [group.gmail] `max_connections` must be an integer, got
// string — remove the quotes: max_connections = 10". Never throws, never reports one key twice,
// and returns a value only when it is present and valid.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config_diagnostics.hpp"
#include "policy/config_table_reader.hpp"

namespace volley::policy {

SourcePosition toml_position(const toml::source_region& region);

class PolicyTableReader {
public:
  // title names the table in messages ("[group.gmail]"); key_prefix goes before the key names of a
  // nested table ("rate." for rate = {limit = ..., burst = ...}).
  PolicyTableReader(const toml::table& table, std::string title, ConfigDiagnostics& diagnostics,
                    std::string key_prefix = "");

  const toml::table& table() const { return table_; }
  ConfigDiagnostics& diagnostics() { return diagnostics_; }
  const std::string& title() const { return title_; }
  // "[group.gmail] `max_connections`"
  std::string key_name(std::string_view key) const;

  // Reports every key not in known: "did you mean" a known key, else placement(key) when it
  // returns a hint ("`mx` belongs in [group.NAME]"), else the list of known keys.
  using PlacementHint = std::string (*)(std::string_view key);
  void check_keys(const std::vector<std::string_view>& known, PlacementHint placement = nullptr);

  const toml::node* get(std::string_view key) const { return table_.get(key); }
  bool failed(std::string_view key) const;
  bool any_failed() const { return !failed_.empty() || table_failed_; }
  void mark_failed(std::string_view key) { failed_.insert(std::string(key)); }
  // Where the key's value is; the table when the key is absent.
  SourcePosition where(std::string_view key) const;
  SourcePosition table_position() const { return at_; }
  // "<title> <what> — hint" at the table (e.g. "has no `mx`").
  void report_table(std::string_view what, std::string_view hint);
  // An error at where(key); at most one per key.
  void report(std::string_view key, std::string_view what, std::string_view hint);
  // An error inside the key's value (an array entry); several per key are possible.
  void report_at(SourcePosition at, std::string_view key, std::string_view what,
                 std::string_view hint);

  std::optional<std::string> read_string(std::string_view key);
  // An integer from min to max; hint says what to write when it is out of range.
  std::optional<std::uint64_t> read_count(std::string_view key, std::uint64_t min,
                                          std::uint64_t max, std::string_view hint);
  // A duration string from min_ms to max_ms ("30s", "5m", "500ms" when allow_ms).
  std::optional<std::int64_t> read_duration_ms(std::string_view key, std::int64_t min_ms,
                                               std::int64_t max_ms, bool allow_ms,
                                               std::string_view hint);
  // An integer or floating-point number.
  std::optional<double> read_number(std::string_view key, std::string_view hint);
  // An array of strings (each with its position); element_hint says how to write one.
  std::optional<std::vector<ConfigListItem>> read_string_list(std::string_view key,
                                                              std::string_view element_hint);

private:
  std::string dotted_name_hint(std::string_view key) const;
  void report_wrong_type(std::string_view key, const toml::node& node, std::string_view expected,
                         std::string_view hint);

  const toml::table& table_;
  std::string title_;
  ConfigDiagnostics& diagnostics_;
  std::string key_prefix_;
  SourcePosition at_;
  std::set<std::string> failed_;
  bool table_failed_ = false;
};

// One [section.NAME] table.
struct NamedTable {
  std::string name;
  const toml::table* table = nullptr;
  SourcePosition at; // of the name
};

// "[group.gmail]", or "[tenant.\"acme corp\"]" when the name is not a bare TOML key: how
// messages name one table of a section.
std::string table_title(std::string_view section, std::string_view name);

// Group and pool names are 1 to 64 letters, digits, '-' and '_'. Returns "" for a good name, else
// what is wrong with it ("contains '.'").
std::string policy_name_problem(std::string_view name);

// The NAME tables of a section such as [group] in file order. Entries that are not tables are
// reported ("[group] entry `max_connections` must be a table, got integer — <hint>") and left out.
std::vector<NamedTable> named_tables(const toml::table& section, std::string_view section_name,
                                     std::string_view hint, ConfigDiagnostics& diagnostics);

} // namespace volley::policy
