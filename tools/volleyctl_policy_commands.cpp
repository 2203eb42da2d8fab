// volleyctl policy check FILE and volleyctl policy explain DOMAIN: validate a rate policy file the
// way volleyd loads it, and show which settings a domain gets and from which layer ([delivery],
// [defaults], [group.NAME], [domain."pattern"]). Offline: never talks to volleyd, never resolves
// DNS (MX hosts are given with --mx) and never writes a file.
#include "tools/volleyctl_policy_commands.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdio>

#include "policy/config_units.hpp"
#include "policy/daemon_config.hpp"
#include "policy/rate_policy_loader.hpp"
#include "tools/cli_table.hpp"

namespace volley::tools {
namespace {

using policy::RatePolicy;

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Exit 66 for a file that is not there, 78 for one that is wrong.
int report_load_error(CommandContext& context, const Error& error) {
  if (error.code == error_code::not_found) {
    context.err << "error: " << error.message << "\n";
    return exit_no_input;
  }
  context.err << error.message << "\n";
  return exit_invalid_file;
}

// "2026-11-01" for a count of days since 1970-01-01 (H. Hinnant's civil_from_days).
std::string calendar_day(std::int64_t days) {
  days += 719468;
  std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  std::int64_t day_of_era = days - era * 146097;
  std::int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  std::int64_t mp = (5 * day_of_year + 2) / 153;
  std::int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(year),
                static_cast<long long>(month), static_cast<long long>(day));
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string pool_line(const policy::IpPool& pool) {
  std::string line = "pool " + pool.name + ": " + joined(pool.ips);
  if (pool.rate_per_ip)
    line += "; " + policy::describe_rate(*pool.rate_per_ip) + " per address";
  if (pool.warmup) {
    std::vector<std::string> caps;
    for (std::uint64_t cap : pool.warmup->daily_caps)
      caps.push_back(std::to_string(cap));
    line += "; warm-up from " + calendar_day(pool.warmup->start_day) + ": " + joined(caps) +
            " per address and day, then no cap";
  }
  return line + "\n";
}

std::string rule_line(const policy::ThrottleRule& rule) {
  std::vector<std::string> conditions;
  if (rule.code)
    conditions.push_back("code " + std::to_string(*rule.code) + (*rule.code < 10 ? "xx" : ""));
  if (!rule.status_prefix.empty())
    conditions.push_back("status " + rule.status_prefix);
  if (!rule.text_pattern.empty())
    conditions.push_back("text /" + rule.text_pattern + "/");
  std::string action = policy::to_string(rule.action);
  if (rule.action != policy::ThrottleAction::bounce)
    action += " " + policy::describe_duration_ms(rule.duration_ms);
  if (rule.action == policy::ThrottleAction::slow_down) {
    char factor[32];
    std::snprintf(factor, sizeof factor, " x%g", rule.factor);
    action += factor;
  }
  return "  " + rule.name + ": " + joined(conditions) + " -> " + action + "\n";
}

struct ExplainInputs {
  policy::DaemonConfig config;
  RatePolicy policy;
  std::string policy_note; // where the policy came from
};

// The daemon config (--config or the embedded default) and the policy file (--policy, or the
// config's [policy] file); an exit code when one of them cannot be used.
std::optional<int> load_inputs(CommandContext& context, ExplainInputs& inputs) {
  const ParsedArgs& args = context.args;
  if (args.has("config")) {
    auto config = policy::load_daemon_config_file(args.value("config"));
    if (!config)
      return report_load_error(context, config.error());
    inputs.config = std::move(*config);
  } else {
    inputs.config = policy::default_daemon_config();
  }
  std::string path = args.has("policy") ? args.value("policy") : inputs.config.policy_file;
  if (path.empty()) {
    inputs.policy_note = "none ([policy] file is not set: only [delivery] applies)";
    return std::nullopt;
  }
  auto loaded = policy::load_rate_policy_file(path);
  if (!loaded)
    return report_load_error(context, loaded.error());
  inputs.policy = std::move(*loaded);
  inputs.policy_note = path;
  return std::nullopt;
}

std::string settings_table(const policy::EffectivePolicy& effective) {
  TextTable table({"setting", "value", "from"});
  table.limit_width(1, 60);
  for (const policy::SettingOrigin& origin : effective.origins)
    table.add_row({origin.setting, origin.value, origin.layer});
  return table.render();
}

struct ExplainFacts {
  std::string domain;
  std::vector<std::string> mx_hosts;
  std::string route; // "" = MX lookup
  std::string rules; // throttle rule lines for this site
  std::string pool;  // the pool line, "" when none
};

std::string explain_json(const ExplainFacts& facts, const ExplainInputs& inputs,
                         const policy::EffectivePolicy& effective) {
  boost::json::array mx, settings, rules;
  for (const std::string& host : facts.mx_hosts)
    mx.emplace_back(host);
  for (const policy::SettingOrigin& origin : effective.origins)
    settings.push_back(
        {{"setting", origin.setting}, {"value", origin.value}, {"from", origin.layer}});
  for (std::size_t start = 0; start < facts.rules.size();) {
    std::size_t end = facts.rules.find('\n', start);
    std::string line = facts.rules.substr(start, end - start);
    rules.emplace_back(line.substr(line.find_first_not_of(' ')));
    start = end + 1;
  }
  boost::json::object out{{"domain", facts.domain},
                          {"mx_hosts", std::move(mx)},
                          {"route", facts.route.empty() ? boost::json::value(nullptr)
                                                        : boost::json::value(facts.route)},
                          {"group", effective.group},
                          {"policy", inputs.policy_note},
                          {"config", inputs.config.source},
                          {"settings", std::move(settings)},
                          {"throttle_rules", std::move(rules)}};
  if (!facts.pool.empty())
    out["pool"] = facts.pool.substr(0, facts.pool.size() - 1);
  return boost::json::serialize(out) + "\n";
}

} // namespace

int run_policy_check(CommandContext& context) {
  const std::string& path = context.args.positionals.at(0);
  auto loaded = policy::load_rate_policy_file(path);
  if (!loaded)
    return report_load_error(context, loaded.error());
  std::string size = policy::describe_rate_policy_size(*loaded);
  if (context.json) {
    context.out << boost::json::serialize(
                       boost::json::object{{"file", path}, {"ok", true}, {"summary", size}})
                << "\n";
    return exit_ok;
  }
  context.out << path << ": ok (" << size << ")\n";
  return exit_ok;
}

int run_policy_explain(CommandContext& context) {
  std::string domain = lower(context.args.positionals.at(0));
  if (domain.ends_with('.'))
    domain.pop_back();
  std::vector<std::string> mx_hosts;
  for (const std::string& host : context.args.values("mx"))
    mx_hosts.push_back(lower(host));
  ExplainInputs inputs;
  if (auto failed = load_inputs(context, inputs))
    return *failed;
  const policy::RouteConfig* route = policy::find_route(inputs.config.delivery.routes, domain);
  auto effective = policy::resolve_policy(inputs.policy, inputs.config.delivery,
                                          inputs.config.spool.expires_after_s, domain, mx_hosts);
  ExplainFacts facts{domain, mx_hosts, route ? route->host + ":" + std::to_string(route->port) : "",
                     "", ""};
  for (const policy::IpPool& pool : inputs.policy.pools) {
    if (pool.name == effective.pool)
      facts.pool = pool_line(pool);
  }
  for (const policy::ThrottleRule& rule : inputs.policy.throttles) {
    if (rule.groups.empty() ||
        std::find(rule.groups.begin(), rule.groups.end(), effective.group) != rule.groups.end())
      facts.rules += rule_line(rule);
  }
  if (context.json) {
    context.out << explain_json(facts, inputs, effective);
    return exit_ok;
  }
  std::vector<std::pair<std::string, std::string>> head{
      {"domain", domain},
      {"mx hosts", mx_hosts.empty() ? "(none given)" : joined(mx_hosts)},
      {"route", route ? facts.route + " (no MX lookup)" : "(none: MX lookup)"},
      {"group", effective.group.empty() ? "(none)" : effective.group},
      {"policy", inputs.policy_note},
      {"config", inputs.config.source}};
  context.out << render_key_values(head) << "\n" << settings_table(effective);
  if (mx_hosts.empty() && !route && !inputs.policy.groups.empty()) {
    context.out << "\nnote: groups match a site's MX hosts; give them with --mx HOST (e.g. from "
                   "`dig +short MX "
                << domain << "`)\n";
  }
  if (!facts.pool.empty())
    context.out << "\n" << facts.pool;
  if (!facts.rules.empty())
    context.out << "\nthrottle rules for this site (the first match acts):\n" << facts.rules;
  return exit_ok;
}

} // namespace volley::tools
