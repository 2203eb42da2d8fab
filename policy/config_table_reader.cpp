// Typed, schema-checked reads from a toml++ document with positioned errors and typo suggestions.
// Never reports the same value twice and never leaves a wrong value in the output.
#include "policy/config_table_reader.hpp"

#include <algorithm>

#include "policy/config_units.hpp"

namespace volley::policy {
namespace {

SourcePosition position_of(const toml::source_region& region) {
  return SourcePosition{std::max<std::uint32_t>(region.begin.line, 1),
                        std::max<std::uint32_t>(region.begin.column, 1)};
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string section_list(const std::vector<SectionSchema>& schema) {
  std::string out;
  for (const SectionSchema& section : schema) {
    if (!out.empty())
      out += ", ";
    out += "[" + std::string(section.name) + "]";
  }
  return out;
}

} // namespace

std::string_view toml_type_name(const toml::node& node) {
  switch (node.type()) {
  case toml::node_type::table:
    return "table";
  case toml::node_type::array:
    return "array";
  case toml::node_type::string:
    return "string";
  case toml::node_type::integer:
    return "integer";
  case toml::node_type::floating_point:
    return "floating-point number";
  case toml::node_type::boolean:
    return "boolean";
  case toml::node_type::date:
    return "date";
  case toml::node_type::time:
    return "time";
  case toml::node_type::date_time:
    return "date-time";
  default:
    return "nothing";
  }
}

std::string key_name(std::string_view section, std::string_view key) {
  return "`" + std::string(section) + "." + std::string(key) + "`";
}

std::string map_name(std::string_view section, std::string_view key) {
  return "[" + std::string(section) + (key.empty() ? "" : ".") + std::string(key) + "]";
}

ConfigTableReader::ConfigTableReader(const toml::table& root, std::vector<SectionSchema> schema,
                                     ConfigDiagnostics& diagnostics)
    : root_(root), schema_(std::move(schema)), diagnostics_(diagnostics) {}

void ConfigTableReader::check_names() {
  std::vector<std::string_view> section_names;
  for (const SectionSchema& section : schema_)
    section_names.push_back(section.name);
  for (auto&& [key, node] : root_) {
    const std::string name(key.str());
    auto known = std::find_if(schema_.begin(), schema_.end(),
                              [&](const SectionSchema& s) { return s.name == name; });
    SourcePosition at = position_of(key.source());
    if (known == schema_.end() && node.is_table()) {
      std::string suggestion = closest_name(name, section_names);
      diagnostics_.add(at, "unknown section [" + name + "]",
                       suggestion.empty() ? "valid sections: " + section_list(schema_)
                                          : "did you mean [" + suggestion + "]?");
    } else if (known == schema_.end()) {
      std::string hint = placement_hint(name, "");
      diagnostics_.add(at, "unknown key `" + name + "` outside any section",
                       hint.empty() ? "settings belong in a section: " + section_list(schema_)
                                    : hint);
    } else if (!node.is_table()) {
      diagnostics_.add(position_of(node.source()),
                       "`" + name + "` must be a section, got " + std::string(toml_type_name(node)),
                       "write [" + name + "] on its own line, followed by its keys");
    } else if (!known->any_keys) {
      check_section_keys(*known, *node.as_table());
    }
  }
}

void ConfigTableReader::check_section_keys(const SectionSchema& section, const toml::table& table) {
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    if (std::find(section.keys.begin(), section.keys.end(), name) != section.keys.end())
      continue;
    std::string hint;
    std::string suggestion = closest_name(name, section.keys);
    if (!suggestion.empty())
      hint = "did you mean `" + suggestion + "`?";
    if (hint.empty())
      hint = placement_hint(name, section.name);
    if (hint.empty()) {
      hint = "valid keys in [" + std::string(section.name) + "]: " + join_names(section.keys);
    }
    diagnostics_.add(position_of(key.source()),
                     "unknown key `" + name + "` in [" + std::string(section.name) + "]", hint);
  }
}

std::string ConfigTableReader::placement_hint(std::string_view key,
                                              std::string_view section_to_skip) const {
  for (const SectionSchema& section : schema_) {
    if (section.name == section_to_skip)
      continue;
    if (std::find(section.keys.begin(), section.keys.end(), key) != section.keys.end()) {
      return "`" + std::string(key) + "` belongs in [" + std::string(section.name) + "]";
    }
  }
  return "";
}

const toml::table* ConfigTableReader::section_table(std::string_view section) const {
  const toml::node* node = root_.get(section);
  return node ? node->as_table() : nullptr;
}

const toml::node* ConfigTableReader::value(std::string_view section, std::string_view key) const {
  const toml::table* table = section_table(section);
  return table ? table->get(key) : nullptr;
}

bool ConfigTableReader::present(std::string_view section, std::string_view key) const {
  return value(section, key) != nullptr;
}

bool ConfigTableReader::failed(std::string_view section, std::string_view key) const {
  return failed_.count(std::string(section) + "." + std::string(key)) > 0;
}

SourcePosition ConfigTableReader::where(std::string_view section, std::string_view key) const {
  if (const toml::node* node = value(section, key))
    return position_of(node->source());
  if (const toml::table* table = section_table(section))
    return position_of(table->source());
  return SourcePosition{};
}

void ConfigTableReader::report(std::string_view section, std::string_view key,
                               std::string_view what, std::string_view hint) {
  std::string id = std::string(section) + "." + std::string(key);
  if (!failed_.insert(id).second)
    return;
  diagnostics_.add(where(section, key), what, hint);
}

void ConfigTableReader::report_at(SourcePosition at, std::string_view section, std::string_view key,
                                  std::string_view what, std::string_view hint) {
  failed_.insert(std::string(section) + "." + std::string(key));
  diagnostics_.add(at, what, hint);
}

void ConfigTableReader::report_wrong_type(std::string_view section, std::string_view key,
                                          const toml::node& node, std::string_view expected,
                                          std::string_view hint) {
  report(section, key,
         key_name(section, key) + " must be " + std::string(expected) + ", got " +
             std::string(toml_type_name(node)),
         hint);
}

void ConfigTableReader::read_string(std::string_view section, std::string_view key,
                                    std::string& out) {
  const toml::node* node = value(section, key);
  if (!node)
    return;
  if (!node->is_string()) {
    return report_wrong_type(section, key, *node, "a string", "put the value in double quotes");
  }
  out = node->as_string()->get();
}

void ConfigTableReader::read_bool(std::string_view section, std::string_view key, bool& out) {
  const toml::node* node = value(section, key);
  if (!node)
    return;
  if (!node->is_boolean()) {
    return report_wrong_type(section, key, *node, "a boolean",
                             "write true or false, without quotes");
  }
  out = node->as_boolean()->get();
}

void ConfigTableReader::read_count(std::string_view section, std::string_view key,
                                   std::uint64_t& out) {
  const toml::node* node = value(section, key);
  if (!node)
    return;
  if (!node->is_integer()) {
    std::string hint = "write a whole number without quotes";
    if (node->is_string() && all_digits(node->as_string()->get())) {
      hint = "remove the quotes: " + std::string(key) + " = " + node->as_string()->get();
    }
    return report_wrong_type(section, key, *node, "an integer", hint);
  }
  std::int64_t number = node->as_integer()->get();
  if (number < 0) {
    return report(section, key,
                  key_name(section, key) + " must not be negative, got " + std::to_string(number),
                  "write a whole number of 0 or more");
  }
  out = static_cast<std::uint64_t>(number);
}

void ConfigTableReader::read_size(std::string_view section, std::string_view key,
                                  std::uint64_t& out) {
  const toml::node* node = value(section, key);
  if (!node)
    return;
  if (node->is_integer()) {
    std::int64_t number = node->as_integer()->get();
    if (number < 0) {
      return report(section, key,
                    key_name(section, key) + " must not be negative, got " + std::to_string(number),
                    "sizes are 0 or more bytes, e.g. \"64MiB\"");
    }
    out = static_cast<std::uint64_t>(number);
    return;
  }
  if (!node->is_string()) {
    return report_wrong_type(section, key, *node, "a size",
                             "write bytes as an integer or a string with a unit, e.g. \"64MiB\"");
  }
  auto size = parse_size_text(node->as_string()->get());
  if (!size)
    return report(section, key, key_name(section, key) + ": " + size.error().message, "");
  out = *size;
}

void ConfigTableReader::read_duration(std::string_view section, std::string_view key,
                                      std::int64_t& out) {
  read_duration_in(section, key, out, parse_duration_text, "\"72h\", \"30m\", \"3d\"");
}

void ConfigTableReader::read_duration_ms(std::string_view section, std::string_view key,
                                         std::int64_t& out) {
  read_duration_in(section, key, out, parse_duration_ms_text, "\"30s\", \"5m\", \"500ms\"");
}

void ConfigTableReader::read_duration_in(std::string_view section, std::string_view key,
                                         std::int64_t& out, DurationParser parse,
                                         std::string_view examples) {
  const toml::node* node = value(section, key);
  if (!node)
    return;
  if (!node->is_string()) {
    return report_wrong_type(section, key, *node, "a duration string",
                             "write the number with its unit in quotes, e.g. " +
                                 std::string(examples) + " (a bare number would be ambiguous)");
  }
  auto parsed = parse(node->as_string()->get());
  if (!parsed)
    return report(section, key, key_name(section, key) + ": " + parsed.error().message, "");
  out = *parsed;
}

void ConfigTableReader::read_string_list(std::string_view section, std::string_view key,
                                         std::vector<ConfigListItem>& out,
                                         std::string_view element_hint) {
  const toml::node* node = value(section, key);
  if (!node)
    return;
  const toml::array* array = node->as_array();
  if (!array) {
    return report_wrong_type(section, key, *node, "an array",
                             "write the values in brackets, e.g. " + std::string(key) +
                                 " = [\"a\", \"b\"]; [] for none");
  }
  std::vector<ConfigListItem> items;
  bool all_strings = true;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    SourcePosition at = position_of(element.source());
    if (!element.is_string()) {
      all_strings = false;
      report_at(at, section, key,
                key_name(section, key) + " entry " + std::to_string(i + 1) +
                    " must be a string, got " + std::string(toml_type_name(element)),
                element_hint);
      continue;
    }
    items.push_back(ConfigListItem{element.as_string()->get(), at});
  }
  if (all_strings)
    out = std::move(items);
}

