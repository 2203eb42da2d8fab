// Reading [defaults], [group.NAME] and [domain."pattern"] (see site_policy_reader.hpp). Never
// accepts an MX pattern or domain pattern that could not match a real name, and never keeps an
// entry that an earlier one would always win against without saying so.
#include "policy/site_policy_reader.hpp"

#include <algorithm>
#include <cctype>

#include "policy/domain_name.hpp"

namespace volley::policy {
namespace {

constexpr std::string_view mx_example = "e.g. mx = [\"*.google.com\", \"*.googlemail.com\"]";

Error pattern_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "*.google.com" or "mx.example.net", lower-cased. Errors read "what — hint".
Result<std::string> normalize_mx_pattern(std::string_view text) {
  std::string q = "\"" + std::string(text) + "\"";
  if (text.empty())
    return pattern_error("is empty — write a host (\"mx.example.net\") or \"*.\" and a domain "
                         "(\"*.google.com\")");
  if (text == "*" || text == "*.")
    return pattern_error(q + " would match every host — put settings for every site in "
                             "[defaults]");
  if (text.starts_with('.')) {
    return pattern_error(q + " is not an MX pattern — write \"*" + std::string(text) +
                         "\" for every host under " + std::string(text.substr(1)));
  }
  std::string_view host = text.starts_with("*.") ? text.substr(2) : text;
  if (host.find('*') != std::string_view::npos) {
    return pattern_error(q + " has a '*' inside — the only wildcard is a leading \"*.\" (any "
                             "host under a domain), e.g. \"*.google.com\"");
  }
  if (host.ends_with('.')) {
    return pattern_error(q + " ends with a dot — write \"" +
                         std::string(text.substr(0, text.size() - 1)) + "\"");
  }
  if (auto checked = check_host_name(host); !checked)
    return checked.error();
  return lower(text);
}

// True when every host the later pattern matches is matched by the earlier one.
bool mx_pattern_covers(std::string_view earlier, std::string_view later) {
  if (earlier == later)
    return true;
  if (!earlier.starts_with("*."))
    return false;
  if (!later.starts_with("*."))
    return mx_pattern_matches(earlier, later);
  std::string_view suffix = earlier.substr(1); // ".google.com"
  return later.substr(1).ends_with(suffix);    // ".l.google.com"
}

struct MxItem {
  std::size_t group = 0;
  std::string pattern;
  SourcePosition at;
};

void read_mx_patterns(PolicyTableReader& reader, std::size_t group, std::vector<MxItem>& seen,
                      std::vector<std::string>& out) {
  const std::string_view key = "mx";
  if (!reader.get(key)) {
    return reader.report_table("has no `mx`", "list the MX hosts of the provider's sites, " +
                                                  std::string(mx_example));
  }
  auto items = reader.read_string_list(key, "write each pattern in quotes, e.g. \"*.google.com\"");
  if (!items)
    return;
  if (items->empty()) {
    return reader.report(key, reader.key_name(key) + " is empty",
                         "a group without MX patterns matches no site: " + std::string(mx_example));
  }
  for (std::size_t i = 0; i < items->size(); ++i) {
    const ConfigListItem& item = (*items)[i];
    std::string entry = reader.key_name(key) + " entry " + std::to_string(i + 1);
    auto pattern = normalize_mx_pattern(item.text);
    if (!pattern) {
      reader.report_at(item.at, key, entry + ": " + pattern.error().message, "");
      continue;
    }
    auto same = std::find_if(seen.begin(), seen.end(), [&](const MxItem& other) {
      return other.group == group && other.pattern == *pattern;
    });
    if (same != seen.end()) {
      reader.report_at(item.at, key, entry + " \"" + item.text + "\" is listed twice",
                       "patterns are case-insensitive: list each once");
      continue;
    }
    out.push_back(*pattern);
    seen.push_back(MxItem{group, *pattern, item.at});
  }
}

// A later group's pattern that an earlier group's pattern covers never decides a match.
void check_shadowed_patterns(const std::vector<ProviderGroup>& groups,
                             const std::vector<SourcePosition>& group_at,
                             const std::vector<MxItem>& items, std::size_t first_group,
                             ConfigDiagnostics& diagnostics) {
  for (const MxItem& later : items) {
    if (later.group < first_group)
      continue;
    for (const MxItem& earlier : items) {
      if (earlier.group >= later.group || !mx_pattern_covers(earlier.pattern, later.pattern))
        continue;
      const std::string& name = groups[earlier.group].name;
      diagnostics.add(later.at,
                      table_title("group", groups[later.group].name) + " mx pattern \"" +
                          later.pattern + "\" can never match: [group." + name + "] (line " +
                          std::to_string(group_at[earlier.group].line) + ") has \"" +
                          earlier.pattern + "\" and comes first",
                      "a site belongs to the first group that matches one of its MX hosts: "
                      "remove the pattern, or move this group above [group." +
                          name + "]");
      break;
    }
  }
}

std::vector<std::string_view> group_keys() {
  std::vector<std::string_view> keys{"mx"};
  for (std::string_view key : policy_setting_keys())
    keys.push_back(key);
  return keys;
}

bool same_name_ignoring_case(std::string_view a, std::string_view b) {
  return lower(a) == lower(b);
}

} // namespace

void read_defaults_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                           std::vector<PoolReference>& pools, PolicySettings& out) {
  PolicyTableReader reader(section, "[defaults]", diagnostics);
  reader.check_keys(policy_setting_keys(), policy_setting_placement);
  out = read_policy_settings(reader, pools);
}

