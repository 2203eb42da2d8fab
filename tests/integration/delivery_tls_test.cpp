// End-to-end STARTTLS tests: the real volleyd delivers to volley-sink on loopback under each
// delivery.tls mode (opportunistic, require, verify — with the system store and with tls_ca_file
// naming a certificate made here for "localhost") and per-domain [delivery.tls_domains]. Checks
// what the sink recorded (tls:true/false per message) and that a TLS requirement that cannot be
// met defers with a 4.7.x reply: never a bounce, never a delivery in the clear.
// Never talks to a non-loopback address; never asserts on timing (outcomes and counts, polled
// with deadlines); removes the certificates it makes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
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

using std::chrono::seconds;

constexpr auto kDeadline = seconds(60);

VolleydSettings delivering_to(const std::string& host_port, const std::string& extra_delivery,
                              const std::string& extra_sections = "") {
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml = delivery_toml_to(host_port, extra_delivery, extra_sections);
  return settings;
}

std::string tls_mode(const char* mode) {
  return std::string("tls = \"") + mode + "\"\n";
}

std::int64_t stat_of(const boost::json::object& stats, const char* name) {
  return stats.at(name).as_int64();
}

// A throwaway self-signed certificate (P-256) made with the openssl CLI in a private temp dir,
// removed at scope exit. `alt_names` is the subjectAltName value, e.g. "DNS:localhost".
struct TestCertificate {
  explicit TestCertificate(const std::string& alt_names) {
    std::string pattern = (std::filesystem::temp_directory_path() / "volley-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      return;
    dir = pattern;
    const CapturedCommand openssl =
        capture_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                         "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                         "/CN=localhost", "-addext", "subjectAltName=" + alt_names, "-keyout",
                         key().string(), "-out", cert().string()},
                        seconds(60));
    made = openssl.exit_code == 0;
    error = openssl.err;
  }
  ~TestCertificate() {
    std::error_code ignored;
    if (!dir.empty())
      std::filesystem::remove_all(dir, ignored);
  }
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  std::filesystem::path cert() const { return dir / "cert.pem"; }
  std::filesystem::path key() const { return dir / "key.pem"; }

  std::filesystem::path dir;
  bool made = false;
  std::string error;
};

// Delivers the recipients as one campaign and returns the sink's records (after stopping it).
std::vector<boost::json::object> deliver_all(VolleySinkProcess& sink, VolleydProcess& daemon,
                                             const std::string& id,
                                             const std::vector<std::string>& recipients) {
  auto client = daemon.client();
  EXPECT_EQ(create_campaign(client, id, recipients), recipients.size());
  const std::uint64_t n = recipients.size();
  const auto status = await_campaign(
      client, id, [n](const auto& s) { return settled(s) && count_of(s, "delivered") == n; },
      kDeadline);
  EXPECT_TRUE(status.is_object() && count_of(status, "delivered") == n)
      << describe(status) << "\n"
      << queue_last_errors(client) << daemon.log();
  EXPECT_EQ(sink.stop(), 0);
  EXPECT_EQ(recorded_recipients(sink.records()), once_each(recipients));
  return sink.records();
}