void ConfigTableReader::read_string_map(std::string_view section, std::string_view key,
                                        std::vector<ConfigMapEntry>& out,
                                        std::string_view value_hint) {
  const toml::table* table = key.empty() ? section_table(section) : nullptr;
  if (!key.empty()) {
    const toml::node* node = value(section, key);
    if (!node)
      return;
    table = node->as_table();
    if (!table) {
      return report_wrong_type(section, key, *node, "a table",
                               "write " + map_name(section, key) +
                                   " on its own line, followed by \"name\" = \"value\" lines");
    }
  }
  if (!table)
    return;
  std::vector<ConfigMapEntry> entries;
  for (auto&& [name, node] : *table) {
    SourcePosition key_at = position_of(name.source());
    if (node.is_string()) {
      entries.push_back(ConfigMapEntry{std::string(name.str()), node.as_string()->get(), key_at,
                                       position_of(node.source())});
      continue;
    }
    std::string hint(value_hint);
    const toml::table* nested = node.as_table();
    if (nested && !nested->empty()) {
      hint = "quote names that contain dots, e.g. \"" + std::string(name.str()) + "." +
             std::string(nested->begin()->first.str()) +
             "\" = ..., or TOML reads them as nested tables";
    }
    report_at(key_at, section, key,
              map_name(section, key) + " entry \"" + std::string(name.str()) +
                  "\" must be a string, got " + std::string(toml_type_name(node)),
              hint);
  }
  // toml++ iterates keys in name order; callers get the entries in file order.
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return a.key_at.line != b.key_at.line ? a.key_at.line < b.key_at.line
                                          : a.key_at.column < b.key_at.column;
  });
  out.insert(out.end(), entries.begin(), entries.end());
}

} // namespace volley::policy
