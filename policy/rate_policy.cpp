// The pure side of the rate policy (see rate_policy.hpp): layering the settings for one site,
// matching MX hosts, domains, campaign ids and server replies against the policy's patterns, and
// warm-up caps. Never does I/O, never reads a clock and never changes the policy it is given.
#include "policy/rate_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "policy/config_units.hpp"

namespace volley::policy {
namespace {

char fold(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return fold(x) == fold(y); });
}

// The settings of EffectivePolicy in the order explain lists them.
enum SettingIndex : std::size_t {
  max_connections_setting,
  max_messages_setting,
  max_recipients_setting,
  site_rate_setting,
  domain_rate_setting,
  connect_timeout_setting,
  greeting_timeout_setting,
  data_timeout_setting,
  tls_setting,
  retry_schedule_setting,
  expires_after_setting,
  pool_setting,
  setting_count,
};

constexpr std::array<std::string_view, setting_count> setting_names{
    "max_connections",
    "max_messages_per_connection",
    "max_recipients_per_transaction",
    "site_rate",
    "domain_rate",
    "connect_timeout",
    "greeting_timeout",
    "data_timeout",
    "tls",
    "retry_schedule",
    "expires_after",
    "pool"};

// Applies the layers one by one and remembers which layer set each setting last.
class LayerStack {
public:
  LayerStack(const DeliveryConfig& base, std::int64_t expires_after_s, std::string_view domain) {
    policy_.max_connections = base.max_connections_per_site;
    policy_.max_messages_per_connection = base.max_messages_per_connection;
    policy_.max_recipients_per_transaction = base.max_recipients_per_transaction;
    policy_.connect_timeout_ms = base.connect_timeout_ms;
    policy_.greeting_timeout_ms = base.greeting_timeout_ms;
    policy_.data_timeout_ms = base.data_timeout_ms;
    policy_.tls = tls_mode_for(base, domain);
    policy_.retry_schedule_s = base.retry_schedule_s;
    policy_.expires_after_s = expires_after_s;
    layers_.fill("[delivery]");
    layers_[expires_after_setting] = "[spool]";
    bool tls_override = std::any_of(
        base.tls_domains.begin(), base.tls_domains.end(), [&](const TlsDomainConfig& entry) {
          return entry.pattern == "*" || domain_pattern_matches(entry.pattern, domain);
        });
    if (tls_override)
      layers_[tls_setting] = "[delivery.tls_domains]";
  }

  // A domain layer's rate limits the domain; the others' limit the whole site.
  void apply(const PolicySettings& settings, const std::string& layer, bool domain_layer) {
    set(settings.max_connections, policy_.max_connections, max_connections_setting, layer);
    set(settings.max_messages_per_connection, policy_.max_messages_per_connection,
        max_messages_setting, layer);
    set(settings.max_recipients_per_transaction, policy_.max_recipients_per_transaction,
        max_recipients_setting, layer);
    if (domain_layer)
      set(settings.rate, policy_.domain_rate, domain_rate_setting, layer);
    else
      set(settings.rate, policy_.site_rate, site_rate_setting, layer);
    set(settings.connect_timeout_ms, policy_.connect_timeout_ms, connect_timeout_setting, layer);
    set(settings.greeting_timeout_ms, policy_.greeting_timeout_ms, greeting_timeout_setting, layer);
    set(settings.data_timeout_ms, policy_.data_timeout_ms, data_timeout_setting, layer);
    set(settings.tls, policy_.tls, tls_setting, layer);
    set(settings.retry_schedule_s, policy_.retry_schedule_s, retry_schedule_setting, layer);
    set(settings.expires_after_s, policy_.expires_after_s, expires_after_setting, layer);
    set(settings.pool, policy_.pool, pool_setting, layer);
  }

  EffectivePolicy finish() {
    for (std::size_t i = 0; i < setting_count; ++i) {
      policy_.origins.push_back(
          SettingOrigin{std::string(setting_names[i]), value_text(i), layers_[i]});
    }
    return std::move(policy_);
  }

  EffectivePolicy& policy() { return policy_; }

private:
  template <class Value, class Target>
  void set(const std::optional<Value>& value, Target& target, SettingIndex index,
           const std::string& layer) {
    if (!value)
      return;
    target = *value;
    layers_[index] = layer;
  }

