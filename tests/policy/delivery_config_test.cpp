// Tests for the [delivery], [delivery.tls_domains], [dns] and [routes] sections: every key is read
// and every error names file:line:column and a hint (lookup: route_matching_test.cpp). No network,
// no files.
#include <gtest/gtest.h>

#include "policy/config_parsing.hpp"
#include "policy/daemon_config.hpp"
#include "policy/delivery_config.hpp"

namespace volley::policy {
namespace {

using config_test::parse_error;
using config_test::parse_ok;

// For messages whose long hint is tested elsewhere.
::testing::AssertionResult starts_with(const std::string& message, std::string_view prefix) {
  if (message.starts_with(prefix))
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << message << "\" does not start with \"" << prefix << "\"";
}

TEST(DeliveryConfig, ReadsEveryDeliveryKey) {
  DeliveryConfig d = parse_ok(R"([delivery]
enabled = false
helo_name = "mail.example.com"
smtp_port = 2525
max_connections = 500
max_connections_per_site = 500
max_messages_per_connection = 7
max_recipients_per_transaction = 1
connect_timeout = "500ms"
greeting_timeout = "1m30s"
command_timeout = "2m"
data_timeout = "1h"
idle_timeout = "0s"
retry_schedule = ["1m", "1m", "120000ms", "1d"]
site_backoff = "0s"
tls = "verify"
tls_ca_file = "/etc/ssl/ca.pem"
source_ips = ["192.0.2.10", "2001:db8::10"]
claim_batch = 10
max_queued_in_memory = 10
[delivery.tls_domains]
"Bank.Example" = "require"
".example.net" = "off"
"*" = "opportunistic"
)")
                         .delivery;
  EXPECT_FALSE(d.enabled);
  EXPECT_EQ(d.helo_name, "mail.example.com");
  EXPECT_EQ(d.smtp_port, 2525);
  EXPECT_EQ(d.max_connections, 500u);
  EXPECT_EQ(d.max_connections_per_site, 500u);
  EXPECT_EQ(d.max_messages_per_connection, 7u);
  EXPECT_EQ(d.max_recipients_per_transaction, 1u);
  EXPECT_EQ(d.connect_timeout_ms, 500);
  EXPECT_EQ(d.greeting_timeout_ms, 90'000);
  EXPECT_EQ(d.command_timeout_ms, 120'000);
  EXPECT_EQ(d.data_timeout_ms, 3'600'000);
  EXPECT_EQ(d.idle_timeout_ms, 0);
  EXPECT_EQ(d.retry_schedule_s, (std::vector<std::int64_t>{60, 60, 120, 86400}));
  EXPECT_EQ(d.site_backoff_ms, 0);
  EXPECT_EQ(d.tls, TlsMode::verify);
  EXPECT_EQ(d.tls_ca_file, "/etc/ssl/ca.pem");
  EXPECT_EQ(d.source_ips, (std::vector<std::string>{"192.0.2.10", "2001:db8::10"}));
  EXPECT_EQ(d.claim_batch, 10u);
  EXPECT_EQ(d.max_queued_in_memory, 10u);
  EXPECT_EQ(d.tls_domains, (std::vector<TlsDomainConfig>{{"bank.example", TlsMode::require},
                                                         {".example.net", TlsMode::off},
                                                         {"*", TlsMode::opportunistic}}));
  EXPECT_TRUE(d.routes.empty());
}

TEST(DeliveryConfig, ReadsEveryDnsKeyAndRoute) {
  DaemonConfig config = parse_ok(R"([dns]
servers = ["127.0.0.1:5353", "[::1]:53", "192.0.2.53", "::1", "[2001:db8::53]"]
timeout = "250ms"
tries = 1
min_ttl = "0s"
max_ttl = "1d"
negative_ttl = "30s"
failure_ttl = "10s"
[routes]
"*" = "smarthost.example.net:587"
"Example.COM" = "[2001:db8::25]:25"
".test" = "127.0.0.1:2525"
)");
  const DnsConfig& dns = config.dns;
  EXPECT_EQ(dns.servers, (std::vector<std::string>{"127.0.0.1:5353", "[::1]:53", "192.0.2.53",
                                                   "::1", "[2001:db8::53]"}));
  EXPECT_EQ(dns.timeout_ms, 250);
  EXPECT_EQ(dns.tries, 1u);
  EXPECT_EQ(dns.min_ttl_s, 0);
  EXPECT_EQ(dns.max_ttl_s, 86400);
  EXPECT_EQ(dns.negative_ttl_s, 30);
  EXPECT_EQ(dns.failure_ttl_s, 10);
  EXPECT_EQ(config.delivery.routes, (std::vector<RouteConfig>{{"*", "smarthost.example.net", 587},
                                                              {"example.com", "2001:db8::25", 25},
                                                              {".test", "127.0.0.1", 2525}}));
}

TEST(DeliveryConfig, TlsCaFileIsResolvedLikeOtherPaths) {
  const char* text = "[delivery]\ntls_ca_file = \"certs/ca.pem\"\n";
  EXPECT_EQ(parse_ok(text, "/srv/volley").delivery.tls_ca_file, "/srv/volley/certs/ca.pem");
  EXPECT_EQ(parse_ok(text).delivery.tls_ca_file, "certs/ca.pem");
  EXPECT_EQ(parse_ok("", "/srv/volley").delivery.tls_ca_file, "");
}

TEST(DeliveryConfig, UnknownNames) {
  EXPECT_EQ(parse_error("[delivery]\nmax_conections = 5\n"),
            "t.toml:2:1: unknown key `max_conections` in [delivery] — did you mean "
            "`max_connections`?");
  EXPECT_EQ(parse_error("[dns]\ntires = 3\n"),
            "t.toml:2:1: unknown key `tires` in [dns] — did you mean `tries`?");
  EXPECT_EQ(parse_error("[delivery]\ntimeout = \"5s\"\n"),
            "t.toml:2:1: unknown key `timeout` in [delivery] — `timeout` belongs in [dns]");
  EXPECT_EQ(parse_error("[route]\n\".test\" = \"127.0.0.1:25\"\n"),
            "t.toml:1:2: unknown section [route] — did you mean [routes]?");
  EXPECT_EQ(parse_error("routes = \"127.0.0.1:25\"\n"),
            "t.toml:1:10: `routes` must be a section, got string — write [routes] on its own "
            "line, followed by its keys");
}

TEST(DeliveryConfig, WrongTypes) {
  EXPECT_EQ(parse_error("[delivery]\nsmtp_port = \"25\"\n"),
            "t.toml:2:13: `delivery.smtp_port` must be an integer, got string — remove the "
            "quotes: smtp_port = 25");
  EXPECT_EQ(parse_error("[delivery]\nconnect_timeout = 30\n"),
            "t.toml:2:19: `delivery.connect_timeout` must be a duration string, got integer — "
            "write the number with its unit in quotes, e.g. \"30s\", \"5m\", \"500ms\" (a bare "
            "number would be ambiguous)");
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = \"5m\"\n"),
            "t.toml:2:18: `delivery.retry_schedule` must be an array, got string — write the "
            "values in brackets, e.g. retry_schedule = [\"a\", \"b\"]; [] for none");
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = [\"5m\", 900]\n"),
            "t.toml:2:25: `delivery.retry_schedule` entry 2 must be a string, got integer — "
            "write each delay in quotes, e.g. \"15m\"");
  EXPECT_EQ(parse_error("[dns]\nservers = [\"127.0.0.1\", 53]\n"),
            "t.toml:2:25: `dns.servers` entry 2 must be a string, got integer — write each "
            "server in quotes, e.g. \"127.0.0.1:53\" or \"[::1]:53\"");
  EXPECT_EQ(parse_error("[delivery]\ntls_domains = \"verify\"\n"),
            "t.toml:2:15: `delivery.tls_domains` must be a table, got string — write "
            "[delivery.tls_domains] on its own line, followed by \"name\" = \"value\" lines");
  EXPECT_EQ(parse_error("[delivery.tls_domains]\n\"bank.example\" = true\n"),
            "t.toml:2:1: [delivery.tls_domains] entry \"bank.example\" must be a string, got "
            "boolean — write the TLS mode in quotes, e.g. \"bank.example\" = \"verify\"");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = 2525\n"),
            "t.toml:2:1: [routes] entry \".test\" must be a string, got integer — write the "
            "target in quotes, e.g. \".test\" = \"127.0.0.1:2525\"");
  EXPECT_EQ(parse_error("[routes]\nexample.test = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] entry \"example\" must be a string, got table — quote names "
            "that contain dots, e.g. \"example.test\" = ..., or TOML reads them as nested tables");
}

TEST(DeliveryConfig, ImpossibleCounts) {
  EXPECT_EQ(parse_error("[delivery]\nsmtp_port = 0\n"),
            "t.toml:2:13: `delivery.smtp_port` = 0 is out of range — use a TCP port from 1 to "
            "65535 for MX hosts (default 25)");
  EXPECT_EQ(parse_error("[delivery]\nsmtp_port = 65536\n"),
            "t.toml:2:13: `delivery.smtp_port` = 65536 is out of range — use a TCP port from 1 "
            "to 65535 for MX hosts (default 25)");
  EXPECT_EQ(parse_error("[delivery]\nmax_connections = 0\n"),
            "t.toml:2:19: `delivery.max_connections` = 0 is out of range — use 1 to 1000000 "
            "outgoing connections for all sites together (default 1000)");
  EXPECT_EQ(parse_error("[delivery]\nmax_connections_per_site = 0\n"),
            "t.toml:2:28: `delivery.max_connections_per_site` = 0 is out of range — use 1 or more "
            "connections to one site (default 20)");
  EXPECT_EQ(parse_error("[delivery]\nmax_messages_per_connection = 0\n"),
            "t.toml:2:31: `delivery.max_messages_per_connection` = 0 is out of range — use 1 or "
            "more messages before a connection is closed (default 1000)");
  EXPECT_EQ(parse_error("[delivery]\nmax_recipients_per_transaction = 0\n"),
            "t.toml:2:34: `delivery.max_recipients_per_transaction` = 0 is out of range — use 1 "
            "or more RCPT TO per message (default 50; servers must accept 100)");
  EXPECT_EQ(parse_error("[delivery]\nclaim_batch = 0\n"),
            "t.toml:2:15: `delivery.claim_batch` = 0 is out of range — use 1 to 1000000 "
            "recipients per claim from the spool (default 1024)");
  EXPECT_EQ(parse_error("[delivery]\nmax_queued_in_memory = 0\n"),
            "t.toml:2:24: `delivery.max_queued_in_memory` = 0 is out of range — use 1 or more "
            "claimed recipients (default 20000)");
  EXPECT_EQ(parse_error("[delivery]\nmax_connections = -1\n"),
            "t.toml:2:19: `delivery.max_connections` must not be negative, got -1 — write a "
            "whole number of 0 or more");
  EXPECT_EQ(parse_error("[dns]\ntries = 0\n"),
            "t.toml:2:9: `dns.tries` = 0 is out of range — use 1 to 20 attempts per DNS server "
            "(default 3)");
  EXPECT_EQ(parse_error("[dns]\ntries = 21\n"),
            "t.toml:2:9: `dns.tries` = 21 is out of range — use 1 to 20 attempts per DNS server "
            "(default 3)");
}

TEST(DeliveryConfig, RelatedCountsAreReportedAtTheKeyInTheFile) {
  const std::string per_site = "`delivery.max_connections_per_site` (30) is larger than "
                               "`delivery.max_connections` (10) — one site can never have more "
                               "connections than all sites together: lower "
                               "max_connections_per_site or raise max_connections";
  EXPECT_EQ(parse_error("[delivery]\nmax_connections = 10\nmax_connections_per_site = 30\n"),
            "t.toml:3:28: " + per_site);
  EXPECT_EQ(parse_error("[delivery]\nmax_connections = 10\n"),
            "t.toml:2:19: `delivery.max_connections_per_site` (20) is larger than "
            "`delivery.max_connections` (10) — one site can never have more connections than all "
            "sites together: lower max_connections_per_site or raise max_connections");
  EXPECT_EQ(parse_error("[delivery]\nclaim_batch = 30000\n"),
            "t.toml:2:15: `delivery.claim_batch` (30000) is larger than "
            "`delivery.max_queued_in_memory` (20000) — one claim must fit in memory: lower "
            "claim_batch or raise max_queued_in_memory");
  // No follow-up error when one side is invalid itself.
  EXPECT_EQ(parse_error("[delivery]\nmax_connections = 0\n"),
            "t.toml:2:19: `delivery.max_connections` = 0 is out of range — use 1 to 1000000 "
            "outgoing connections for all sites together (default 1000)");
}

TEST(DeliveryConfig, ImpossibleDurations) {
  EXPECT_EQ(parse_error("[delivery]\nconnect_timeout = \"0s\"\n"),
            "t.toml:2:19: `delivery.connect_timeout` = 0s is out of range — use 1ms to 24h for "
            "the TCP connection to an MX host, e.g. \"30s\"");
  EXPECT_TRUE(starts_with(parse_error("[delivery]\ngreeting_timeout = \"0ms\"\n"),
                          "t.toml:2:20: `delivery.greeting_timeout` = 0s is out of range — "));
  EXPECT_EQ(parse_error("[delivery]\ncommand_timeout = \"1d1ms\"\n"),
            "t.toml:2:19: `delivery.command_timeout` = 86400001ms is out of range — use 1ms to "
            "24h for the replies to MAIL, RCPT, DATA, RSET and QUIT, e.g. \"5m\"");
  EXPECT_EQ(parse_error("[delivery]\ndata_timeout = \"25h\"\n"),
            "t.toml:2:16: `delivery.data_timeout` = 25h is out of range — use 1ms to 24h for "
            "sending the body and its final reply, e.g. \"10m\" (RFC 5321)");
  EXPECT_EQ(parse_error("[delivery]\nidle_timeout = \"2d\"\n"),
            "t.toml:2:16: `delivery.idle_timeout` = 2d is out of range — use 0s (close at once) "
            "to 24h for keeping an idle connection for reuse, e.g. \"5s\"");
  EXPECT_EQ(parse_error("[delivery]\nsite_backoff = \"5x\"\n"),
            "t.toml:2:16: `delivery.site_backoff`: unknown duration unit `x` in \"5x\" — write a "
            "number with a unit d, h, m, s or ms, e.g. \"30s\", \"5m\", \"500ms\" or \"1m30s\"");
  EXPECT_EQ(parse_error("[dns]\ntimeout = \"0s\"\n"),
            "t.toml:2:11: `dns.timeout` = 0s is out of range — use 1ms to 1h for one DNS answer, "
            "e.g. \"5s\"");
  EXPECT_EQ(parse_error("[dns]\nnegative_ttl = \"8d\"\n"),
            "t.toml:2:16: `dns.negative_ttl` = 8d is out of range — use 0s to 7d: \"no such "
            "domain\" answers are cached this long, e.g. \"5m\"");
  EXPECT_EQ(parse_error("[dns]\nmin_ttl = \"1500ms\"\n"),
            "t.toml:2:11: `dns.min_ttl`: duration \"1500ms\" is not a whole number of seconds — "
            "this setting counts seconds, e.g. \"1s\" or \"30s\"");
}

TEST(DeliveryConfig, TtlBoundsMustBeOrdered) {
  EXPECT_EQ(parse_error("[dns]\nmin_ttl = \"2h\"\nmax_ttl = \"1h\"\n"),
            "t.toml:2:11: `dns.min_ttl` (2h) is larger than `dns.max_ttl` (1h) — the cache time "
            "of an answer is its TTL clamped to min_ttl..max_ttl: lower min_ttl or raise max_ttl");
  EXPECT_TRUE(
      starts_with(parse_error("[dns]\nmax_ttl = \"30s\"\n"),
                  "t.toml:2:11: `dns.min_ttl` (1m) is larger than `dns.max_ttl` (30s) — the"));
  EXPECT_EQ(parse_ok("[dns]\nmin_ttl = \"0s\"\nmax_ttl = \"0s\"\n").dns.max_ttl_s, 0);
}

TEST(DeliveryConfig, RetrySchedule) {
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = []\n"),
            "t.toml:2:18: `delivery.retry_schedule` is empty — list at least one delay, e.g. "
            "[\"5m\", \"1h\"]; the last one repeats until the recipient expires");
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = [\"5m\", \"1h\", \"30m\"]\n"),
            "t.toml:2:31: `delivery.retry_schedule` entry 3 (30m) is shorter than entry 2 (1h) "
            "— delays must not decrease; the last one repeats");
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = [\"0s\"]\n"),
            "t.toml:2:19: `delivery.retry_schedule` entry 1 = 0s is out of range — use 1s to "
            "3650d");
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = [\"5m\", \"3651d\"]\n"),
            "t.toml:2:25: `delivery.retry_schedule` entry 2 = 3651d is out of range — use 1s to "
            "3650d");
  // Every bad entry is reported, each at its own column.
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = [\"5 m\", \"1h\", \"500ms\"]\n"),
            "t.toml:2:19: `delivery.retry_schedule` entry 1: unknown duration unit ` ` in \"5 "
            "m\" — write a number with a unit d, h, m or s, e.g. \"72h\", \"30m\", \"45s\", "
            "\"3d\" or \"1h30m\"\n"
            "t.toml:2:32: `delivery.retry_schedule` entry 3: duration \"500ms\" is not a whole "
            "number of seconds — this setting counts seconds, e.g. \"1s\" or \"30s\"");
  // An invalid entry is skipped when checking the order of the next one.
  EXPECT_EQ(parse_error("[delivery]\nretry_schedule = [\"1h\", \"0s\", \"2h\", \"90m\"]\n"),
            "t.toml:2:25: `delivery.retry_schedule` entry 2 = 0s is out of range — use 1s to "
            "3650d\n"
            "t.toml:2:37: `delivery.retry_schedule` entry 4 (90m) is shorter than entry 3 (2h) — "
            "delays must not decrease; the last one repeats");
  EXPECT_EQ(parse_ok("[delivery]\nretry_schedule = [\"1h\"]\n").delivery.retry_schedule_s,
            std::vector<std::int64_t>{3600});
}

