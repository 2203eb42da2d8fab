// The [delivery], [dns] and [routes] parts of volleyd's configuration: how the engine connects
// (pool sizes, timeouts, TLS mode, source addresses), retries (backoff schedule, expiry), resolves
// (DNS servers, cache TTLs) and routes (domain → fixed host:port, like Postfix's transport map).
// Plain values only; parsing lives in delivery_config_reader.cpp and dns_config_reader.cpp. Must
// never do I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace volley::policy {

enum class TlsMode : std::uint8_t {
  off,           // never STARTTLS
  opportunistic, // STARTTLS when offered, no certificate check (default, like Postfix "may")
  require,       // STARTTLS must succeed, certificate not checked ("encrypt")
  verify,        // STARTTLS must succeed and the certificate must verify for the MX name ("verify")
};
const char* to_string(TlsMode mode);

// One [routes] entry: "example.test" (exactly this domain), ".test" (any subdomain of test and test
// itself) or "*" (everything else) → host:port. A route skips MX lookup.
struct RouteConfig {
  std::string pattern;
  std::string host; // IP literal or host name (resolved by A/AAAA)
  std::uint16_t port = 25;
  bool operator==(const RouteConfig&) const = default;
};

struct TlsDomainConfig {
  std::string pattern; // same matching as routes
  TlsMode mode = TlsMode::opportunistic;
  bool operator==(const TlsDomainConfig&) const = default;
};

struct DeliveryConfig {
  bool enabled = true;                  // false: volleyd only accepts and stores
  std::string helo_name;                // "" = the machine's host name
  std::uint16_t smtp_port = 25;         // port for MX hosts
  std::uint64_t max_connections = 1000; // all sites together
  std::uint64_t max_connections_per_site = 20;
  std::uint64_t max_messages_per_connection = 1000;
  std::uint64_t max_recipients_per_transaction = 50; // same message, same site (transactional)
  std::int64_t connect_timeout_ms = 30'000;
  std::int64_t greeting_timeout_ms = 300'000; // greeting, EHLO, STARTTLS
  std::int64_t command_timeout_ms = 300'000;  // MAIL, RCPT, DATA, RSET, QUIT
  std::int64_t data_timeout_ms = 600'000;     // sending the body and waiting for the final reply
  std::int64_t idle_timeout_ms = 5'000;       // keep an idle connection open this long for reuse
  std::vector<std::int64_t> retry_schedule_s = {300, 900, 1800, 3600, 7200, 14400}; // last repeats
  std::int64_t site_backoff_ms = 60'000; // a site whose MX hosts all failed rests this long
  TlsMode tls = TlsMode::opportunistic;
  std::vector<TlsDomainConfig> tls_domains;    // per-domain overrides of tls
  std::string tls_ca_file;                     // "" = system CA store (verify mode)
  std::vector<std::string> source_ips;         // bind outgoing connections (round-robin); [] = any
  std::uint64_t claim_batch = 1024;            // recipients taken from the spool per claim
  std::uint64_t max_queued_in_memory = 20'000; // claimed but not yet attempted
  // Threads that personalise + DKIM-sign templated messages, besides the delivery thread (which
  // takes renders between rounds of events); 0 = one per core with the delivery thread counted.
  std::uint64_t render_threads = 0;
  std::vector<RouteConfig> routes;
  bool operator==(const DeliveryConfig&) const = default;
};

struct DnsConfig {
  std::vector<std::string> servers; // "127.0.0.1:5353"; [] = /etc/resolv.conf
  std::int64_t timeout_ms = 5'000;
  std::uint64_t tries = 3;
  std::int64_t min_ttl_s = 60;
  std::int64_t max_ttl_s = 3600;
  std::int64_t negative_ttl_s = 300;
  std::int64_t failure_ttl_s = 30; // SERVFAIL / timeout answers: retried after this long
  bool operator==(const DnsConfig&) const = default;
};

// Route matching: the most specific pattern wins (exact domain, then the longest ".suffix", then
// "*"). Returns nullptr when no route matches (→ MX lookup). domain must be lower-case.
const RouteConfig* find_route(const std::vector<RouteConfig>& routes, std::string_view domain);
TlsMode tls_mode_for(const DeliveryConfig& config, std::string_view domain);

} // namespace volley::policy
