// Reading and checking [delivery] (with [delivery.tls_domains]) and [routes]: pool sizes, timeouts,
// the retry schedule, TLS modes, source addresses and fixed routes. Never accepts a value the
// engine could not use as written (port 0, a host name as source address, a decreasing schedule).
#include "policy/delivery_config_reader.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "policy/config_units.hpp"
#include "policy/config_value_checks.hpp"
#include "policy/domain_name.hpp"
#include "policy/host_port.hpp"
#include "policy/pattern_table_reader.hpp"

namespace volley::policy {
namespace {

constexpr std::string_view delivery = "delivery";
constexpr std::uint64_t max_connections_limit = 1'000'000;
constexpr std::uint64_t max_claim_batch = 1'000'000;
constexpr std::uint64_t unlimited = UINT64_MAX;
constexpr std::int64_t max_timeout_ms = 24ll * 3600 * 1000;
constexpr std::int64_t max_retry_delay_s = 3650ll * 86400;
constexpr std::array<TlsMode, 4> tls_modes{TlsMode::off, TlsMode::opportunistic, TlsMode::require,
                                           TlsMode::verify};
constexpr std::string_view tls_modes_list = "off, opportunistic, require, verify";

struct TimeoutKey {
  std::string_view key;
  std::int64_t DeliveryConfig::*field;
  std::int64_t min_ms;
  std::string_view hint;
};

const std::array<TimeoutKey, 6> timeout_keys{{
    {"connect_timeout", &DeliveryConfig::connect_timeout_ms, 1,
     "use 1ms to 24h for the TCP connection to an MX host, e.g. \"30s\""},
    {"greeting_timeout", &DeliveryConfig::greeting_timeout_ms, 1,
     "use 1ms to 24h for the greeting, EHLO and STARTTLS replies, e.g. \"5m\" (RFC 5321)"},
    {"command_timeout", &DeliveryConfig::command_timeout_ms, 1,
     "use 1ms to 24h for the replies to MAIL, RCPT, DATA, RSET and QUIT, e.g. \"5m\""},
    {"data_timeout", &DeliveryConfig::data_timeout_ms, 1,
     "use 1ms to 24h for sending the body and its final reply, e.g. \"10m\" (RFC 5321)"},
    {"idle_timeout", &DeliveryConfig::idle_timeout_ms, 0,
     "use 0s (close at once) to 24h for keeping an idle connection for reuse, e.g. \"5s\""},
    {"site_backoff", &DeliveryConfig::site_backoff_ms, 0,
     "use 0s to 24h for resting a site whose MX hosts all failed, e.g. \"1m\""},
}};

void read_counts(ConfigTableReader& reader, DeliveryConfig& config) {
  std::uint64_t port = config.smtp_port;
  reader.read_count(delivery, "smtp_port", port);
  check_count_range(reader, delivery, "smtp_port", port, 1, 65535,
                    "use a TCP port from 1 to 65535 for MX hosts (default 25)");
  if (!reader.failed(delivery, "smtp_port"))
    config.smtp_port = static_cast<std::uint16_t>(port);
  reader.read_count(delivery, "max_connections", config.max_connections);
  reader.read_count(delivery, "max_connections_per_site", config.max_connections_per_site);
  reader.read_count(delivery, "max_messages_per_connection", config.max_messages_per_connection);
  reader.read_count(delivery, "max_recipients_per_transaction",
                    config.max_recipients_per_transaction);
  reader.read_count(delivery, "claim_batch", config.claim_batch);
  reader.read_count(delivery, "max_queued_in_memory", config.max_queued_in_memory);
  reader.read_count(delivery, "render_threads", config.render_threads);
}

void check_counts(ConfigTableReader& reader, const DeliveryConfig& config) {
  check_count_range(reader, delivery, "max_connections", config.max_connections, 1,
                    max_connections_limit,
                    "use 1 to 1000000 outgoing connections for all sites together (default 1000)");
  check_count_range(reader, delivery, "max_connections_per_site", config.max_connections_per_site,
                    1, unlimited, "use 1 or more connections to one site (default 20)");
  check_not_larger(
      reader, config.max_connections_per_site > config.max_connections,
      {delivery, "max_connections_per_site", std::to_string(config.max_connections_per_site)},
      {delivery, "max_connections", std::to_string(config.max_connections)},
      "one site can never have more connections than all sites together: lower "
      "max_connections_per_site or raise max_connections");
  check_count_range(reader, delivery, "max_messages_per_connection",
                    config.max_messages_per_connection, 1, unlimited,
                    "use 1 or more messages before a connection is closed (default 1000)");
  check_count_range(reader, delivery, "max_recipients_per_transaction",
                    config.max_recipients_per_transaction, 1, unlimited,
                    "use 1 or more RCPT TO per message (default 50; servers must accept 100)");
  check_count_range(reader, delivery, "claim_batch", config.claim_batch, 1, max_claim_batch,
                    "use 1 to 1000000 recipients per claim from the spool (default 1024)");
  check_count_range(reader, delivery, "max_queued_in_memory", config.max_queued_in_memory, 1,
                    unlimited, "use 1 or more claimed recipients (default 20000)");
  check_not_larger(reader, config.claim_batch > config.max_queued_in_memory,
                   {delivery, "claim_batch", std::to_string(config.claim_batch)},
                   {delivery, "max_queued_in_memory", std::to_string(config.max_queued_in_memory)},
                   "one claim must fit in memory: lower claim_batch or raise "
                   "max_queued_in_memory");
  check_count_range(reader, delivery, "render_threads", config.render_threads, 0, 256,
                    "use 0 (one per CPU core) to 256 threads rendering and signing personalised "
                    "messages");
}

void read_timeouts(ConfigTableReader& reader, DeliveryConfig& config) {
  for (const TimeoutKey& timeout : timeout_keys) {
    reader.read_duration_ms(delivery, timeout.key, config.*timeout.field);
    check_duration_range(reader, delivery, timeout.key, config.*timeout.field, timeout.min_ms,
                         max_timeout_ms, 1, timeout.hint);
  }
}

// Parses every entry, then requires 1s..3650d each and no decrease; errors at the entry.
void read_retry_schedule(ConfigTableReader& reader, DeliveryConfig& config) {
  const std::string_view key = "retry_schedule";
  std::vector<ConfigListItem> items;
  reader.read_string_list(delivery, key, items, "write each delay in quotes, e.g. \"15m\"");
  if (!reader.present(delivery, key) || reader.failed(delivery, key))
    return;
  if (items.empty()) {
    return reader.report(delivery, key, key_name(delivery, key) + " is empty",
                         "list at least one delay, e.g. [\"5m\", \"1h\"]; the last one repeats "
                         "until the recipient expires");
  }
  std::vector<std::int64_t> schedule;
  std::size_t previous = 0; // 1-based number of the last valid entry
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string entry = key_name(delivery, key) + " entry " + std::to_string(i + 1);
    auto seconds = parse_duration_text(items[i].text);
    if (!seconds) {
      reader.report_at(items[i].at, delivery, key, entry + ": " + seconds.error().message, "");
      continue;
    }
    if (*seconds < 1 || *seconds > max_retry_delay_s) {
      reader.report_at(items[i].at, delivery, key,
                       entry + " = " + describe_duration(*seconds, 1000) + " is out of range",
                       "use 1s to 3650d");
      continue;
    }
    if (!schedule.empty() && *seconds < schedule.back()) {
      reader.report_at(items[i].at, delivery, key,
                       entry + " (" + describe_duration(*seconds, 1000) + ") is shorter than " +
                           "entry " + std::to_string(previous) + " (" +
                           describe_duration(schedule.back(), 1000) + ")",
                       "delays must not decrease; the last one repeats");
    }
    schedule.push_back(*seconds);
    previous = i + 1;
  }
  if (!reader.failed(delivery, key))
    config.retry_schedule_s = std::move(schedule);
}

void read_tls_mode(ConfigTableReader& reader, DeliveryConfig& config) {
  std::string text = to_string(config.tls);
  reader.read_string(delivery, "tls", text);
  if (reader.failed(delivery, "tls"))
    return;
  if (auto mode = tls_mode_named(text))
    config.tls = *mode;
  else
    reader.report(delivery, "tls", "unknown TLS mode \"" + text + "\"", tls_mode_hint(text));
}

void read_tls_domains(ConfigTableReader& reader, DeliveryConfig& config) {
  const std::string_view key = "tls_domains";
  std::vector<PatternEntry> entries = read_pattern_table(
      reader, delivery, key, "write the TLS mode in quotes, e.g. \"bank.example\" = \"verify\"");
  std::vector<TlsDomainConfig> domains;
  for (const PatternEntry& entry : entries) {
    if (auto mode = tls_mode_named(entry.value)) {
      domains.push_back(TlsDomainConfig{entry.pattern, *mode});
      continue;
    }
    reader.report_at(entry.value_at, delivery, key,
                     map_name(delivery, key) + " \"" + entry.pattern + "\": unknown TLS mode \"" +
                         entry.value + "\"",
                     tls_mode_hint(entry.value));
  }
  if (!reader.failed(delivery, key))
    config.tls_domains = std::move(domains);
}

void read_source_ips(ConfigTableReader& reader, DeliveryConfig& config) {
  const std::string_view key = "source_ips";
  std::vector<ConfigListItem> items;
  reader.read_string_list(delivery, key, items,
                          "write each address in quotes, e.g. \"192.0.2.10\" or \"2001:db8::10\"");
  std::vector<std::string> ips;
  for (const ConfigListItem& item : items) {
    std::string what = key_name(delivery, key) + ": \"" + item.text + "\"";
    std::string_view text = item.text;
    if (text.size() > 2 && text.front() == '[' && text.back() == ']' &&
        is_ip_literal(text.substr(1, text.size() - 2))) {
      reader.report_at(item.at, delivery, key, what + " has brackets",
                       "write the bare address: \"" + std::string(text.substr(1, text.size() - 2)) +
                           "\"");
    } else if (!is_ip_literal(text)) {
      reader.report_at(item.at, delivery, key, what + " is not an IP address",
                       "outgoing connections bind to local addresses: write IPv4 or IPv6 "
                       "literals of this machine, e.g. \"192.0.2.10\" or \"2001:db8::10\"");
    } else if (std::find(ips.begin(), ips.end(), item.text) != ips.end()) {
      reader.report_at(item.at, delivery, key, what + " is listed twice",
                       "list each source address once");
    } else {
      ips.push_back(item.text);
    }
  }
  if (reader.present(delivery, key) && !reader.failed(delivery, key))
    config.source_ips = std::move(ips);
}

// "" (the host name), a domain, or an address literal "[192.0.2.1]" / "[IPv6:2001:db8::1]".
void check_helo_name(ConfigTableReader& reader, const DeliveryConfig& config) {
  std::string_view name = config.helo_name;
  if (name.empty() || reader.failed(delivery, "helo_name"))
    return;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    std::string_view inner = name.substr(1, name.size() - 2);
    if (inner.starts_with("IPv6:"))
      inner.remove_prefix(5);
    if (is_ip_literal(inner))
      return;
  }
  auto checked = check_host_name(name);
  if (!checked) {
    reader.report(delivery, "helo_name",
                  key_name(delivery, "helo_name") + ": " + checked.error().message,
                  "EHLO needs a fully qualified domain name (\"mail.example.com\"), an address "
                  "literal (\"[192.0.2.1]\") or \"\" for this machine's host name");
  }
}

} // namespace

