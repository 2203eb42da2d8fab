// End-to-end tests of the event log and the CRM webhook: volleyd delivers campaigns to a local
// volley-sink (recipients containing "bad" get 550) and POSTs the events to a scripted HTTP server
// playing the CRM. Checked: every batch's X-Volley-Signature verifies (HMAC computed here with
// OpenSSL), every recipient's event arrives exactly once with contiguous seqs, failed POSTs (500)
// are retried with the same batch and nothing is lost, a restart resumes after the acknowledged
// events without re-sending them, deferrals carry the reply, an https webhook is verified against
// webhook_ca_file (a Python recorder with a throwaway certificate), and events.jsonl holds one JSON
// object per line.
// Must never: use a non-loopback address, wait without a deadline, or assert on timing.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/wait.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/scripted_http_server.hpp"
#include "support/captured_command.hpp"
#include "support/peer_process.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;

struct CrmRequest {
  ReceivedRequest request;
  int status = 0;                  // what the CRM answered
  std::vector<std::uint64_t> seqs; // the seqs in the batch
  std::vector<boost::json::object> events;
};

// A CRM endpoint: answers each POST with next_status() and records what it got.
class FakeCrm {
public:
  FakeCrm() {
    server_.run([this](ScriptedHttpServer& server) {
      while (!done_) {
        int fd = server.accept_connection(100);
        if (fd < 0)
          continue;
        CrmRequest got;
        got.request = server.read_request(fd);
        got.status = next_status();
        server.send_all(fd, ScriptedHttpServer::answer(got.status, "{}", true));
        server.close_fd(fd);
        if (!got.request.complete)
          continue;
        auto body = boost::json::parse(got.request.body).as_object();
        for (auto& event : body.at("events").as_array()) {
          got.seqs.push_back(event.at("seq").to_number<std::uint64_t>());
          got.events.push_back(event.as_object());
        }
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(got));
      }
    });
  }
  ~FakeCrm() {
    done_ = true;
    server_.wait();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()) + "/hook"; }
  // Statuses for the next requests, in order; then `then` for every later one.
  void answer(std::vector<int> first, int then = 200) {
    std::lock_guard lock(mutex_);
    script_ = std::move(first);
    then_ = then;
  }
  std::vector<CrmRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Seqs answered 2xx (acknowledged), in arrival order.
  std::vector<std::uint64_t> acknowledged() const {
    std::vector<std::uint64_t> seqs;
    for (const CrmRequest& r : requests())
      if (r.status / 100 == 2)
        seqs.insert(seqs.end(), r.seqs.begin(), r.seqs.end());
    return seqs;
  }
  bool wait_acknowledged(std::size_t n, std::chrono::seconds deadline = 60s) const {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (acknowledged().size() >= n)
        return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

private:
  int next_status() {
    std::lock_guard lock(mutex_);
    if (script_.empty())
      return then_;
    int status = script_.front();
    script_.erase(script_.begin());
    return status;
  }

  ScriptedHttpServer server_;
  std::atomic<bool> done_{false};
  mutable std::mutex mutex_;
  std::vector<int> script_;
  int then_ = 200;
  std::vector<CrmRequest> requests_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string hmac_hex(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

std::string secret_of(const VolleydProcess& daemon) {
  std::string text = read_file(daemon.dir() / "var" / "webhook.secret");
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

VolleydSettings settings_for(const VolleySinkProcess& sink, const FakeCrm& crm) {
  VolleydSettings settings;
  settings.delivery_toml =
      delivery_toml_to(sink.address(), "",
                       "[events]\nwebhook = \"" + crm.url() +
                           "\"\nbatch_size = 7\nbatch_delay = \"100ms\"\nretry_min = \"100ms\"\n"
                           "retry_max = \"400ms\"\ntimeout = \"5s\"\n");
  return settings;
}

// Recipients user0.. with every fifth one "bad" (bounced by the sink).
std::vector<std::string> recipients(const std::string& prefix, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(prefix + (i % 5 == 4 ? "bad" : "user") + std::to_string(i) + "@example.test");
  return out;
}

void deliver(VolleydProcess& daemon, const std::string& campaign,
             const std::vector<std::string>& to) {
  auto client = daemon.client();
  ASSERT_EQ(create_campaign(client, campaign, to), to.size());
  auto status = wait_for_campaign(client, campaign, settled);
  ASSERT_TRUE(status.is_object());
  ASSERT_TRUE(settled(status)) << boost::json::serialize(status);
}

// Every signature verifies and X-Volley-Batch-First-Seq names the batch's first seq.
void expect_signed(const std::vector<CrmRequest>& requests, const std::string& secret) {
  for (const CrmRequest& r : requests) {
    const auto& h = r.request.headers;
    EXPECT_EQ(r.request.method, "POST");
    EXPECT_EQ(r.request.target, "/hook");
    EXPECT_EQ(h.at("content-type"), "application/json");
    EXPECT_EQ(h.at("x-volley-signature"), "sha256=" + hmac_hex(secret, r.request.body));
    ASSERT_FALSE(r.seqs.empty());
    EXPECT_EQ(h.at("x-volley-batch-first-seq"), std::to_string(r.seqs.front()));
    EXPECT_GT(std::stoll(h.at("x-volley-timestamp")), 1'600'000'000);
    EXPECT_LE(r.seqs.size(), 7u);
  }
}

// Each seq 1..n acknowledged exactly once, in order.
void expect_each_seq_once(const std::vector<std::uint64_t>& acknowledged, std::uint64_t n) {
  ASSERT_EQ(acknowledged.size(), n);
  for (std::uint64_t i = 0; i < n; ++i)
    EXPECT_EQ(acknowledged[i], i + 1);
}

std::vector<boost::json::object> log_lines(const VolleydProcess& daemon) {
  std::vector<boost::json::object> lines;
  std::ifstream in(daemon.dir() / "var" / "events" / "events.jsonl");
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    if (!ec && value.is_object())
      lines.push_back(value.as_object());
  }
  return lines;
}

std::string metrics_of(VolleydProcess& daemon) {
  auto answer = daemon.client().request("GET", "/metrics");
  return answer ? answer->body : "";
}

TEST(EventsWebhook, EveryRecipientsEventArrivesOnceSignedAndInTheLog) {
  VolleySinkProcess sink({.args = {"--fault", "rcpt:550:rcpt~bad"}});
  sink.start();
  FakeCrm crm;
  VolleydProcess daemon(settings_for(sink, crm));
  daemon.start();
  auto to = recipients("", 30);
  deliver(daemon, "ev1", to);
  ASSERT_TRUE(crm.wait_acknowledged(30)) << daemon.log();
  std::this_thread::sleep_for(300ms); // nothing more may come
  expect_each_seq_once(crm.acknowledged(), 30);
  expect_signed(crm.requests(), secret_of(daemon));

  std::map<std::string, boost::json::object> by_recipient;
  for (const CrmRequest& r : crm.requests())
    for (const auto& event : r.events)
      EXPECT_TRUE(by_recipient.emplace(event.at("recipient").as_string().c_str(), event).second);
  ASSERT_EQ(by_recipient.size(), to.size());
  for (std::size_t i = 0; i < to.size(); ++i) {
    const auto& event = by_recipient.at(to[i]);
    EXPECT_EQ(event.at("campaign").as_string(), "ev1");
    EXPECT_EQ(event.at("recipient_id").as_string(), "r" + std::to_string(i));
    EXPECT_EQ(event.at("attempts").as_int64(), 1);
    bool bad = to[i].find("bad") != std::string::npos;
    EXPECT_EQ(event.at("event").as_string(), bad ? "bounced" : "delivered");
    if (bad) {
      EXPECT_EQ(event.at("kind").as_string(), "hard");
      EXPECT_EQ(event.at("status").as_string(), "5.1.1");
      EXPECT_EQ(event.at("smtp_code").as_int64(), 550);
      EXPECT_FALSE(event.at("reason").as_string().empty()); // category: see bounce records
      EXPECT_EQ(event.at("source").as_string(), "sync");
    }
  }
  auto lines = log_lines(daemon);
  ASSERT_EQ(lines.size(), 30u);
  for (std::size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(lines[i].at("seq").as_int64(), static_cast<std::int64_t>(i + 1));
  std::string metrics = metrics_of(daemon);
  EXPECT_NE(metrics.find("volley_events_written_total 30\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("volley_webhook_batches_total{result=\"failed\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("volley_webhook_lag_events 0\n"), std::string::npos);
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();
}

TEST(EventsWebhook, FailedPostsAreRetriedWithTheSameBatchAndNothingIsLost) {
  VolleySinkProcess sink({.args = {"--fault", "rcpt:550:rcpt~bad"}});
  sink.start();
  FakeCrm crm;
  crm.answer({500, 500});
  VolleydProcess daemon(settings_for(sink, crm));
  daemon.start();
  deliver(daemon, "ev2", recipients("", 10));
  ASSERT_TRUE(crm.wait_acknowledged(10)) << daemon.log();
  std::this_thread::sleep_for(300ms);
  auto requests = crm.requests();
  ASSERT_GE(requests.size(), 3u);
  EXPECT_EQ(requests[0].status, 500);
  EXPECT_EQ(requests[1].status, 500);
  EXPECT_EQ(requests[2].status, 200);
  EXPECT_EQ(requests[1].request.body, requests[0].request.body); // the same batch, again
  EXPECT_EQ(requests[2].request.body, requests[0].request.body);
  expect_each_seq_once(crm.acknowledged(), 10);
  expect_signed(requests, secret_of(daemon));
  std::string metrics = metrics_of(daemon);
  EXPECT_NE(metrics.find("volley_webhook_batches_total{result=\"failed\"} 2\n"), std::string::npos)
      << metrics;
  EXPECT_NE(daemon.log().find("failed: HTTP 500"), std::string::npos);
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();
}

// An https webhook verified against webhook_ca_file (a throwaway self-signed certificate for
// 127.0.0.1) gets every event; without that CA the certificate does not verify and nothing is sent.
TEST(EventsWebhook, HttpsWebhookIsVerifiedAgainstTheConfiguredCa) {
  std::string pattern = (std::filesystem::temp_directory_path() / "volley-crm-XXXXXX").string();
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
  std::filesystem::path dir = pattern;
  auto openssl =
      capture_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                       "/CN=crm.test", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                       (dir / "key.pem").string(), "-out", (dir / "cert.pem").string()},
                      60s);
  ASSERT_EQ(openssl.exit_code, 0) << openssl.err;
  PeerProcess crm;
  crm.start(
      {{"/usr/bin/python3", VOLLEY_SOURCE_DIR "/tests/integration/https_webhook_recorder.py",
        (dir / "cert.pem").string(), (dir / "key.pem").string(), (dir / "record.jsonl").string()},
       {},
       dir / "crm.err"});
  auto first = crm.read_stdout_line(std::chrono::steady_clock::now() + 20s);
  ASSERT_TRUE(first && first->rfind("listening on ", 0) == 0) << crm.errors();
  std::string url = "https://127.0.0.1:" + first->substr(13) + "/hook";

  VolleySinkProcess sink;
  sink.start();
  auto events = [&](const std::string& ca) {
    return "[events]\nwebhook = \"" + url + "\"\nwebhook_ca_file = \"" + ca +
           "\"\nbatch_delay = \"100ms\"\nretry_min = \"100ms\"\nretry_max = \"200ms\"\n";
  };
  VolleydSettings settings;
  settings.delivery_toml =
      delivery_toml_to(sink.address(), "", events((dir / "cert.pem").string()));
  VolleydProcess daemon(settings);
  daemon.start();
  deliver(daemon, "tls1", recipients("", 4));
  std::vector<boost::json::object> records;
  for (auto until = std::chrono::steady_clock::now() + 30s;
       records.empty() && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(50ms);
    std::ifstream in(dir / "record.jsonl");
    for (std::string line; std::getline(in, line);)
      records.push_back(boost::json::parse(line).as_object());
  }
  ASSERT_EQ(records.size(), 1u) << daemon.log() << crm.errors();
  std::string body = records[0].at("body").as_string().c_str();
  EXPECT_EQ(records[0].at("headers").at("x-volley-signature").as_string(),
            "sha256=" + hmac_hex(secret_of(daemon), body));
  EXPECT_EQ(boost::json::parse(body).at("events").as_array().size(), 4u);
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();

  settings.delivery_toml = delivery_toml_to(sink.address(), "", events(""));
  VolleydProcess untrusting(settings);
  untrusting.start();
  deliver(untrusting, "tls2", recipients("", 1));
  for (auto until = std::chrono::steady_clock::now() + 30s;
       untrusting.log().find("failed: ") == std::string::npos &&
       std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(50ms);
  EXPECT_NE(untrusting.log().find("certificate verify failed"), std::string::npos)
      << untrusting.log();
  EXPECT_EQ(WEXITSTATUS(untrusting.stop()), 0);
  std::ifstream in(dir / "record.jsonl");
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);)
    ++lines;
  EXPECT_EQ(lines, 1u);
  crm.stop();
  std::filesystem::remove_all(dir);
}

// A 451 defers: a "deferred" event with the reply, then "delivered" with the second attempt.
TEST(EventsWebhook, DeferralsAreEventsWithTheReplyAndTheRetryCountsAttempts) {
  VolleySinkProcess sink({.args = {"--fault", "rcpt:451:first=2"}});
  sink.start();
  FakeCrm crm;
  VolleydProcess daemon(settings_for(sink, crm));
  daemon.start();
  deliver(daemon, "ev3", {"one@example.test", "two@example.test", "three@example.test"});
  ASSERT_TRUE(crm.wait_acknowledged(5)) << daemon.log();
  std::this_thread::sleep_for(300ms);
  expect_each_seq_once(crm.acknowledged(), 5);
  std::map<std::string, std::vector<boost::json::object>> by_recipient;
  for (const CrmRequest& r : crm.requests())
    for (const auto& event : r.events)
      by_recipient[event.at("recipient").as_string().c_str()].push_back(event);
  std::size_t deferred = 0;
  for (const auto& [recipient, events] : by_recipient) {
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().at("event").as_string(), "delivered") << recipient;
    EXPECT_EQ(events.back().at("attempts").as_int64(), static_cast<std::int64_t>(events.size()));
    for (std::size_t i = 0; i + 1 < events.size(); ++i) {
      ++deferred;
      EXPECT_EQ(events[i].at("event").as_string(), "deferred");
      EXPECT_EQ(events[i].at("kind").as_string(), "soft");
      EXPECT_EQ(events[i].at("smtp_code").as_int64(), 451);
      EXPECT_EQ(events[i].at("status").as_string().c_str()[0], '4');
      EXPECT_EQ(events[i].at("source").as_string(), "sync");
      EXPECT_EQ(events[i].at("attempts").as_int64(), 1);
    }
  }
  EXPECT_EQ(deferred, 2u);
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();
}

// Phase 1 acknowledged; phase 2's events meet a failing CRM and volleyd stops; after the restart
// (same directory) the CRM answers again: phase 2's events arrive, phase 1's are not sent again.
TEST(EventsWebhook, ARestartResumesAfterTheAcknowledgedEventsWithoutLossOrResend) {
  VolleySinkProcess sink({.args = {"--fault", "rcpt:550:rcpt~bad"}});
  sink.start();
  FakeCrm crm;
  VolleydProcess daemon(settings_for(sink, crm));
  daemon.start();
  deliver(daemon, "phase1", recipients("a", 10));
  ASSERT_TRUE(crm.wait_acknowledged(10)) << daemon.log();
  std::this_thread::sleep_for(300ms);
  std::size_t before_failures = crm.requests().size();

  crm.answer({}, 503);
  deliver(daemon, "phase2", recipients("b", 10));
  auto until = std::chrono::steady_clock::now() + 30s;
  while (crm.requests().size() < before_failures + 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  ASSERT_GE(crm.requests().size(), before_failures + 2);
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();
  std::size_t before_restart = crm.requests().size();

  crm.answer({}, 200);
  daemon.start();
  ASSERT_TRUE(crm.wait_acknowledged(20)) << daemon.log();
  std::this_thread::sleep_for(300ms);
  expect_each_seq_once(crm.acknowledged(), 20);
  auto requests = crm.requests();
  for (std::size_t i = before_restart; i < requests.size(); ++i)
    for (std::uint64_t seq : requests[i].seqs)
      EXPECT_GT(seq, 10u) << "an acknowledged event was sent again after the restart";
  std::set<std::string> campaigns;
  for (const CrmRequest& r : requests)
    for (const auto& event : r.events)
      if (event.at("seq").as_int64() > 10)
        campaigns.insert(event.at("campaign").as_string().c_str());
  EXPECT_EQ(campaigns, std::set<std::string>{"phase2"});
  expect_signed(requests, secret_of(daemon));
  auto lines = log_lines(daemon);
  ASSERT_EQ(lines.size(), 20u);
  for (std::size_t i = 0; i < lines.size(); ++i)
    EXPECT_EQ(lines[i].at("seq").as_int64(), static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();
}

} // namespace