void read_group_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                        std::vector<PoolReference>& pools, std::vector<ProviderGroup>& out) {
  const std::size_t first_group = out.size();
  std::vector<SourcePosition> group_at(out.size());
  std::vector<MxItem> mx_items;
  auto entries = named_tables(section, "group",
                              "name each provider group: [group.gmail] with mx = "
                              "[\"*.google.com\"] and the group's settings",
                              diagnostics);
  for (const NamedTable& entry : entries) {
    std::string problem = policy_name_problem(entry.name);
    if (!problem.empty()) {
      diagnostics.add(entry.at, "group name \"" + entry.name + "\" " + problem,
                      "name groups with letters, digits, '-' and '_', e.g. [group.gmail]");
    }
    for (std::size_t i = first_group; i < out.size(); ++i) {
      if (same_name_ignoring_case(out[i].name, entry.name)) {
        diagnostics.add(entry.at,
                        table_title("group", entry.name) + " repeats the name of " +
                            table_title("group", out[i].name) + " (line " +
                            std::to_string(group_at[i].line) + ")",
                        "group names are case-insensitive: merge the two tables or rename one");
      }
    }
    PolicyTableReader reader(*entry.table, table_title("group", entry.name), diagnostics);
    reader.check_keys(group_keys(), policy_setting_placement);
    ProviderGroup group;
    group.name = entry.name;
    read_mx_patterns(reader, out.size(), mx_items, group.mx_patterns);
    group.settings = read_policy_settings(reader, pools);
    out.push_back(std::move(group));
    group_at.push_back(entry.at);
  }
  check_shadowed_patterns(out, group_at, mx_items, first_group, diagnostics);
}

void read_domain_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                         std::vector<PoolReference>& pools, std::vector<DomainPolicy>& out) {
  std::vector<std::pair<DomainPolicy, SourcePosition>> read;
  auto entries = named_tables(section, "domain",
                              "write one table per domain pattern: [domain.\"example.com\"] "
                              "followed by its settings",
                              diagnostics);
  for (const NamedTable& entry : entries) {
    std::string title = "[domain.\"" + entry.name + "\"]";
    auto pattern = normalize_domain_pattern(entry.name);
    if (pattern && *pattern == "*") {
      diagnostics.add(entry.at, title + " would match every domain",
                      "put settings for every site in [defaults]");
    } else if (!pattern) {
      diagnostics.add(entry.at, "[domain] " + pattern.error().message, "");
    }
    PolicyTableReader reader(*entry.table, title, diagnostics);
    reader.check_keys(policy_setting_keys(), policy_setting_placement);
    DomainPolicy policy{pattern ? *pattern : lower(entry.name),
                        read_policy_settings(reader, pools)};
    for (const auto& [earlier, at] : read) {
      if (earlier.pattern == policy.pattern) {
        diagnostics.add(entry.at, title + " repeats the pattern of line " + std::to_string(at.line),
                        "patterns are case-insensitive: keep one table");
      } else if (earlier.pattern.starts_with('.') && policy.pattern.starts_with('.') &&
                 policy.pattern.ends_with(earlier.pattern)) {
        diagnostics.add(entry.at,
                        title + " can never match: [domain.\"" + earlier.pattern + "\"] (line " +
                            std::to_string(at.line) + ") matches all its domains and comes first",
                        "move this table above the other one (the first matching \".parent\" "
                        "pattern wins)");
      }
    }
    read.emplace_back(std::move(policy), entry.at);
  }
  for (bool parents : {false, true}) {
    for (auto& [policy, at] : read) {
      if (policy.pattern.starts_with('.') == parents)
        out.push_back(policy);
    }
  }
}

} // namespace volley::policy
