// The rate policy: what mail admins tune in the policy file (TOML, `[policy] file` in volleyd's
// config) — per provider group (MX host patterns), per domain, per source-IP pool and per
// campaign/tenant limits on connections, messages per connection, recipients per transaction and
// message rates, timeouts, TLS, retries and expiry, IP warm-up caps, and adaptive throttling rules
// that react to the servers' replies. Plain data plus the pure functions that resolve it; loading
// and validation live in rate_policy_loader.*. Must never do I/O or read a clock: callers pass
// the time.
//
// Layers, most general first; a later layer overrides only the settings it sets:
//   [delivery] of volleyd.toml  →  [defaults]  →  [group.NAME] (first whose mx patterns match one
//   of the site's MX hosts)  →  [domain."pattern"] (exact, then ".parent", first match)
// Source-IP pools ([pool.NAME]) and campaign/tenant entries ([campaign."pattern"],
// [tenant.NAME]) add their own rate limits on top: a message must fit every limit that applies.
#pragma once

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "policy/delivery_config.hpp"

namespace volley::policy {

// "100/s", "6000/min", "20000/h", "500000/d": messages (SMTP transactions' recipients) per period.
struct MessageRate {
  double per_second = 0;   // > 0
  std::uint64_t burst = 0; // bucket size; 0 = max(1, one second's worth)
  std::string text;        // as written, for explain and errors
  bool operator==(const MessageRate& other) const {
    return per_second == other.per_second && burst == other.burst;
  }
};

// The bucket size of a rate: its burst, or one second's worth (at least 1) when none is given.
std::uint64_t effective_burst(const MessageRate& rate);

// Every field unset = inherit from the layer below.
struct PolicySettings {
  std::optional<std::uint64_t> max_connections; // per site
  std::optional<std::uint64_t> max_messages_per_connection;
  std::optional<std::uint64_t> max_recipients_per_transaction;
  std::optional<MessageRate> rate; // per site (group/defaults) or per domain (domain layer)
  std::optional<std::int64_t> connect_timeout_ms;
  std::optional<std::int64_t> greeting_timeout_ms;
  std::optional<std::int64_t> data_timeout_ms;
  std::optional<TlsMode> tls;
  std::optional<std::vector<std::int64_t>> retry_schedule_s;
  std::optional<std::int64_t> expires_after_s;
  std::optional<std::string> pool; // name of a [pool.NAME] to send from
  bool operator==(const PolicySettings&) const = default;
};

// [group.NAME]: sites whose MX hosts match one of mx ("*.google.com", "mx.example.net").
struct ProviderGroup {
  std::string name;
  std::vector<std::string> mx_patterns;
  PolicySettings settings;
  bool operator==(const ProviderGroup&) const = default;
};

// [domain."pattern"]: "example.com" (exactly) or ".example.com" (it and its subdomains).
struct DomainPolicy {
  std::string pattern;
  PolicySettings settings;
  bool operator==(const DomainPolicy&) const = default;
};

// Warm-up of new source IPs: from start (unix day, UTC) the daily cap per IP is daily_caps[day];
// after the last entry the IP is warm (no cap).
struct WarmupSchedule {
  std::int64_t start_day = 0; // days since 1970-01-01 (UTC), from "2026-11-01"
  std::vector<std::uint64_t> daily_caps;
  bool operator==(const WarmupSchedule&) const = default;
};

// [pool.NAME]: source IPs used round-robin, each limited to rate_per_ip and its warm-up cap.
struct IpPool {
  std::string name;
  std::vector<std::string> ips; // IP literals
  std::optional<MessageRate> rate_per_ip;
  std::optional<WarmupSchedule> warmup;
  bool operator==(const IpPool&) const = default;
};

// [campaign."pattern"] ("spring-*", "*") or [tenant.NAME] (the campaign's tags.tenant).
struct SenderPolicy {
  std::string pattern; // campaign id glob, or tenant name
  bool tenant = false; // true for [tenant.NAME]
  std::optional<MessageRate> rate;
  std::optional<std::string> pool;
  bool operator==(const SenderPolicy&) const = default;
};

enum class ThrottleAction : std::uint8_t {
  suspend,   // stop sending to the site for duration (waiting mail is deferred with the reply)
  slow_down, // multiply the site's rate by factor for duration (again on each match, floor 1/min)
  bounce,    // turn the matching reply into a hard bounce (a 4xx that really means "never")
};
const char* to_string(ThrottleAction action);

// [[throttle]]: fires on a server reply that matches every condition given.
struct ThrottleRule {
  std::string name;
  std::optional<int> code;         // 421, 450, 451, ... (or a class digit: 4 = any 4xx)
  std::string status_prefix;       // enhanced status prefix: "4.7.28", "4.7."
  std::string text_pattern;        // ECMAScript regex, case-insensitive, searched in the text
  std::optional<std::regex> text;  // compiled text_pattern
  std::vector<std::string> groups; // limit to these provider groups; empty = every site
  ThrottleAction action = ThrottleAction::suspend;
  std::int64_t duration_ms = 0; // suspend / slow_down
  double factor = 0.5;          // slow_down: 0 < factor < 1
  bool operator==(const ThrottleRule& other) const {
    return name == other.name && code == other.code && status_prefix == other.status_prefix &&
           text_pattern == other.text_pattern && groups == other.groups && action == other.action &&
           duration_ms == other.duration_ms && factor == other.factor;
  }
};

struct RatePolicy {
  PolicySettings defaults;
  std::vector<ProviderGroup> groups; // file order: the first match wins
  std::vector<DomainPolicy> domains; // file order, exact matches before ".parent" ones
  std::vector<IpPool> pools;
  std::vector<SenderPolicy> senders;   // campaigns and tenants, file order
  std::vector<ThrottleRule> throttles; // file order: the first match acts
  std::string source;                  // file path, or "" when there is no policy file
  bool operator==(const RatePolicy&) const = default;
};

// Where a resolved value came from, for `volleyctl policy explain`.
struct SettingOrigin {
  std::string setting; // "max_connections"
  std::string value;   // "10"
  std::string layer;   // "[delivery]", "[defaults]", "[group.gmail]", "[domain.\"x.com\"]"
};

// The settings in force for one domain whose site has these MX hosts, every field set.
struct EffectivePolicy {
  std::string group; // "" when no group matched
  std::uint64_t max_connections = 0;
  std::uint64_t max_messages_per_connection = 0;
  std::uint64_t max_recipients_per_transaction = 0;
  std::optional<MessageRate> site_rate;   // from defaults/group
  std::optional<MessageRate> domain_rate; // from the domain layer
  std::int64_t connect_timeout_ms = 0, greeting_timeout_ms = 0, data_timeout_ms = 0;
  TlsMode tls = TlsMode::opportunistic;
  std::vector<std::int64_t> retry_schedule_s;
  std::int64_t expires_after_s = 0;
  std::string pool; // "" = [delivery] source_ips
  std::vector<SettingOrigin> origins;
};

// Resolves the layers for a domain (lower case) reached through mx_hosts (lower case, may be
// empty for a route). base supplies the [delivery] values; expires_after_s the spool default.
EffectivePolicy resolve_policy(const RatePolicy& policy, const DeliveryConfig& base,
                               std::int64_t expires_after_s, std::string_view domain,
                               const std::vector<std::string>& mx_hosts);

// The first [group] whose patterns match one of the hosts; nullptr if none.
const ProviderGroup* find_provider_group(const RatePolicy& policy,
                                         const std::vector<std::string>& mx_hosts);

// "*.google.com" matches "alt1.aspmx.l.google.com" (any depth) but not "google.com";
// "mx.example.net" matches exactly; case-insensitive.
bool mx_pattern_matches(std::string_view pattern, std::string_view host);

// The campaign/tenant entries that apply to a campaign (id glob match, or tags.tenant).
std::vector<const SenderPolicy*> find_sender_policies(const RatePolicy& policy,
                                                      std::string_view campaign_id,
                                                      std::string_view tenant);

// The first rule that matches the reply of a site in group ("" = no group); nullptr if none.
const ThrottleRule* match_throttle(const RatePolicy& policy, std::string_view group, int code,
                                   std::string_view enhanced_status, std::string_view text);

// The warm-up cap for unix_day, or nullopt once warm (or before start: the first cap applies).
std::optional<std::uint64_t> warmup_cap(const WarmupSchedule& schedule, std::int64_t unix_day);

// "100/s", or "6000/min (burst 200)": a rate as explain and logs show it.
std::string describe_rate(const MessageRate& rate);

// A campaign id glob: '*' matches any run of characters (also none), anything else itself
// (case-sensitive). "spring-*" matches "spring-2026"; "*" matches every id.
bool campaign_glob_matches(std::string_view pattern, std::string_view campaign_id);

// An enhanced-status prefix matches whole components: "4.7" and "4.7." match "4.7.28";
// "4.7.2" matches "4.7.2" but not "4.7.28".
bool status_prefix_matches(std::string_view prefix, std::string_view enhanced_status);

// [domain] patterns: "example.com" matches exactly, ".example.com" also every subdomain.
bool domain_pattern_matches(std::string_view pattern, std::string_view domain);

} // namespace volley::policy
