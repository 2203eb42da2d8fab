// Reading and checking [dns]. Servers must be IP literals (the resolver cannot look up its own
// servers); never accepts min_ttl above max_ttl or zero tries.
#include "policy/dns_config_reader.hpp"

#include <algorithm>

#include "policy/config_value_checks.hpp"
#include "policy/host_port.hpp"

namespace volley::policy {
namespace {

constexpr std::string_view dns = "dns";
constexpr std::uint64_t max_tries = 20;
constexpr std::int64_t max_timeout_ms = 3600ll * 1000;
constexpr std::int64_t max_ttl_s = 7ll * 86400;

void read_servers(ConfigTableReader& reader, DnsConfig& config) {
  std::vector<ConfigListItem> items;
  reader.read_string_list(dns, "servers", items,
                          "write each server in quotes, e.g. \"127.0.0.1:53\" or \"[::1]:53\"");
  std::vector<std::string> servers;
  for (const ConfigListItem& item : items) {
    std::string what = key_name(dns, "servers") + ": ";
    auto server = parse_host_port(item.text, 53, "127.0.0.1:53");
    if (!server) {
      reader.report_at(item.at, dns, "servers", what + server.error().message, "");
    } else if (!server->host_is_ip) {
      reader.report_at(item.at, dns, "servers",
                       what + "\"" + server->host + "\" is not an IP address",
                       "the resolver needs the address of each DNS server, e.g. \"127.0.0.1\", "
                       "\"127.0.0.1:5353\" or \"[::1]:53\"; [] uses /etc/resolv.conf");
    } else if (std::find(servers.begin(), servers.end(), item.text) != servers.end()) {
      reader.report_at(item.at, dns, "servers", what + "\"" + item.text + "\" is listed twice",
                       "list each server once");
    } else {
      servers.push_back(item.text);
    }
  }
  if (reader.present(dns, "servers") && !reader.failed(dns, "servers"))
    config.servers = std::move(servers);
}

void read_ttls(ConfigTableReader& reader, DnsConfig& config) {
  reader.read_duration(dns, "min_ttl", config.min_ttl_s);
  reader.read_duration(dns, "max_ttl", config.max_ttl_s);
  reader.read_duration(dns, "negative_ttl", config.negative_ttl_s);
  reader.read_duration(dns, "failure_ttl", config.failure_ttl_s);
  check_duration_range(reader, dns, "min_ttl", config.min_ttl_s, 0, max_ttl_s, 1000,
                       "use 0s to 7d: answers are cached at least this long, e.g. \"1m\"");
  check_duration_range(reader, dns, "max_ttl", config.max_ttl_s, 0, max_ttl_s, 1000,
                       "use 0s to 7d: answers are cached at most this long, e.g. \"1h\"");
  check_duration_range(reader, dns, "negative_ttl", config.negative_ttl_s, 0, max_ttl_s, 1000,
                       "use 0s to 7d: \"no such domain\" answers are cached this long, e.g. "
                       "\"5m\"");
  check_duration_range(reader, dns, "failure_ttl", config.failure_ttl_s, 0, max_ttl_s, 1000,
                       "use 0s to 7d: SERVFAIL and timed-out lookups are cached this long, e.g. "
                       "\"30s\"");
  check_not_larger(reader, config.min_ttl_s > config.max_ttl_s,
                   {dns, "min_ttl", describe_duration(config.min_ttl_s, 1000)},
                   {dns, "max_ttl", describe_duration(config.max_ttl_s, 1000)},
                   "the cache time of an answer is its TTL clamped to min_ttl..max_ttl: lower "
                   "min_ttl or raise max_ttl");
}

} // namespace

void read_dns_section(ConfigTableReader& reader, DnsConfig& config) {
  read_servers(reader, config);
  reader.read_duration_ms(dns, "timeout", config.timeout_ms);
  check_duration_range(reader, dns, "timeout", config.timeout_ms, 1, max_timeout_ms, 1,
                       "use 1ms to 1h for one DNS answer, e.g. \"5s\"");
  reader.read_count(dns, "tries", config.tries);
  check_count_range(reader, dns, "tries", config.tries, 1, max_tries,
                    "use 1 to 20 attempts per DNS server (default 3)");
  read_ttls(reader, config);
}

} // namespace volley::policy
