// Loading the rate policy file: TOML syntax via toml++, the top-level sections, the section readers
// (site_policy_reader, ip_pool_reader, sender_policy_reader, throttle_rule_reader) and the checks
// across sections (pools named from elsewhere must exist). Never returns a policy with any error,
// and never reads more than max_rate_policy_file_size bytes.
#include "policy/rate_policy_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "policy/config_diagnostics.hpp"
#include "policy/ip_pool_reader.hpp"
#include "policy/policy_settings_reader.hpp"
#include "policy/policy_table_reader.hpp"
#include "policy/sender_policy_reader.hpp"
#include "policy/site_policy_reader.hpp"
#include "policy/throttle_rule_reader.hpp"

namespace volley::policy {
namespace {

const std::vector<std::string_view> section_names{"defaults", "group",  "domain",  "pool",
                                                  "campaign", "tenant", "throttle"};
constexpr std::string_view sections_list =
    "[defaults], [group.NAME], [domain.\"pattern\"], [pool.NAME], [campaign.\"pattern\"], "
    "[tenant.NAME], [[throttle]]";

std::string section_header(std::string_view name) {
  if (name == "throttle")
    return "[[throttle]]";
  if (name == "defaults")
    return "[defaults]";
  return "[" + std::string(name) + ".NAME]";
}

void report_unknown_top_level(std::string_view name, const toml::node& node, SourcePosition at,
                              ConfigDiagnostics& diagnostics) {
  static const std::vector<std::string_view> daemon_sections{
      "spool",  "control", "limits", "log",     "delivery", "dns",
      "routes", "dkim",    "verp",   "headers", "policy"};
  if (node.is_table() &&
      std::find(daemon_sections.begin(), daemon_sections.end(), name) != daemon_sections.end()) {
    diagnostics.add(at, "unknown section [" + std::string(name) + "]",
                    "[" + std::string(name) +
                        "] belongs in volleyd.toml, not in the policy file (its sections: " +
                        std::string(sections_list) + ")");
    return;
  }
  if (node.is_table() || node.is_array_of_tables()) {
    std::string suggestion = closest_name(name, section_names);
    diagnostics.add(at, "unknown section [" + std::string(name) + "]",
                    suggestion.empty() ? "valid sections: " + std::string(sections_list)
                                       : "did you mean " + section_header(suggestion) + "?");
    return;
  }
  const auto& settings = policy_setting_keys();
  if (std::find(settings.begin(), settings.end(), name) != settings.end()) {
    diagnostics.add(at, "unknown key `" + std::string(name) + "` outside any section",
                    "settings for every site belong in [defaults]");
    return;
  }
  std::string hint = policy_setting_placement(name);
  diagnostics.add(at, "unknown key `" + std::string(name) + "` outside any section",
                  hint.empty() ? "write it in a section: " + std::string(sections_list) : hint);
}

// Reports unknown top-level names and sections of the wrong type; true when the section is usable.
bool section_usable(std::string_view name, const toml::node& node, SourcePosition at,
                    ConfigDiagnostics& diagnostics) {
  if (name == "throttle" || node.is_table())
    return true; // [[throttle]] is checked by its reader
  std::string hint =
      name == "defaults"
          ? "write [defaults] on its own line, followed by its settings"
          : "write " + section_header(name) + " tables (single brackets, a name after the dot)";
  diagnostics.add(
      at, "`" + std::string(name) + "` must be a section, got " + std::string(toml_type_name(node)),
      hint);
  return false;
}

struct SectionReads {
  std::vector<PoolReference> pool_references;
  std::vector<std::pair<SenderPolicy, SourcePosition>> senders;
  const toml::node* throttle = nullptr;
};

void read_section(std::string_view name, const toml::node& node, RatePolicy& policy,
                  SectionReads& reads, ConfigDiagnostics& diagnostics) {
  const toml::table* table = node.as_table();
  if (name == "throttle")
    reads.throttle = &node; // after the groups, which rules may name
  else if (name == "defaults")
    read_defaults_section(*table, diagnostics, reads.pool_references, policy.defaults);
  else if (name == "group")
    read_group_section(*table, diagnostics, reads.pool_references, policy.groups);
  else if (name == "domain")
    read_domain_section(*table, diagnostics, reads.pool_references, policy.domains);
  else if (name == "pool")
    read_pool_section(*table, diagnostics, policy.pools);
  else
    read_sender_section(*table, name, diagnostics, reads.pool_references, reads.senders);
}

void check_pool_references(const std::vector<PoolReference>& references,
                           const std::vector<IpPool>& pools, ConfigDiagnostics& diagnostics) {
  std::vector<std::string_view> names;
  for (const IpPool& pool : pools)
    names.push_back(pool.name);
  for (const PoolReference& reference : references) {
    if (std::find(names.begin(), names.end(), reference.name) != names.end())
      continue;
    std::string suggestion = closest_name(reference.name, names);
    std::string hint = !suggestion.empty() ? "did you mean \"" + suggestion + "\"?"
                       : names.empty()
                           ? "define it: [pool." + reference.name +
                                 "] with ips = [...]; or write pool = \"\" for [delivery] "
                                 "source_ips"
                           : "pools: " + join_names(names);
    diagnostics.add(reference.at,
                    reference.key_name + ": there is no [pool." + reference.name + "]", hint);
  }
}

Result<toml::table> parse_toml(std::string_view text, std::string_view source_name) {
  try {
    return toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    std::string_view description = e.description();
    std::string hint =
        description.find("redefine") != std::string_view::npos
            ? "each table appears once: merge the repeated table into the first one"
            : "fix the syntax here; strings need double quotes (rate = \"100/s\"), and so do "
              "names with dots or '*': [domain.\"example.com\"], [campaign.\"spring-*\"]";
    ConfigDiagnostics diagnostics{std::string(source_name)};
    diagnostics.add(toml_position(e.source()), "invalid TOML: " + std::string(description), hint);
    return diagnostics.to_error();
  }
}

std::string counted(std::size_t count, std::string_view thing) {
  return std::to_string(count) + " " + std::string(thing) + (count == 1 ? "" : "s");
}

} // namespace

Result<RatePolicy> parse_rate_policy(std::string_view toml_text, std::string_view source_name) {
  auto root = parse_toml(toml_text, source_name);
  if (!root)
    return root.error();
  ConfigDiagnostics diagnostics{std::string(source_name)};
  RatePolicy policy;
  policy.source = std::string(source_name);
  SectionReads reads;
  for (std::string_view name : section_names) { // groups before throttle rules
    for (auto&& [key, node] : *root) {
      if (key.str() == name && section_usable(name, node, toml_position(key.source()), diagnostics))
        read_section(name, node, policy, reads, diagnostics);
    }
  }
  for (auto&& [key, node] : *root) {
    if (std::find(section_names.begin(), section_names.end(), key.str()) == section_names.end())
      report_unknown_top_level(key.str(), node, toml_position(key.source()), diagnostics);
  }
  if (reads.throttle)
    read_throttle_rules(*reads.throttle, policy.groups, diagnostics, policy.throttles);
  check_pool_references(reads.pool_references, policy.pools, diagnostics);
  std::stable_sort(reads.senders.begin(), reads.senders.end(), [](const auto& a, const auto& b) {
    return a.second.line != b.second.line ? a.second.line < b.second.line
                                          : a.second.column < b.second.column;
  });
  for (auto& [sender, at] : reads.senders)
    policy.senders.push_back(std::move(sender));
  if (!diagnostics.empty())
    return diagnostics.to_error();
  return policy;
}

Result<RatePolicy> load_rate_policy_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    int error = errno;
    return make_error(error == ENOENT ? error_code::not_found : error_code::invalid_request,
                      "cannot read policy file " + path + ": " + std::strerror(error) +
                          " — check the path ([policy] file in volleyd.toml is relative to "
                          "volleyd.toml's directory)");
  }
  std::string text;
  char buffer[64 * 1024];
  std::size_t got = 0;
  while (text.size() <= max_rate_policy_file_size &&
         (got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    text.append(buffer, got);
  int read_error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (read_error != 0) {
    return make_error(error_code::invalid_request, "cannot read policy file " + path + ": " +
                                                       std::strerror(read_error) +
                                                       " — it must be a readable file");
  }
  if (text.size() > max_rate_policy_file_size) {
    return make_error(error_code::invalid_request,
                      "policy file " + path +
                          " is larger than 1 MiB — is it the right file? A "
                          "policy has one table per provider, domain, pool and rule");
  }
  return parse_rate_policy(text, path);
}

std::string describe_rate_policy_size(const RatePolicy& policy) {
  return counted(policy.groups.size(), "group") + ", " + counted(policy.domains.size(), "domain") +
         ", " + counted(policy.pools.size(), "pool") + ", " +
         counted(policy.throttles.size(), "throttle rule");
}

} // namespace volley::policy
