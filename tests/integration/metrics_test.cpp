// End-to-end test of GET /metrics: the real volleyd delivers a small campaign over STARTTLS to a
// volley-sink on loopback that rejects some recipients (550 5.1.1) and defers the first few
// (451), then the Prometheus text must pass `promtool check metrics` (format and naming lint) and
// hold exact values: outcomes equal to what the sink and the campaign saw, hard bounces by source
// and reason (one more reported by a DSN through POST /v1/bounces/raw), histogram counts equal
// to their counters, the TLS split, per-site series for the sink's site.
// Must never: use a non-loopback address, wait without a deadline, or assert on timing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/delivery_observers.hpp"
#include "support/captured_command.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace volley::testing_support {
namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr std::size_t kGood = 40;
constexpr std::size_t kBad = 6;      // "bad..." recipients: 550 5.1.1 from the sink
constexpr std::size_t kDeferred = 4; // the first 4 other RCPTs: 451, delivered on the retry

// Every sample of the text: "name{labels}" (exactly as written) → value. Comments are skipped.
std::map<std::string, double> parse_samples(const std::string& text) {
  std::map<std::string, double> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos)
      end = text.size();
    const std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line.front() == '#')
      continue;
    const std::size_t space = line.rfind(' ');
    if (space == std::string::npos) {
      ADD_FAILURE() << "sample line without a value: " << line;
      continue;
    }
    const std::string value = line.substr(space + 1);
    out[line.substr(0, space)] = value == "+Inf" ? 1e300 : std::stod(value);
  }
  return out;
}

// The value of one series; fails the test (and returns -1) when it is absent.
double series(const std::map<std::string, double>& samples, const std::string& key) {
  auto it = samples.find(key);
  if (it == samples.end()) {
    ADD_FAILURE() << "no series " << key << " in /metrics";
    return -1;
  }
  return it->second;
}

// Sum of every series of `name` whose labels contain `label_part` ("" = all).
double sum_of(const std::map<std::string, double>& samples, const std::string& name,
              const std::string& label_part = "") {
  double sum = 0;
  for (const auto& [key, value] : samples) {
    const bool same_name = key == name || key.starts_with(name + "{");
    if (same_name && key.find(label_part) != std::string::npos)
      sum += value;
  }
  return sum;
}

// A DSN (RFC 3464) saying `recipient` does not exist; it names none of our recipients, so it is
// stored as reported and counted, but acts on nobody.
std::string user_unknown_dsn(const std::string& recipient) {
  return "From: MAILER-DAEMON@mx.elsewhere.test\r\nTo: <>\r\nSubject: Undelivered Mail\r\n"
         "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
         "boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n"
         "--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; "
         "mx.elsewhere.test\r\n\r\nFinal-Recipient: rfc822; " +
         recipient +
         "\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user "
         "unknown\r\n\r\n--b1--\r\n";
}

std::string metrics_text(tools::ControlClient& client) {
  auto answer = client.request("GET", "/metrics");
  if (!answer || answer->status != 200)
    return {};
  return answer->body;
}

// promtool reads the text on stdin; its findings go to stdout/stderr. Returns (exit, findings).
std::pair<int, std::string> promtool_check(const std::filesystem::path& dir,
                                           const std::string& text) {
  const std::filesystem::path file = dir / "metrics.txt";
  std::ofstream(file, std::ios::binary) << text;
  const CapturedCommand run = capture_command(
      {"/bin/sh", "-c", std::string(kPromtool) + " check metrics < '" + file.string() + "'"},
      std::chrono::seconds(30));
  return {run.exit_code, run.out + run.err};
}