std::optional<TlsMode> tls_mode_named(std::string_view name) {
  for (TlsMode mode : tls_modes) {
    if (name == to_string(mode))
      return mode;
  }
  return std::nullopt;
}

// Unknown TLS mode: "did you mean", also for Postfix's smtp_tls_security_level names.
std::string tls_mode_hint(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> postfix_names{
      {{"none", "off"},
       {"may", "opportunistic"},
       {"encrypt", "require"},
       {"secure", "verify"},
       {"dane", "verify"}}};
  std::string suggestion;
  for (const auto& [postfix, ours] : postfix_names) {
    if (text == postfix)
      suggestion = ours;
  }
  if (suggestion.empty()) {
    std::vector<std::string_view> names;
    for (TlsMode mode : tls_modes)
      names.emplace_back(to_string(mode));
    suggestion = closest_name(text, names);
  }
  std::string list = "(modes: " + std::string(tls_modes_list) + ")";
  return suggestion.empty() ? "use one of " + std::string(tls_modes_list)
                            : "did you mean \"" + suggestion + "\"? " + list;
}

std::vector<SectionSchema> delivery_sections_schema() {
  return {
      {"delivery",
       {"enabled",
        "helo_name",
        "smtp_port",
        "max_connections",
        "max_connections_per_site",
        "max_messages_per_connection",
        "max_recipients_per_transaction",
        "connect_timeout",
        "greeting_timeout",
        "command_timeout",
        "data_timeout",
        "idle_timeout",
        "retry_schedule",
        "site_backoff",
        "tls",
        "tls_domains",
        "tls_ca_file",
        "source_ips",
        "claim_batch",
        "max_queued_in_memory",
        "render_threads"}},
      {"dns", {"servers", "timeout", "tries", "min_ttl", "max_ttl", "negative_ttl", "failure_ttl"}},
      {"routes", {}, true},
  };
}

