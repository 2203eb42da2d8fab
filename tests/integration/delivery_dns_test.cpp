// End-to-end MX routing tests: the real volleyd resolves recipient domains through a real dnsmasq
// (no [routes] table) and delivers to real volley-sinks on 127.0.0.x: plain MX, failover from a
// refusing or 421-answering first MX to the second, null MX and NXDOMAIN (hard bounces with their
// enhanced status), implicit MX, a silent DNS server (deferral, never a bounce), and two domains
// sharing one site; and what happens while a lookup runs: a pause holds the recipients, SIGTERM
// returns them untried. Every A record is a 127.x address; never asserts on timing.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/json_answer.hpp"
#include "integration/lifecycle_checks.hpp"
#include "integration/loopback_dns_peers.hpp"
#include "queue/spool.hpp"
#include "support/dnsmasq_server.hpp"
#include "support/silent_dns_server.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;

// [delivery] without routes, MX hosts contacted on the sink's port, [dns] pointing at `server`.
std::string mx_delivery_toml(std::uint16_t smtp_port, const std::string& dns_server,
                             const std::string& dns_timeout = "500ms") {
  return delivery_toml_to("", "smtp_port = " + std::to_string(smtp_port) + "\ntls = \"off\"\n",
                          "[dns]\nservers = [\"" + dns_server + "\"]\ntimeout = \"" + dns_timeout +
                              "\"\ntries = 1\n");
}

boost::json::array bounces_of(volley::tools::ControlClient& client, const std::string& id) {
  auto answer = client.request("GET", "/v1/bounces?campaign=" + id + "&limit=1000");
  EXPECT_TRUE(answer);
  if (!answer || answer->status != 200)
    return {};
  return parse_answer(answer->body).at("records").as_array();
}

// Everything a DNS test needs: dnsmasq (records added by the test before start()), a recording
// volley-sink on 127.0.0.1:<port> and a volleyd whose MX hosts are contacted on that port.
struct MxWorld {
  DnsmasqServer dns;
  VolleySinkProcess sink{{.args = {}, .record = true}};
  std::unique_ptr<VolleydProcess> daemon;

  void start_sink() {
    if (!sink.running())
      sink.start();
  }
  void start(const std::string& dns_server = "", const std::string& dns_timeout = "500ms") {
    start_sink();
    std::string server = dns_server;
    if (server.empty()) {
      dns.start();
      server = dns.server();
    }
    VolleydSettings settings;
    settings.delivery_toml = mx_delivery_toml(sink.port(), server, dns_timeout);
    daemon = std::make_unique<VolleydProcess>(settings);
    daemon->start();
  }
  boost::json::value settle(const std::string& id,
                            std::function<bool(const boost::json::value&)> done) {
    auto client = daemon->client();
    return wait_for_campaign(client, id, done, 60s);
  }
};

bool all_delivered(const boost::json::value& s, std::uint64_t n) {
  return settled(s) && count_of(s, "delivered") == n;
}

TEST(DeliveryDns, DeliversToTheMxHostOfTheDomain) {
  MxWorld world;
  world.dns.mx("mx.test", "mx1.mx.test", 10).address("mx1.mx.test", "127.0.0.1");
  world.start();
  auto client = world.daemon->client();
  const auto recipients = numbered_recipients(20, "mx.test");
  ASSERT_EQ(create_campaign(client, "plain", recipients), 20u);

  auto status = world.settle("plain", [](const auto& s) { return all_delivered(s, 20); });
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "delivered"), 20u) << status;
  EXPECT_EQ(count_of(status, "bounced_hard"), 0u) << status;
  EXPECT_EQ(count_of(status, "deferred"), 0u) << status;
  auto counts = sink_recipient_counts(world.sink);
  EXPECT_EQ(counts.size(), 20u);
  for (const auto& r : recipients)
    EXPECT_EQ(counts[r], 1) << r;
  EXPECT_GE(world.dns.query_count("mx.test", "MX"), 1u);
  EXPECT_GE(world.dns.query_count("mx1.mx.test", "A"), 1u);
}