  static std::string rate_text(const std::optional<MessageRate>& rate) {
    return rate ? describe_rate(*rate) : "unlimited";
  }

  std::string value_text(std::size_t index) const {
    switch (index) {
    case max_connections_setting:
      return std::to_string(policy_.max_connections);
    case max_messages_setting:
      return std::to_string(policy_.max_messages_per_connection);
    case max_recipients_setting:
      return std::to_string(policy_.max_recipients_per_transaction);
    case site_rate_setting:
      return rate_text(policy_.site_rate);
    case domain_rate_setting:
      return rate_text(policy_.domain_rate);
    case connect_timeout_setting:
      return describe_duration_ms(policy_.connect_timeout_ms);
    case greeting_timeout_setting:
      return describe_duration_ms(policy_.greeting_timeout_ms);
    case data_timeout_setting:
      return describe_duration_ms(policy_.data_timeout_ms);
    case tls_setting:
      return to_string(policy_.tls);
    case retry_schedule_setting:
      return schedule_text();
    case expires_after_setting:
      return describe_duration_ms(policy_.expires_after_s * 1000);
    default:
      return policy_.pool.empty() ? "(none: [delivery] source_ips)" : policy_.pool;
    }
  }

  std::string schedule_text() const {
    std::string text;
    for (std::int64_t seconds : policy_.retry_schedule_s)
      text += (text.empty() ? "" : ", ") + describe_duration_ms(seconds * 1000);
    return text;
  }

  EffectivePolicy policy_;
  std::array<std::string, setting_count> layers_;
};

const DomainPolicy* find_domain_policy(const RatePolicy& policy, std::string_view domain) {
  for (const DomainPolicy& entry : policy.domains) {
    if (!entry.pattern.starts_with('.') && entry.pattern == domain)
      return &entry;
  }
  for (const DomainPolicy& entry : policy.domains) {
    if (entry.pattern.starts_with('.') && domain_pattern_matches(entry.pattern, domain))
      return &entry;
  }
  return nullptr;
}

bool code_matches(int rule_code, int code) {
  if (rule_code >= 1 && rule_code <= 9)
    return code / 100 == rule_code;
  return rule_code == code;
}

bool text_matches(const ThrottleRule& rule, std::string_view text) {
  if (rule.text_pattern.empty())
    return true;
  if (rule.text)
    return std::regex_search(text.begin(), text.end(), *rule.text);
  // A rule built by hand without its compiled form: compile it here (never on loaded policies).
  try {
    std::regex compiled(rule.text_pattern, std::regex::ECMAScript | std::regex::icase);
    return std::regex_search(text.begin(), text.end(), compiled);
  } catch (const std::regex_error&) {
    return false;
  }
}

bool rule_matches(const ThrottleRule& rule, std::string_view group, int code,
                  std::string_view enhanced_status, std::string_view text) {
  if (rule.code && !code_matches(*rule.code, code))
    return false;
  if (!rule.status_prefix.empty() && !status_prefix_matches(rule.status_prefix, enhanced_status))
    return false;
  if (!rule.groups.empty() &&
      std::find(rule.groups.begin(), rule.groups.end(), group) == rule.groups.end())
    return false;
  return text_matches(rule, text);
}

} // namespace

const char* to_string(ThrottleAction action) {
  switch (action) {
  case ThrottleAction::suspend:
    return "suspend";
  case ThrottleAction::slow_down:
    return "slow_down";
  case ThrottleAction::bounce:
    return "bounce";
  }
  return "unknown";
}

EffectivePolicy resolve_policy(const RatePolicy& policy, const DeliveryConfig& base,
                               std::int64_t expires_after_s, std::string_view domain,
                               const std::vector<std::string>& mx_hosts) {
  LayerStack stack(base, expires_after_s, domain);
  stack.apply(policy.defaults, "[defaults]", false);
  if (const ProviderGroup* group = find_provider_group(policy, mx_hosts)) {
    stack.policy().group = group->name;
    stack.apply(group->settings, "[group." + group->name + "]", false);
  }
  if (const DomainPolicy* entry = find_domain_policy(policy, domain))
    stack.apply(entry->settings, "[domain.\"" + entry->pattern + "\"]", true);
  return stack.finish();
}