TEST(Metrics, PrometheusTextAfterADeliveryIsValidAndExact) {
  if (!std::filesystem::exists(kPromtool))
    GTEST_SKIP() << kPromtool << " not installed (Debian package prometheus)";
  VolleySinkProcess sink({.args = {"--tls-self-signed", "--fault", "rcpt:550:rcpt~bad", "--fault",
                                   "rcpt:451:first=" + std::to_string(kDeferred)}});
  sink.start();
  VolleydSettings settings;
  settings.delivery_toml = delivery_toml_to(sink.address(), "tls = \"opportunistic\"\n");
  VolleydProcess daemon(settings);
  daemon.start();
  auto client = daemon.client();

  std::vector<std::string> recipients = numbered_recipients(kGood, "metrics.test");
  for (std::size_t i = 0; i < kBad; ++i)
    recipients.push_back("bad" + std::to_string(i) + "@metrics.test");
  ASSERT_EQ(create_campaign(client, "metrics", recipients), kGood + kBad);
  const auto status = await_campaign(client, "metrics", [](const boost::json::value& s) {
    return settled(s) && count_of(s, "delivered") == kGood && count_of(s, "bounced_hard") == kBad;
  });
  ASSERT_TRUE(status.is_object() && settled(status)) << describe(status) << daemon.log();

  // A bounce reported later by DSN counts under its own source.
  auto dsn = client.request("POST", "/v1/bounces/raw", user_unknown_dsn("gone@elsewhere.test"));
  ASSERT_TRUE(dsn.ok());
  ASSERT_EQ(dsn->status, 202) << dsn->body;

  // The site snapshot is published every 500 ms: wait until /metrics shows the settled state.
  const std::string site = "site=\"route:" + sink.address() + "\"";
  std::string text;
  ASSERT_TRUE(wait_until(
      [&] {
        text = metrics_text(client);
        const auto samples = parse_samples(text);
        return samples.count("volley_site_queued_recipients{" + site + "}") == 1 &&
               samples.count("volley_delivery_jobs_in_memory") == 1 &&
               samples.at("volley_delivery_jobs_in_memory") == 0 &&
               sum_of(samples, "volley_site_connections_open") == 0 &&
               samples.count("volley_smtp_connections_open") == 1 &&
               samples.at("volley_smtp_connections_open") == 0;
      },
      std::chrono::seconds(20)))
      << text;

  // (a) promtool: a valid exposition that follows the naming conventions — no findings at all.
  const auto [exit_code, findings] = promtool_check(daemon.dir(), text);
  EXPECT_EQ(exit_code, 0) << findings;
  EXPECT_EQ(findings, "") << "promtool check metrics findings";

  // (b) exact values.
  const auto s = parse_samples(text);
  EXPECT_EQ(sink.stop(), 0);
  const auto sink_stats = sink.stats();
  const double sink_delivered =
      static_cast<double>(sink_stats.at("recipients_delivered").as_int64());
  EXPECT_EQ(sink_delivered, kGood);
  EXPECT_EQ(series(s, "volley_delivery_outcomes_total{kind=\"delivered\"}"), sink_delivered);
  EXPECT_EQ(series(s, "volley_delivery_outcomes_total{kind=\"deferred\"}"), kDeferred)
      << daemon.log();
  EXPECT_EQ(series(s, "volley_delivery_outcomes_total{kind=\"bounced\"}"), kBad);
  EXPECT_EQ(series(s, "volley_delivery_outcomes_total{kind=\"expired\"}"), 0);
  EXPECT_EQ(series(s, "volley_recipients_injected_total"), kGood + kBad);
  EXPECT_EQ(series(s, "volley_recipients_claimed_total"), kGood + kBad + kDeferred);
  EXPECT_EQ(series(s, "volley_recipients{state=\"delivered\"}"), kGood);
  EXPECT_EQ(series(s, "volley_recipients{state=\"bounced_hard\"}"), kBad);

  // Bounces by kind and reason: every bad address is a hard user_unknown from the SMTP reply.
  EXPECT_EQ(sum_of(s, "volley_bounces_total", "source=\"sync\",kind=\"hard\""), kBad);
  EXPECT_EQ(sum_of(s, "volley_bounces_total", "kind=\"soft\""), 0);
  EXPECT_EQ(sum_of(s, "volley_bounces_total"), kBad + 1);
  EXPECT_EQ(series(s, "volley_bounces_total{source=\"dsn\",kind=\"hard\",reason=\"user_unknown\"}"),
            1);
  EXPECT_EQ(
      series(s, "volley_bounces_total{source=\"sync\",kind=\"hard\",reason=\"user_unknown\"}"),
      kBad);

  // Histograms: the latency count is the delivered count; cumulative buckets end at the count.
  EXPECT_EQ(series(s, "volley_delivery_latency_seconds_count"), sink_delivered);
  EXPECT_EQ(series(s, "volley_delivery_latency_seconds_bucket{le=\"+Inf\"}"), sink_delivered);
  EXPECT_LE(series(s, "volley_delivery_latency_seconds_bucket{le=\"0.01\"}"),
            series(s, "volley_delivery_latency_seconds_bucket{le=\"86400\"}"));
  EXPECT_EQ(series(s, "volley_delivery_latency_seconds_bucket{le=\"86400\"}"), sink_delivered);
  EXPECT_GT(series(s, "volley_delivery_latency_seconds_sum"), 0);
  const double commits = series(s, "volley_spool_commits_total");
  EXPECT_GT(commits, 0);
  EXPECT_EQ(series(s, "volley_spool_commit_duration_seconds_count"), commits);
  EXPECT_EQ(series(s, "volley_spool_commit_duration_seconds_bucket{le=\"+Inf\"}"), commits);
  EXPECT_GT(series(s, "volley_spool_commit_duration_seconds_sum"), 0);
  EXPECT_GT(series(s, "volley_spool_size_bytes"), 0);
  EXPECT_GE(series(s, "volley_spool_map_size_bytes"), series(s, "volley_spool_size_bytes"));

  // TLS share: every transaction went over STARTTLS; both labels are present.
  const double tls_yes = series(s, "volley_smtp_transactions_total{tls=\"yes\"}");
  EXPECT_EQ(series(s, "volley_smtp_transactions_total{tls=\"no\"}"), 0);
  EXPECT_EQ(tls_yes, static_cast<double>(sink_stats.at("messages").as_int64()));
  EXPECT_GE(series(s, "volley_smtp_tls_handshakes_total"), 1);
  EXPECT_EQ(series(s, "volley_smtp_transaction_duration_seconds_count"), tls_yes);
  EXPECT_GE(series(s, "volley_smtp_connections_opened_total"), 1);
  EXPECT_EQ(series(s, "volley_smtp_connections_failed_total"), 0);
  EXPECT_EQ(series(s, "volley_smtp_connections_open"), 0);

  // Per-site series for the sink's route (no rate policy: unlimited, factor 1, not throttled).
  EXPECT_EQ(series(s, "volley_site_queued_recipients{" + site + "}"), 0);
  EXPECT_EQ(series(s, "volley_site_connections_open{" + site + "}"), 0);
  EXPECT_EQ(series(s, "volley_site_rate_limit_per_second{" + site + "}"), 0);
  EXPECT_EQ(series(s, "volley_site_rate_factor{" + site + "}"), 1);
  EXPECT_EQ(series(s, "volley_site_suspended{" + site + "}"), 0);
  EXPECT_EQ(series(s, "volley_site_throttled{" + site + "}"), 0);
  EXPECT_EQ(sum_of(s, "volley_throttle_actions_total"), 0);
  EXPECT_EQ(series(s, "volley_throttle_actions_total{action=\"slow_down\"}"), 0);
}

} // namespace
} // namespace volley::testing_support