// A TLS requirement the peer cannot meet: every recipient is deferred (again after a retry),
// nothing bounces or expires, the site's last error carries `status` (a 4.7.x code), and the sink
// never accepted a recipient (nothing went out in the clear).
void expect_deferred_for_tls(VolleySinkProcess& sink, VolleydProcess& daemon, const std::string& id,
                             const std::string& status_code, const std::string& detail) {
  auto client = daemon.client();
  const auto recipients = numbered_recipients(2, "tls-needed.test");
  ASSERT_EQ(create_campaign(client, id, recipients), 2u);
  // Deferred twice per recipient: the first attempt and at least one retry after 1 s.
  EXPECT_TRUE(wait_until([&] { return queue_sum(client, "deferred") >= 4; }, kDeadline))
      << queue_last_errors(client) << daemon.log();
  const auto status = campaign_status(client, id);
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "delivered"), 0u);
  EXPECT_EQ(count_of(status, "bounced_hard"), 0u);
  EXPECT_EQ(count_of(status, "bounced_soft"), 0u);
  EXPECT_EQ(count_of(status, "expired"), 0u);
  EXPECT_EQ(
      count_of(status, "deferred") + count_of(status, "in_flight") + count_of(status, "queued"), 2u)
      << describe(status);
  EXPECT_TRUE(campaign_bounces(client, id).empty());
  const std::string errors = queue_last_errors(client);
  EXPECT_NE(errors.find(status_code), std::string::npos) << errors;
  EXPECT_NE(errors.find(detail), std::string::npos) << errors;
  EXPECT_NE(daemon.log().find(status_code), std::string::npos) << daemon.log();
  EXPECT_EQ(sink.stop(), 0);
  const auto stats = sink.stats();
  EXPECT_EQ(stat_of(stats, "messages"), 0);
  EXPECT_EQ(stat_of(stats, "recipients_accepted"), 0);
  EXPECT_TRUE(sink.records().empty());
}

TEST(DeliveryTls, OpportunisticUsesStartTlsWhenOffered) {
  VolleySinkProcess sink({.args = {"--tls-self-signed"}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("opportunistic")));
  daemon.start();
  const auto records = deliver_all(sink, daemon, "opportunistic", numbered_recipients(3, "o.test"));
  ASSERT_FALSE(records.empty());
  for (const auto& record : records)
    EXPECT_TRUE(record.at("tls").as_bool()) << boost::json::serialize(record);
  EXPECT_GE(stat_of(sink.stats(), "tls_sessions"), 1);
  auto client = daemon.client();
  EXPECT_GE(metric_value(client, "volley_smtp_tls_handshakes_total"), 1);
}

TEST(DeliveryTls, OpportunisticFallsBackToPlaintextWithoutStartTls) {
  VolleySinkProcess sink({.args = {}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("opportunistic")));
  daemon.start();
  const auto records = deliver_all(sink, daemon, "plain", numbered_recipients(2, "p.test"));
  ASSERT_FALSE(records.empty());
  for (const auto& record : records)
    EXPECT_FALSE(record.at("tls").as_bool());
}

TEST(DeliveryTls, RequireDeliversOverTls) {
  VolleySinkProcess sink({.args = {"--tls-self-signed"}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("require")));
  daemon.start();
  const auto records = deliver_all(sink, daemon, "require", numbered_recipients(3, "r.test"));
  ASSERT_FALSE(records.empty());
  for (const auto& record : records)
    EXPECT_TRUE(record.at("tls").as_bool()) << boost::json::serialize(record);
}

TEST(DeliveryTls, RequireWithoutStartTlsDefersAndNeverBounces) {
  VolleySinkProcess sink({.args = {}, .record = true}); // no STARTTLS offered
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("require")));
  daemon.start();
  expect_deferred_for_tls(sink, daemon, "require-plain", "4.7.10", "does not offer STARTTLS");
}

TEST(DeliveryTls, VerifyRejectsASelfSignedCertificate) {
  VolleySinkProcess sink({.args = {"--tls-self-signed"}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("verify")));
  daemon.start();
  expect_deferred_for_tls(sink, daemon, "verify-self-signed", "4.7.0", "certificate verify failed");
}

TEST(DeliveryTls, VerifyWithTheCertificateAsCaFileDelivers) {
  const TestCertificate certificate("DNS:localhost");
  ASSERT_TRUE(certificate.made) << certificate.error;
  VolleySinkProcess sink(
      {.args = {"--tls-cert", certificate.cert().string(), "--tls-key", certificate.key().string()},
       .record = true});
  sink.start();
  // The route names the host the certificate is for; verify checks the chain and that name.
  VolleydProcess daemon(delivering_to("localhost:" + std::to_string(sink.port()),
                                      tls_mode("verify") + "tls_ca_file = \"" +
                                          certificate.cert().string() + "\"\n"));
  daemon.start();
  const auto records = deliver_all(sink, daemon, "verify-ca", numbered_recipients(3, "v.test"));
  ASSERT_FALSE(records.empty());
  for (const auto& record : records)
    EXPECT_TRUE(record.at("tls").as_bool()) << boost::json::serialize(record);
}