TEST(DeliveryConfig, TlsModes) {
  EXPECT_EQ(parse_error("[delivery]\ntls = \"verfy\"\n"),
            "t.toml:2:7: unknown TLS mode \"verfy\" — did you mean \"verify\"? (modes: off, "
            "opportunistic, require, verify)");
  EXPECT_EQ(parse_error("[delivery]\ntls = \"may\"\n"),
            "t.toml:2:7: unknown TLS mode \"may\" — did you mean \"opportunistic\"? (modes: off, "
            "opportunistic, require, verify)");
  EXPECT_TRUE(
      starts_with(parse_error("[delivery]\ntls = \"encrypt\"\n"),
                  "t.toml:2:7: unknown TLS mode \"encrypt\" — did you mean \"require\"? (modes"));
  EXPECT_EQ(parse_error("[delivery]\ntls = \"strict\"\n"),
            "t.toml:2:7: unknown TLS mode \"strict\" — use one of off, opportunistic, require, "
            "verify");
  for (TlsMode mode : {TlsMode::off, TlsMode::opportunistic, TlsMode::require, TlsMode::verify}) {
    std::string text = std::string("[delivery]\ntls = \"") + to_string(mode) + "\"\n";
    EXPECT_EQ(parse_ok(text).delivery.tls, mode) << text;
  }
}