void read_delivery_section(ConfigTableReader& reader, DeliveryConfig& config) {
  reader.read_bool(delivery, "enabled", config.enabled);
  reader.read_string(delivery, "helo_name", config.helo_name);
  check_helo_name(reader, config);
  read_counts(reader, config);
  check_counts(reader, config);
  read_timeouts(reader, config);
  read_retry_schedule(reader, config);
  read_tls_mode(reader, config);
  read_tls_domains(reader, config);
  reader.read_string(delivery, "tls_ca_file", config.tls_ca_file);
  read_source_ips(reader, config);
}

void read_routes_section(ConfigTableReader& reader, DeliveryConfig& config) {
  std::vector<PatternEntry> entries = read_pattern_table(
      reader, "routes", "", "write the target in quotes, e.g. \".test\" = \"127.0.0.1:2525\"");
  std::vector<RouteConfig> routes;
  for (const PatternEntry& entry : entries) {
    auto target = parse_host_port(entry.value, 0, "mx.example.net:25");
    if (!target) {
      reader.report_at(entry.value_at, "routes", "",
                       "[routes] \"" + entry.pattern + "\": " + target.error().message, "");
      continue;
    }
    routes.push_back(RouteConfig{entry.pattern, target->host, target->port});
  }
  if (!reader.failed("routes", ""))
    config.routes = std::move(routes);
}

} // namespace volley::policy