TEST(DeliveryTls, VerifyRejectsACertificateForAnotherName) {
  // Trusted chain (tls_ca_file), but the route host 127.0.0.1 is not a name of the certificate.
  const TestCertificate certificate("DNS:localhost");
  ASSERT_TRUE(certificate.made) << certificate.error;
  VolleySinkProcess sink(
      {.args = {"--tls-cert", certificate.cert().string(), "--tls-key", certificate.key().string()},
       .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("verify") + "tls_ca_file = \"" +
                                                          certificate.cert().string() + "\"\n"));
  daemon.start();
  expect_deferred_for_tls(sink, daemon, "verify-wrong-name", "4.7.0", "certificate verify failed");
}

TEST(DeliveryTls, PerDomainRequireWhileTheDefaultIsOff) {
  VolleySinkProcess sink({.args = {"--tls-self-signed"}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("off"),
                                      "[delivery.tls_domains]\n\"secure.test\" = \"require\"\n"));
  daemon.start();
  auto client = daemon.client();
  auto recipients = numbered_recipients(3, "secure.test");
  const auto plain = numbered_recipients(3, "plain.test");
  recipients.insert(recipients.end(), plain.begin(), plain.end());
  const auto records = deliver_all(sink, daemon, "mixed", recipients);
  ASSERT_GE(records.size(), 2u); // the two domains are different sites: never one transaction
  std::map<std::string, int> by_tls;
  for (const auto& record : records) {
    const bool tls = record.at("tls").as_bool();
    for (const auto& rcpt : record.at("rcpts").as_array()) {
      const std::string address(rcpt.as_string());
      const bool secure = address.ends_with("@secure.test");
      EXPECT_EQ(tls, secure) << address << " in " << boost::json::serialize(record);
      ++by_tls[tls ? "tls" : "clear"];
    }
  }
  EXPECT_EQ(by_tls["tls"], 3);
  EXPECT_EQ(by_tls["clear"], 3);
  EXPECT_EQ(stat_of(sink.stats(), "tls_sessions"),
            metric_value(client, "volley_smtp_tls_handshakes_total"));
}

TEST(DeliveryTls, OneTlsConnectionCarriesSeveralLargeMessagesIntact) {
  VolleySinkProcess sink({.args = {"--tls-self-signed"}, .record = true, .record_bodies = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), tls_mode("require") +
                                                          "max_recipients_per_transaction = 1\n"
                                                          "max_connections_per_site = 1\n"));
  daemon.start();
  auto client = daemon.client();
  // ~300 KB: many TLS records per message, written in several pieces.
  std::string message = "From: news@sender.test\r\nSubject: large\r\n\r\n";
  for (int i = 0; message.size() < 300 * 1024; ++i)
    message += (i % 50 == 0 ? "." : "") + std::string(70, static_cast<char>('a' + i % 26)) + "\r\n";
  const auto recipients = numbered_recipients(4, "large.test");
  ASSERT_EQ(create_campaign(client, "large", recipients, message), 4u);
  const auto status = await_campaign(
      client, "large", [](const auto& s) { return settled(s) && count_of(s, "delivered") == 4; },
      kDeadline);
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "delivered"), 4u) << describe(status);
  ASSERT_EQ(sink.stop(), 0);

  const auto records = sink.records();
  ASSERT_EQ(records.size(), 4u); // one recipient per transaction
  for (const auto& record : records) {
    EXPECT_TRUE(record.at("tls").as_bool());
    EXPECT_EQ(record.at("size").as_int64(), static_cast<std::int64_t>(message.size()));
    EXPECT_EQ(sink.body(record.at("n").to_number<std::uint64_t>()), message);
  }
  EXPECT_EQ(recorded_recipients(records), once_each(recipients));
  const auto stats = sink.stats();
  EXPECT_EQ(stat_of(stats, "connections"), 1); // all four on one connection, one handshake
  EXPECT_EQ(stat_of(stats, "tls_sessions"), 1);
}

} // namespace
} // namespace volley::testing_support