TEST(DeliveryConfig, TlsDomainErrors) {
  EXPECT_EQ(parse_error("[delivery.tls_domains]\n\"bank.example\" = \"secure\"\n"),
            "t.toml:2:18: [delivery.tls_domains] \"bank.example\": unknown TLS mode \"secure\" — "
            "did you mean \"verify\"? (modes: off, opportunistic, require, verify)");
  EXPECT_EQ(parse_error("[delivery.tls_domains]\n\"*.example\" = \"verify\"\n"),
            "t.toml:2:1: [delivery.tls_domains] pattern \"*.example\" is not supported — write "
            "\".example\" for the domain and all its subdomains");
  EXPECT_EQ(parse_error("[delivery.tls_domains]\n\"a.example\" = \"off\"\n\"A.Example\" = "
                        "\"verify\"\n"),
            "t.toml:3:1: [delivery.tls_domains] pattern \"A.Example\" repeats \"a.example\" of "
            "line 2 — patterns are case-insensitive: keep one entry");
}

TEST(DeliveryConfig, SourceIps) {
  EXPECT_EQ(parse_error("[delivery]\nsource_ips = [\"192.0.2.1\", \"mail.example.com\"]\n"),
            "t.toml:2:28: `delivery.source_ips`: \"mail.example.com\" is not an IP address — "
            "outgoing connections bind to local addresses: write IPv4 or IPv6 literals of this "
            "machine, e.g. \"192.0.2.10\" or \"2001:db8::10\"");
  EXPECT_EQ(parse_error("[delivery]\nsource_ips = [\"[2001:db8::1]\"]\n"),
            "t.toml:2:15: `delivery.source_ips`: \"[2001:db8::1]\" has brackets — write the bare "
            "address: \"2001:db8::1\"");
  EXPECT_EQ(parse_error("[delivery]\nsource_ips = [\"192.0.2.1\", \"192.0.2.1\"]\n"),
            "t.toml:2:28: `delivery.source_ips`: \"192.0.2.1\" is listed twice — list each source "
            "address once");
  EXPECT_TRUE(
      starts_with(parse_error("[delivery]\nsource_ips = [\"192.0.2.256\"]\n"),
                  "t.toml:2:15: `delivery.source_ips`: \"192.0.2.256\" is not an IP address"));
}