TEST(DeliveryDns, FailsOverToTheSecondMxWhenTheFirstRefusesConnections) {
  MxWorld world;
  world.start_sink();
  // Nothing may listen on 127.0.0.2:<sink port>: the first MX must refuse the connection.
  ASSERT_TRUE(tcp_port_free("127.0.0.2", world.sink.port()));
  world.dns.mx("fail.test", "first.fail.test", 10)
      .address("first.fail.test", "127.0.0.2")
      .mx("fail.test", "second.fail.test", 20)
      .address("second.fail.test", "127.0.0.1");
  world.start();
  auto client = world.daemon->client();
  ASSERT_EQ(create_campaign(client, "failover", numbered_recipients(10, "fail.test")), 10u);

  auto status = world.settle("failover", [](const auto& s) { return all_delivered(s, 10); });
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "delivered"), 10u) << status;
  EXPECT_EQ(count_of(status, "deferred"), 0u) << status;
  EXPECT_EQ(sink_recipients(world.sink), 10u);
  const std::string log = world.daemon->log();
  const std::string first = "first.fail.test[127.0.0.2]:" + std::to_string(world.sink.port());
  EXPECT_NE(log.find(first), std::string::npos) << "the log does not name the first MX:\n" << log;
  EXPECT_NE(log.find("trying the next MX host"), std::string::npos) << log;
}

TEST(DeliveryDns, FailsOverToTheSecondMxWhenTheFirstAnswers421) {
  MxWorld world;
  // The 421 sink must listen on 127.0.0.3 at the same port as the good sink (smtp_port is global):
  // take the good sink's port and retry with a new sink in the rare case it is taken there.
  std::unique_ptr<FixedAddressSink> busy;
  for (int attempt = 0; attempt < 5 && !busy; ++attempt) {
    world.start_sink();
    if (tcp_port_free("127.0.0.3", world.sink.port())) {
      busy = std::make_unique<FixedAddressSink>("127.0.0.3:" + std::to_string(world.sink.port()),
                                                std::vector<std::string>{"--fault", "connect:421"});
      busy->start();
    } else {
      world.sink.stop();
    }
  }
  ASSERT_TRUE(busy) << "no port free on both 127.0.0.1 and 127.0.0.3";
  world.dns.mx("busy.test", "mx1.busy.test", 10)
      .address("mx1.busy.test", "127.0.0.3")
      .mx("busy.test", "mx2.busy.test", 20)
      .address("mx2.busy.test", "127.0.0.1");
  world.start();
  auto client = world.daemon->client();
  ASSERT_EQ(create_campaign(client, "busy", numbered_recipients(10, "busy.test")), 10u);

  auto status = world.settle("busy", [](const auto& s) { return all_delivered(s, 10); });
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "delivered"), 10u) << status;
  EXPECT_EQ(count_of(status, "deferred"), 0u) << status;
  EXPECT_EQ(sink_recipients(world.sink), 10u);
  busy->stop();
  auto busy_stats = busy->stats();
  EXPECT_GE(busy_stats.at("connections").as_int64(), 1) << "the first MX was never tried";
  EXPECT_EQ(busy_stats.at("messages").as_int64(), 0);
  const std::string log = world.daemon->log();
  EXPECT_NE(log.find("mx1.busy.test[127.0.0.3]"), std::string::npos) << log;
  EXPECT_NE(log.find("421"), std::string::npos) << log;
}

TEST(DeliveryDns, NullMxBouncesHardWithoutConnecting) {
  MxWorld world;
  world.dns.null_mx("null.test");
  world.start();
  auto client = world.daemon->client();
  ASSERT_EQ(create_campaign(client, "nullmx", numbered_recipients(5, "null.test")), 5u);

  auto status = world.settle(
      "nullmx", [](const auto& s) { return settled(s) && count_of(s, "bounced_hard") == 5; });
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "bounced_hard"), 5u) << status;
  EXPECT_EQ(count_of(status, "delivered"), 0u) << status;
  EXPECT_EQ(count_of(status, "deferred"), 0u) << status;
  auto records = bounces_of(client, "nullmx");
  ASSERT_EQ(records.size(), 5u);
  for (const auto& r : records) {
    EXPECT_EQ(r.at("kind").as_string(), "hard") << r;
    EXPECT_EQ(r.at("status").as_string(), "5.1.10") << r;
    EXPECT_EQ(r.at("smtp_code").to_number<int>(), 556) << r;
  }
  ASSERT_EQ(world.sink.stop(), 0);
  EXPECT_EQ(world.sink.stats().at("connections").as_int64(), 0) << "a null MX domain was contacted";
}

