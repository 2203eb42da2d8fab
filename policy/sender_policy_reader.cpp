// Reading [campaign."pattern"] and [tenant.NAME] (see sender_policy_reader.hpp). Never accepts a
// pattern that no campaign id could match, or an entry that sets nothing.
#include "policy/sender_policy_reader.hpp"

#include "policy/policy_table_reader.hpp"

namespace volley::policy {
namespace {

constexpr std::size_t max_pattern_length = 128;
constexpr std::size_t max_tenant_length = 256; // like a tag value

bool campaign_id_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

// "" for a usable campaign id glob, else what is wrong with it.
std::string campaign_pattern_problem(std::string_view pattern) {
  if (pattern.empty())
    return "is empty";
  if (pattern.size() > max_pattern_length)
    return "is longer than 128 characters";
  for (char c : pattern) {
    if (c == '*' || campaign_id_character(c))
      continue;
    if (c == '?' || c == '[')
      return "uses '" + std::string(1, c) + "': the only wildcard is '*'";
    return "contains a character no campaign id has";
  }
  return "";
}

std::string sender_key_placement(std::string_view key) {
  for (std::string_view setting : policy_setting_keys()) {
    if (key == setting) {
      return "`" + std::string(key) +
             "` is a per-site setting: set it in [defaults], [group.NAME] or [domain.\"...\"]; "
             "campaigns and tenants take rate and pool";
    }
  }
  return policy_setting_placement(key);
}

void check_name(const NamedTable& entry, bool tenant, const std::string& title,
                ConfigDiagnostics& diagnostics) {
  if (tenant) {
    if (entry.name.empty() || entry.name.size() > max_tenant_length) {
      diagnostics.add(entry.at, title + " is not a tenant name",
                      "write the value of the campaigns' tags.tenant, 1 to 256 characters, e.g. "
                      "[tenant.acme]");
    }
    return;
  }
  std::string problem = campaign_pattern_problem(entry.name);
  if (!problem.empty()) {
    diagnostics.add(entry.at, "campaign pattern \"" + entry.name + "\" " + problem,
                    "write a campaign id, or one with '*' for any characters, e.g. "
                    "[campaign.\"spring-*\"] (ids use A-Z a-z 0-9 . _ : -)");
  }
}

} // namespace

void read_sender_section(const toml::table& section, std::string_view section_name,
                         ConfigDiagnostics& diagnostics, std::vector<PoolReference>& pools,
                         std::vector<std::pair<SenderPolicy, SourcePosition>>& out) {
  const bool tenant = section_name == "tenant";
  auto entries = named_tables(section, section_name,
                              tenant ? "name each tenant: [tenant.acme] with rate and/or pool"
                                     : "write one table per campaign id pattern: "
                                       "[campaign.\"spring-*\"] with rate and/or pool",
                              diagnostics);
  for (const NamedTable& entry : entries) {
    std::string title =
        tenant ? table_title("tenant", entry.name) : "[campaign.\"" + entry.name + "\"]";
    check_name(entry, tenant, title, diagnostics);
    PolicyTableReader reader(*entry.table, title, diagnostics);
    reader.check_keys({"rate", "pool"}, sender_key_placement);
    SenderPolicy policy;
    policy.pattern = entry.name;
    policy.tenant = tenant;
    policy.rate = read_message_rate(reader, "rate");
    policy.pool = reader.read_string("pool");
    if (policy.pool && !policy.pool->empty())
      pools.push_back(PoolReference{*policy.pool, reader.where("pool"), reader.key_name("pool")});
    if (!reader.get("rate") && !reader.get("pool")) {
      reader.report_table("sets neither `rate` nor `pool`",
                          "add rate = \"1000/h\" and/or pool = \"NAME\" (the source addresses "
                          "to send from)");
    }
    out.emplace_back(std::move(policy), entry.at);
  }
}

} // namespace volley::policy