TEST(DeliveryConfig, HeloName) {
  for (const char* name : {"mail.example.com", "localhost", "[192.0.2.1]", "[IPv6:2001:db8::1]"}) {
    std::string text = std::string("[delivery]\nhelo_name = \"") + name + "\"\n";
    EXPECT_EQ(parse_ok(text).delivery.helo_name, name);
  }
  EXPECT_EQ(parse_error("[delivery]\nhelo_name = \"mail example\"\n"),
            "t.toml:2:13: `delivery.helo_name`: host name \"mail example\" contains a space — "
            "remove the spaces — EHLO needs a fully qualified domain name (\"mail.example.com\"), "
            "an address literal (\"[192.0.2.1]\") or \"\" for this machine's host name");
  EXPECT_TRUE(starts_with(parse_error("[delivery]\nhelo_name = \"[mail]\"\n"),
                          "t.toml:2:13: `delivery.helo_name`: host name \"[mail]\" contains '['"));
}

TEST(DeliveryConfig, DnsServers) {
  EXPECT_EQ(parse_error("[dns]\nservers = [\"dns.example.net\"]\n"),
            "t.toml:2:12: `dns.servers`: \"dns.example.net\" is not an IP address — the resolver "
            "needs the address of each DNS server, e.g. \"127.0.0.1\", \"127.0.0.1:5353\" or "
            "\"[::1]:53\"; [] uses /etc/resolv.conf");
  EXPECT_EQ(parse_error("[dns]\nservers = [\"127.0.0.1:0\"]\n"),
            "t.toml:2:12: `dns.servers`: port 0 in \"127.0.0.1:0\" is out of range — use 1-65535");
  EXPECT_EQ(parse_error("[dns]\nservers = [\"[127.0.0.1]:53\"]\n"),
            "t.toml:2:12: `dns.servers`: \"127.0.0.1\" in \"[127.0.0.1]:53\" is not an IPv6 "
            "address — brackets are only for IPv6 addresses");
  EXPECT_EQ(parse_error("[dns]\nservers = [\"::1:53:x\"]\n"),
            "t.toml:2:12: `dns.servers`: IPv6 address in \"::1:53:x\" needs brackets — write "
            "\"[address]:port\", e.g. \"[::1]:53\"");
  EXPECT_EQ(parse_error("[dns]\nservers = [\"127.0.0.1\", \"127.0.0.1\"]\n"),
            "t.toml:2:25: `dns.servers`: \"127.0.0.1\" is listed twice — list each server once");
}