TEST(DeliveryDns, NxdomainBouncesHardAndImplicitMxDelivers) {
  MxWorld world;
  world.dns.address("bare.test", "127.0.0.1"); // no MX: RFC 5321 §5.1 implicit MX
  world.start();
  auto client = world.daemon->client();
  auto recipients = numbered_recipients(4, "ghost.test"); // NXDOMAIN (local domain "test")
  for (const auto& r : numbered_recipients(6, "bare.test"))
    recipients.push_back(r);
  ASSERT_EQ(create_campaign(client, "mixed", recipients), 10u);

  auto status = world.settle("mixed", [](const auto& s) {
    return settled(s) && count_of(s, "bounced_hard") + count_of(s, "delivered") == 10;
  });
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "bounced_hard"), 4u) << status;
  EXPECT_EQ(count_of(status, "delivered"), 6u) << status;
  auto records = bounces_of(client, "mixed");
  ASSERT_EQ(records.size(), 4u);
  for (const auto& r : records) {
    EXPECT_NE(std::string(r.at("recipient").as_string()).find("@ghost.test"), std::string::npos);
    EXPECT_EQ(r.at("kind").as_string(), "hard") << r;
    EXPECT_EQ(r.at("status").as_string(), "5.1.2") << r;
    EXPECT_EQ(r.at("smtp_code").to_number<int>(), 550) << r;
  }
  auto counts = sink_recipient_counts(world.sink);
  EXPECT_EQ(counts.size(), 6u);
  for (const auto& [address, n] : counts) {
    EXPECT_NE(address.find("@bare.test"), std::string::npos) << address;
    EXPECT_EQ(n, 1) << address;
  }
}

TEST(DeliveryDns, SilentDnsServerDefersAndNeverBounces) {
  SilentDnsServer silent;
  MxWorld world;
  world.start(silent.server());
  auto client = world.daemon->client();
  ASSERT_EQ(create_campaign(client, "nodns", numbered_recipients(5, "quiet.test")), 5u);

  auto status = world.settle("nodns", [](const auto& s) { return count_of(s, "deferred") == 5; });
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "deferred"), 5u) << status;
  EXPECT_EQ(count_of(status, "bounced_hard"), 0u) << status;
  EXPECT_EQ(count_of(status, "bounced_soft"), 0u) << status;
  EXPECT_EQ(count_of(status, "delivered"), 0u) << status;
  EXPECT_EQ(bounces_of(client, "nodns").size(), 0u);
  const std::string log = world.daemon->log();
  EXPECT_NE(log.find("4.4.3"), std::string::npos) << log;
  ASSERT_EQ(world.sink.stop(), 0);
  EXPECT_EQ(world.sink.stats().at("connections").as_int64(), 0);
}

TEST(DeliveryDns, DomainsWithTheSameMxHostShareOneSite) {
  MxWorld world;
  world.dns.mx("one.test", "mx.shared.test", 10)
      .mx("two.test", "mx.shared.test", 10)
      .address("mx.shared.test", "127.0.0.1");
  world.start();
  auto client = world.daemon->client();
  auto recipients = numbered_recipients(10, "one.test");
  for (const auto& r : numbered_recipients(10, "two.test"))
    recipients.push_back(r);
  ASSERT_EQ(create_campaign(client, "shared", recipients), 20u);
  auto status = world.settle("shared", [](const auto& s) { return all_delivered(s, 20); });
  ASSERT_TRUE(status.is_object());
  EXPECT_EQ(count_of(status, "delivered"), 20u) << status;

  // /v1/queues is published twice a second: poll until the site shows all 20 deliveries.
  boost::json::array sites;
  auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until) {
    auto answer = client.request("GET", "/v1/queues");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << answer->body;
    sites = parse_answer(answer->body).at("sites").as_array();
    std::uint64_t delivered = 0;
    for (const auto& site : sites)
      delivered += site.at("delivered").to_number<std::uint64_t>();
    if (delivered == 20)
      break;
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(sites.size(), 1u) << boost::json::serialize(sites);
  const auto& site = sites.front().as_object();
  EXPECT_EQ(site.at("site").as_string(), "mx:mx.shared.test tls=off")
      << site; // sorted MX names + TLS mode
  EXPECT_EQ(site.at("delivered").to_number<std::uint64_t>(), 20u) << site;
  std::vector<std::string> domains;
  for (const auto& d : site.at("domains").as_array())
    domains.emplace_back(d.as_string());
  std::sort(domains.begin(), domains.end());
  EXPECT_EQ(domains, (std::vector<std::string>{"one.test", "two.test"}));
}

