// Typed reads from one table of the rate policy file (see policy_table_reader.hpp). Never leaves a
// wrong value in an output and never reports a key whose read already failed.
#include "policy/policy_table_reader.hpp"

#include <algorithm>

#include "policy/config_units.hpp"
#include "policy/config_value_checks.hpp"

namespace volley::policy {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool earlier(SourcePosition a, SourcePosition b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

} // namespace

SourcePosition toml_position(const toml::source_region& region) {
  return SourcePosition{std::max<std::uint32_t>(region.begin.line, 1),
                        std::max<std::uint32_t>(region.begin.column, 1)};
}

PolicyTableReader::PolicyTableReader(const toml::table& table, std::string title,
                                     ConfigDiagnostics& diagnostics, std::string key_prefix)
    : table_(table), title_(std::move(title)), diagnostics_(diagnostics),
      key_prefix_(std::move(key_prefix)), at_(toml_position(table.source())) {}

std::string PolicyTableReader::key_name(std::string_view key) const {
  return title_ + " `" + key_prefix_ + std::string(key) + "`";
}

// [domain.example.com] is read by TOML as a table "com" inside [domain.example]: say how to quote
// the name. title_ is "[domain.example]" or "[domain.\"example\"]".
std::string PolicyTableReader::dotted_name_hint(std::string_view key) const {
  std::size_t dot = title_.find('.');
  if (!title_.starts_with('[') || title_.starts_with("[[") || dot == std::string::npos ||
      !title_.ends_with(']') || !key_prefix_.empty())
    return "";
  std::string_view name = std::string_view(title_).substr(dot + 1, title_.size() - dot - 2);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
    name = name.substr(1, name.size() - 2);
  return "quote names that contain dots, e.g. " + title_.substr(0, dot) + ".\"" +
         std::string(name) + "." + std::string(key) + "\"], or TOML reads them as nested tables";
}

void PolicyTableReader::check_keys(const std::vector<std::string_view>& known,
                                   PlacementHint placement) {
  for (auto&& [key, node] : table_) {
    const std::string name(key.str());
    if (std::find(known.begin(), known.end(), name) != known.end())
      continue;
    std::string hint;
    std::string suggestion = closest_name(name, known);
    if (!suggestion.empty())
      hint = "did you mean `" + suggestion + "`?";
    if (hint.empty() && placement)
      hint = placement(name);
    if (hint.empty() && node.is_table())
      hint = dotted_name_hint(name);
    if (hint.empty())
      hint = "valid keys here: " + join_names(known);
    diagnostics_.add(toml_position(key.source()),
                     "unknown key `" + key_prefix_ + name + "` in " + title_, hint);
    mark_failed(name);
  }
}

bool PolicyTableReader::failed(std::string_view key) const {
  return failed_.count(std::string(key)) > 0;
}

SourcePosition PolicyTableReader::where(std::string_view key) const {
  if (const toml::node* node = get(key))
    return toml_position(node->source());
  return at_;
}

void PolicyTableReader::report_table(std::string_view what, std::string_view hint) {
  table_failed_ = true;
  diagnostics_.add(at_, title_ + " " + std::string(what), hint);
}

void PolicyTableReader::report(std::string_view key, std::string_view what, std::string_view hint) {
  if (!failed_.insert(std::string(key)).second)
    return;
  diagnostics_.add(where(key), what, hint);
}

void PolicyTableReader::report_at(SourcePosition at, std::string_view key, std::string_view what,
                                  std::string_view hint) {
  mark_failed(key);
  diagnostics_.add(at, what, hint);
}

void PolicyTableReader::report_wrong_type(std::string_view key, const toml::node& node,
                                          std::string_view expected, std::string_view hint) {
  report(key,
         key_name(key) + " must be " + std::string(expected) + ", got " +
             std::string(toml_type_name(node)),
         hint);
}

std::optional<std::string> PolicyTableReader::read_string(std::string_view key) {
  const toml::node* node = get(key);
  if (!node || failed(key))
    return std::nullopt;
  if (!node->is_string()) {
    report_wrong_type(key, *node, "a string", "put the value in double quotes");
    return std::nullopt;
  }
  return node->as_string()->get();
}

std::optional<std::uint64_t> PolicyTableReader::read_count(std::string_view key, std::uint64_t min,
                                                           std::uint64_t max,
                                                           std::string_view hint) {
  const toml::node* node = get(key);
  if (!node || failed(key))
    return std::nullopt;
  if (!node->is_integer()) {
    std::string type_hint = "write a whole number without quotes";
    if (node->is_string() && all_digits(node->as_string()->get()))
      type_hint = "remove the quotes: " + std::string(key) + " = " + node->as_string()->get();
    report_wrong_type(key, *node, "an integer", type_hint);
    return std::nullopt;
  }
  std::int64_t number = node->as_integer()->get();
  if (number < 0 || static_cast<std::uint64_t>(number) < min ||
      static_cast<std::uint64_t>(number) > max) {
    report(key, key_name(key) + " = " + std::to_string(number) + " is out of range", hint);
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(number);
}

std::optional<std::int64_t> PolicyTableReader::read_duration_ms(std::string_view key,
                                                                std::int64_t min_ms,
                                                                std::int64_t max_ms, bool allow_ms,
                                                                std::string_view hint) {
  const toml::node* node = get(key);
  if (!node || failed(key))
    return std::nullopt;
  if (!node->is_string()) {
    report_wrong_type(key, *node, "a duration string",
                      std::string("write the number with its unit in quotes, e.g. ") +
                          (allow_ms ? "\"30s\", \"5m\", \"500ms\"" : "\"15m\", \"1h\", \"3d\"") +
                          " (a bare number would be ambiguous)");
    return std::nullopt;
  }
  const std::string& text = node->as_string()->get();
  auto parsed = allow_ms ? parse_duration_ms_text(text) : [&]() -> Result<std::int64_t> {
    auto seconds = parse_duration_text(text);
    if (!seconds)
      return seconds.error();
    return *seconds * 1000;
  }();
  if (!parsed) {
    report(key, key_name(key) + ": " + parsed.error().message, "");
    return std::nullopt;
  }
  if (*parsed < min_ms || *parsed > max_ms) {
    report(key, key_name(key) + " = " + describe_duration(*parsed, 1) + " is out of range", hint);
    return std::nullopt;
  }
  return *parsed;
}

std::optional<double> PolicyTableReader::read_number(std::string_view key, std::string_view hint) {
  const toml::node* node = get(key);
  if (!node || failed(key))
    return std::nullopt;
  if (node->is_floating_point())
    return node->as_floating_point()->get();
  if (node->is_integer())
    return static_cast<double>(node->as_integer()->get());
  report_wrong_type(key, *node, "a number", hint);
  return std::nullopt;
}

std::optional<std::vector<ConfigListItem>>
PolicyTableReader::read_string_list(std::string_view key, std::string_view element_hint) {
  const toml::node* node = get(key);
  if (!node || failed(key))
    return std::nullopt;
  const toml::array* array = node->as_array();
  if (!array) {
    report_wrong_type(key, *node, "an array",
                      "write the values in brackets, e.g. " + std::string(key) +
                          " = [\"a\", \"b\"]");
    return std::nullopt;
  }
  std::vector<ConfigListItem> items;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    SourcePosition at = toml_position(element.source());
    if (!element.is_string()) {
      report_at(at, key,
                key_name(key) + " entry " + std::to_string(i + 1) + " must be a string, got " +
                    std::string(toml_type_name(element)),
                element_hint);
      continue;
    }
    items.push_back(ConfigListItem{element.as_string()->get(), at});
  }
  if (failed(key))
    return std::nullopt;
  return items;
}

std::string table_title(std::string_view section, std::string_view name) {
  bool bare = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
  std::string shown = bare ? std::string(name) : "\"" + std::string(name) + "\"";
  return "[" + std::string(section) + "." + shown + "]";
}

std::string policy_name_problem(std::string_view name) {
  if (name.empty())
    return "is empty";
  if (name.size() > 64)
    return "is " + std::to_string(name.size()) + " characters long (at most 64)";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) {
      return c == ' ' ? "contains a space"
                      : (static_cast<unsigned char>(c) < 0x80 && c > ' '
                             ? "contains '" + std::string(1, c) + "'"
                             : "contains a character other than letters, digits, '-' and '_'");
    }
  }
  return "";
}

std::vector<NamedTable> named_tables(const toml::table& section, std::string_view section_name,
                                     std::string_view hint, ConfigDiagnostics& diagnostics) {
  std::vector<NamedTable> tables;
  for (auto&& [key, node] : section) {
    SourcePosition at = toml_position(key.source());
    if (const toml::table* table = node.as_table()) {
      tables.push_back(NamedTable{std::string(key.str()), table, at});
      continue;
    }
    diagnostics.add(at,
                    "[" + std::string(section_name) + "] entry `" + std::string(key.str()) +
                        "` must be a table, got " + std::string(toml_type_name(node)),
                    hint);
  }
  // toml++ iterates keys in name order; the policy's entries keep the order of the file.
  std::stable_sort(tables.begin(), tables.end(),
                   [](const NamedTable& a, const NamedTable& b) { return earlier(a.at, b.at); });
  return tables;
}

} // namespace volley::policy