const ProviderGroup* find_provider_group(const RatePolicy& policy,
                                         const std::vector<std::string>& mx_hosts) {
  for (const ProviderGroup& group : policy.groups) {
    for (const std::string& pattern : group.mx_patterns) {
      for (const std::string& host : mx_hosts) {
        if (mx_pattern_matches(pattern, host))
          return &group;
      }
    }
  }
  return nullptr;
}

bool mx_pattern_matches(std::string_view pattern, std::string_view host) {
  if (host.ends_with('.')) // an absolute name from DNS: "alt1.aspmx.l.google.com."
    host.remove_suffix(1);
  if (!pattern.starts_with("*."))
    return equal_ignoring_case(pattern, host);
  std::string_view suffix = pattern.substr(1); // ".google.com"
  return host.size() > suffix.size() &&
         equal_ignoring_case(host.substr(host.size() - suffix.size()), suffix);
}

bool domain_pattern_matches(std::string_view pattern, std::string_view domain) {
  if (!pattern.starts_with('.'))
    return pattern == domain;
  return domain == pattern.substr(1) ||
         (domain.size() > pattern.size() && domain.ends_with(pattern));
}

bool campaign_glob_matches(std::string_view pattern, std::string_view campaign_id) {
  // Greedy matching with one backtrack point: the last '*' seen.
  std::size_t p = 0, c = 0;
  std::size_t star = std::string_view::npos, star_c = 0;
  while (c < campaign_id.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_c = c;
    } else if (p < pattern.size() && pattern[p] == campaign_id[c]) {
      ++p;
      ++c;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      c = ++star_c;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

std::vector<const SenderPolicy*> find_sender_policies(const RatePolicy& policy,
                                                      std::string_view campaign_id,
                                                      std::string_view tenant) {
  std::vector<const SenderPolicy*> found;
  for (const SenderPolicy& entry : policy.senders) {
    bool applies = entry.tenant ? !tenant.empty() && entry.pattern == tenant
                                : campaign_glob_matches(entry.pattern, campaign_id);
    if (applies)
      found.push_back(&entry);
  }
  return found;
}

bool status_prefix_matches(std::string_view prefix, std::string_view enhanced_status) {
  if (!enhanced_status.starts_with(prefix))
    return false;
  return prefix.size() == enhanced_status.size() || prefix.ends_with('.') ||
         enhanced_status[prefix.size()] == '.';
}

const ThrottleRule* match_throttle(const RatePolicy& policy, std::string_view group, int code,
                                   std::string_view enhanced_status, std::string_view text) {
  for (const ThrottleRule& rule : policy.throttles) {
    if (rule_matches(rule, group, code, enhanced_status, text))
      return &rule;
  }
  return nullptr;
}

std::optional<std::uint64_t> warmup_cap(const WarmupSchedule& schedule, std::int64_t unix_day) {
  if (schedule.daily_caps.empty())
    return std::nullopt;
  std::int64_t day = unix_day - schedule.start_day;
  if (day < 0)
    return schedule.daily_caps.front();
  if (static_cast<std::uint64_t>(day) >= schedule.daily_caps.size())
    return std::nullopt;
  return schedule.daily_caps[static_cast<std::size_t>(day)];
}

std::string describe_rate(const MessageRate& rate) {
  std::string text = rate.text;
  if (text.empty()) {
    // Built by hand: the largest period in which the rate is a whole number ("1/min", not
    // "0.016667/s"); else messages per second.
    constexpr std::array<std::pair<double, std::string_view>, 4> periods{
        {{1, "s"}, {60, "min"}, {3600, "h"}, {86400, "d"}}};
    text = std::to_string(rate.per_second) + "/s";
    for (const auto& [seconds, unit] : periods) {
      double count = rate.per_second * seconds;
      if (count >= 1 && std::fabs(count - std::round(count)) < 1e-6) {
        text = std::to_string(std::llround(count)) + "/" + std::string(unit);
        break;
      }
    }
  }
  if (rate.burst > 0)
    text += " (burst " + std::to_string(rate.burst) + ")";
  return text;
}

std::uint64_t effective_burst(const MessageRate& rate) {
  if (rate.burst > 0)
    return rate.burst;
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(rate.per_second));
}

} // namespace volley::policy