TEST(DeliveryDns, PauseWhileTheMxLookupRunsHoldsTheRecipients) {
  MxWorld world;
  world.dns.mx("slow.test", "mx.slow.test", 10).address("mx.slow.test", "127.0.0.1");
  world.dns.start();
  DelayedDnsProxy proxy(world.dns.port(), 1500ms); // each answer comes 1.5 s late
  world.start(proxy.server(), "10s");
  auto client = world.daemon->client();
  const auto recipients = numbered_recipients(20, "slow.test");
  ASSERT_EQ(create_campaign(client, "slowdns", recipients), 20u);
  // Claimed and waiting for the MX answer: pause now.
  auto status = wait_for_campaign(client, "slowdns",
                                  [](const auto& s) { return count_of(s, "in_flight") == 20; });
  ASSERT_EQ(count_of(status, "in_flight"), 20u) << status;
  auto answer = client.request("POST", "/v1/campaigns/slowdns/pause");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;

  // The answer arrives while the campaign is paused: nothing may be sent, everything goes back.
  status = wait_for_campaign(client, "slowdns", [](const auto& s) {
    return count_of(s, "in_flight") == 0 || count_of(s, "delivered") > 0;
  });
  EXPECT_EQ(count_of(status, "in_flight"), 0u) << status;
  EXPECT_EQ(count_of(status, "delivered"), 0u) << "delivered while paused: " << status;
  // MX, A and AAAA answers all handed over: the lookup is done and the router has its site.
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (proxy.answers_released() < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  ASSERT_GE(proxy.answers_released(), 3u);
  std::this_thread::sleep_for(1s); // a paused campaign stays still after the answer
  status = campaign_status(client, "slowdns");
  EXPECT_EQ(count_of(status, "delivered"), 0u) << "delivered while paused: " << status;
  EXPECT_EQ(count_of(status, "queued"), 20u) << status;
  EXPECT_EQ(sink_recipients(world.sink), 0u);

  answer = client.request("POST", "/v1/campaigns/slowdns/resume");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  status = world.settle("slowdns", [](const auto& s) { return all_delivered(s, 20); });
  EXPECT_EQ(count_of(status, "delivered"), 20u) << status;
  auto counts = sink_recipient_counts(world.sink);
  EXPECT_EQ(counts.size(), 20u);
  for (const auto& r : recipients)
    EXPECT_EQ(counts[r], 1) << r;
}

TEST(DeliveryDns, SigtermDuringAnMxLookupReturnsTheRecipientsUntried) {
  MxWorld world;
  world.dns.mx("stuck.test", "mx.stuck.test", 10).address("mx.stuck.test", "127.0.0.1");
  world.dns.start();
  DelayedDnsProxy proxy(world.dns.port(), 60s); // no answer within the test
  world.start(proxy.server(), "30s");
  {
    auto client = world.daemon->client();
    ASSERT_EQ(create_campaign(client, "stuck", numbered_recipients(10, "stuck.test")), 10u);
    auto status = wait_for_campaign(client, "stuck",
                                    [](const auto& s) { return count_of(s, "in_flight") == 10; });
    ASSERT_EQ(count_of(status, "in_flight"), 10u) << status;
  }
  StopResult stopped = stop_with_watchdog(*world.daemon, 25s);
  std::cout << "[info] SIGTERM with an MX lookup running: volleyd exited after " << stopped.seconds
            << " s\n";
  ASSERT_FALSE(stopped.watchdog_fired) << "volleyd waited for the DNS lookup\n"
                                       << world.daemon->log();
  ASSERT_TRUE(WIFEXITED(stopped.status)) << stopped.status;
  EXPECT_EQ(WEXITSTATUS(stopped.status), 0) << world.daemon->log();

  // Back in the queue as they were: not deferred, no attempt counted.
  volley::queue::SpoolOptions options;
  options.dir = world.daemon->spool_dir();
  auto spool = volley::queue::Spool::open(options);
  auto info = spool->campaign("stuck");
  std::uint64_t attempts = 0;
  spool->for_each_recipient("stuck", [&](const volley::queue::StoredRecipient& r) {
    attempts += r.attempts;
    return true;
  });
  spool->stop();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->counts.queued, 10u);
  EXPECT_EQ(info->counts.deferred, 0u);
  EXPECT_EQ(attempts, 0u);
}

} // namespace