TEST(DeliveryConfig, RoutePatternErrors) {
  EXPECT_EQ(parse_error("[routes]\n\"a b.test\" = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] pattern \"a b.test\" contains a space — remove the spaces");
  EXPECT_EQ(parse_error("[routes]\n\"a..test\" = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] pattern \"a..test\" has an empty label — remove the extra '.' "
            "(no leading, trailing or doubled dots)");
  EXPECT_TRUE(starts_with(parse_error("[routes]\n\"test.\" = \"127.0.0.1:25\"\n"),
                          "t.toml:2:1: [routes] pattern \"test.\" has an empty label"));
  EXPECT_EQ(parse_error("[routes]\n\"\" = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] empty pattern \"\" — write \"*\" (every domain), a domain "
            "(\"example.com\") or \".example.com\" (the domain and all its subdomains)");
  EXPECT_EQ(parse_error("[routes]\n\"*.test\" = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] pattern \"*.test\" is not supported — write \".test\" for the "
            "domain and all its subdomains");
  EXPECT_EQ(parse_error("[routes]\n\"mx_1.test\" = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] pattern \"mx_1.test\" contains '_' — use only letters, digits, "
            "'-' and '.'");
  EXPECT_EQ(parse_error("[routes]\n\"bücher.test\" = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] pattern \"bücher.test\" contains a non-ASCII character — write "
            "internationalised names as A-labels (\"xn--...\")");
  EXPECT_EQ(parse_error("[routes]\n\"-a.test\" = \"127.0.0.1:25\"\n"),
            "t.toml:2:1: [routes] pattern \"-a.test\": label \"-a\" starts or ends with '-' — a "
            "hyphen may only be inside a label");
  EXPECT_EQ(parse_error("[routes]\n\"Example.test\" = \"127.0.0.1:25\"\n\"example.TEST\" = "
                        "\"127.0.0.1:26\"\n"),
            "t.toml:3:1: [routes] pattern \"example.TEST\" repeats \"example.test\" of line 2 — "
            "patterns are case-insensitive: keep one entry");
}

TEST(DeliveryConfig, RouteTargetErrors) {
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"127.0.0.1\"\n"),
            "t.toml:2:11: [routes] \".test\": \"127.0.0.1\" has no port — write host:port, e.g. "
            "\"mx.example.net:25\"");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"127.0.0.1:0\"\n"),
            "t.toml:2:11: [routes] \".test\": port 0 in \"127.0.0.1:0\" is out of range — use "
            "1-65535");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"mx.test:70000\"\n"),
            "t.toml:2:11: [routes] \".test\": port 70000 in \"mx.test:70000\" is out of range — "
            "use 1-65535");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"mx.test:smtp\"\n"),
            "t.toml:2:11: [routes] \".test\": port \"smtp\" in \"mx.test:smtp\" is not a number — "
            "write host:port, e.g. \"mx.example.net:25\"");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"::1:25\"\n"),
            "t.toml:2:11: [routes] \".test\": IPv6 address in \"::1:25\" needs brackets — write "
            "\"[address]:port\", e.g. \"[::1]:25\"");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"[mx.test]:25\"\n"),
            "t.toml:2:11: [routes] \".test\": \"mx.test\" in \"[mx.test]:25\" is not an IPv6 "
            "address — brackets are only for IPv6 addresses");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"mx test:25\"\n"),
            "t.toml:2:11: [routes] \".test\": in \"mx test:25\": host name \"mx test\" contains a "
            "space — remove the spaces");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"127.0.0.300:25\"\n"),
            "t.toml:2:11: [routes] \".test\": in \"127.0.0.300:25\": host name \"127.0.0.300\" "
            "ends in a numeric label — it is neither a domain nor a valid IP address");
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \":25\"\n"),
            "t.toml:2:11: [routes] \".test\": in \":25\": empty host name — write a name such as "
            "\"mx.example.com\"");
}

TEST(DeliveryConfig, ErrorsOfAllSectionsInFileOrder) {
  EXPECT_EQ(parse_error("[routes]\n\".test\" = \"x\"\n[dns]\ntries = 0\n[delivery]\ntls = "
                        "\"tls\"\n"),
            "t.toml:2:11: [routes] \".test\": \"x\" has no port — write host:port, e.g. "
            "\"mx.example.net:25\"\n"
            "t.toml:4:9: `dns.tries` = 0 is out of range — use 1 to 20 attempts per DNS server "
            "(default 3)\n"
            "t.toml:6:7: unknown TLS mode \"tls\" — use one of off, opportunistic, require, "
            "verify");
}

} // namespace
} // namespace volley::policy
