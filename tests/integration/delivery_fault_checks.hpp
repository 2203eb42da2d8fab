// Test support for the fault and outcome delivery tests (delivery_faults_test.cpp,
// delivery_outcomes_test.cpp): a volley-sink with --fault rules and --record plus a volleyd routed
// to it, and the checks every case makes — the campaign counters add up to the recipients, the
// bounce records, the sink's record (each delivered address exactly once), the daemon's outcome
// metrics and, after a stop, the attempts stored in the spool. Never points volleyd at a
// non-loopback address; never waits without a deadline.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/json_answer.hpp"
#include "queue/spool.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace volley::testing_support {

// One sink with the given flags (always --record) and one volleyd sending everything to it.
struct SinkAndDaemon {
  VolleySinkProcess sink;
  std::unique_ptr<VolleydProcess> daemon;

  explicit SinkAndDaemon(std::vector<std::string> sink_args, const std::string& extra_delivery = "",
                         VolleydSettings settings = {})
      : sink({.args = std::move(sink_args), .record = true}) {
    sink.start();
    settings.delivery_toml = delivery_toml_to(sink.address(), extra_delivery);
    daemon = std::make_unique<VolleydProcess>(std::move(settings));
    daemon->start();
  }
};

// Recipients in a final state: nothing queued, in flight or deferred any more.
inline std::uint64_t final_count(const boost::json::value& status) {
  return count_of(status, "delivered") + count_of(status, "bounced_hard") +
         count_of(status, "bounced_soft") + count_of(status, "suppressed") +
         count_of(status, "expired") + count_of(status, "cancelled");
}

// Waits (≤ 60 s) until all `n` recipients of campaign `id` are in a final state; returns the last
// status.
inline boost::json::value wait_until_final(tools::ControlClient& client, const std::string& id,
                                           std::uint64_t n) {
  return wait_for_campaign(client, id, [n](const boost::json::value& s) {
    return final_count(s) == n && settled(s) && count_of(s, "deferred") == 0;
  });
}

// Asserts the campaign's counters: exactly the given final numbers, everything else zero.
struct FinalCounts {
  std::uint64_t delivered = 0, bounced_hard = 0, bounced_soft = 0, suppressed = 0, expired = 0;
};
inline void expect_counts(const boost::json::value& status, const FinalCounts& want) {
  ASSERT_TRUE(status.is_object()) << "campaign status could not be read";
  EXPECT_EQ(count_of(status, "delivered"), want.delivered) << status;
  EXPECT_EQ(count_of(status, "bounced_hard"), want.bounced_hard) << status;
  EXPECT_EQ(count_of(status, "bounced_soft"), want.bounced_soft) << status;
  EXPECT_EQ(count_of(status, "suppressed"), want.suppressed) << status;
  EXPECT_EQ(count_of(status, "expired"), want.expired) << status;
  EXPECT_EQ(count_of(status, "cancelled"), 0u) << status;
  EXPECT_EQ(count_of(status, "queued"), 0u) << status;
  EXPECT_EQ(count_of(status, "in_flight"), 0u) << status;
  EXPECT_EQ(count_of(status, "deferred"), 0u) << status;
  EXPECT_EQ(status.at("total").to_number<std::uint64_t>(),
            want.delivered + want.bounced_hard + want.bounced_soft + want.suppressed + want.expired)
      << status;
}

// Every bounce record of a campaign (GET /v1/bounces?campaign=ID, following "next").
inline std::vector<boost::json::object> bounces_of(tools::ControlClient& client,
                                                   const std::string& id) {
  std::vector<boost::json::object> out;
  std::string after;
  for (int page = 0; page < 1000; ++page) {
    std::string target = "/v1/bounces?campaign=" + id + "&limit=500";
    if (!after.empty())
      target += "&after=" + after;
    auto answer = client.request("GET", target);
    EXPECT_TRUE(answer && answer->status == 200) << (answer ? answer->body : "no answer");
    if (!answer || answer->status != 200)
      break;
    auto value = parse_answer(answer->body);
    for (const auto& record : value.at("records").as_array())
      out.push_back(record.as_object());
    if (value.at("next").is_null())
      break;
    after = std::to_string(value.at("next").to_number<std::uint64_t>());
  }
  return out;
}

inline std::string text_of(const boost::json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// What one bounce record must say (empty strings / 0 are not checked).
struct ExpectedBounce {
  std::string kind;                // "hard" | "soft"
  std::string status;              // "5.1.1"
  int smtp_code = 0;               // 550
  std::string reason;              // "user_unknown"
  std::string diagnostic_contains; // the sink's reply text
};
inline void expect_bounce(const boost::json::object& b, const ExpectedBounce& want,
                          const std::string& id) {
  EXPECT_EQ(text_of(b, "campaign"), id) << b;
  EXPECT_EQ(text_of(b, "kind"), want.kind) << b;
  if (!want.status.empty()) {
    EXPECT_EQ(text_of(b, "status"), want.status) << b;
  }
  if (want.smtp_code != 0) {
    EXPECT_EQ(b.at("smtp_code").to_number<int>(), want.smtp_code) << b;
  }
  if (!want.reason.empty()) {
    EXPECT_EQ(text_of(b, "reason"), want.reason) << b;
  }
  EXPECT_NE(text_of(b, "diagnostic").find(want.diagnostic_contains), std::string::npos) << b;
  EXPECT_EQ(text_of(b, "remote_mta"), "127.0.0.1") << b; // the route's host
  EXPECT_EQ(text_of(b, "source"), "sync") << b;
  EXPECT_FALSE(text_of(b, "recipient_id").empty()) << b;
}

// The addresses of the bounce records; fails if one address has two records.
inline std::set<std::string> bounced_addresses(const std::vector<boost::json::object>& bounces) {
  std::set<std::string> out;
  for (const auto& b : bounces) {
    EXPECT_TRUE(out.insert(text_of(b, "recipient")).second)
        << "two bounce records for " << text_of(b, "recipient");
  }
  return out;
}

// How often each address arrived at the sink (its --record file; read after sink.stop()).
inline std::map<std::string, int> arrivals(const VolleySinkProcess& sink) {
  std::map<std::string, int> out;
  for (const auto& record : sink.records())
    for (const auto& rcpt : record.at("rcpts").as_array())
      ++out[std::string(rcpt.as_string())];
  return out;
}

// Each of `want` arrived exactly once and nothing else arrived.
inline void expect_arrived_once(const std::map<std::string, int>& got,
                                const std::vector<std::string>& want) {
  std::size_t wrong = 0;
  for (const auto& address : want) {
    auto it = got.find(address);
    int times = it == got.end() ? 0 : it->second;
    if (times != 1 && ++wrong <= 5)
      ADD_FAILURE() << address << " arrived " << times << " times at the sink";
  }
  std::set<std::string> wanted(want.begin(), want.end());
  for (const auto& [address, times] : got)
    if (!wanted.count(address) && ++wrong <= 10)
      ADD_FAILURE() << address << " arrived " << times << " times but should not have";
  EXPECT_EQ(wrong, 0u) << "addresses arriving wrongly (first ones listed above)";
  EXPECT_EQ(got.size(), want.size());
}

// One counter from GET /metrics ("volley_delivery_outcomes_total{kind=\"deferred\"}"); -1 if
// absent.
inline std::int64_t metric(tools::ControlClient& client, const std::string& name) {
  auto answer = client.request("GET", "/metrics");
  if (!answer || answer->status != 200)
    return -1;
  const std::string& text = answer->body;
  std::size_t at = 0;
  while ((at = text.find(name + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n')
      return std::stoll(text.substr(at + name.size() + 1));
    at += name.size();
  }
  return -1;
}
inline std::int64_t outcomes(tools::ControlClient& client, const std::string& kind) {
  return metric(client, "volley_delivery_outcomes_total{kind=\"" + kind + "\"}");
}

inline std::int64_t stat_of(const boost::json::object& stats, const char* name) {
  return stats.at(name).as_int64();
}

inline std::int64_t faults_injected(const boost::json::object& stats, const std::string& kind) {
  const auto& faults = stats.at("faults").as_object();
  return faults.contains(kind) ? faults.at(kind).as_int64() : 0;
}

inline bool healthy(tools::ControlClient& client) {
  auto answer = client.request("GET", "/healthz");
  return answer && answer->status == 200;
}

// After the daemon stopped: attempts stored per address of the campaign (read from the spool).
inline std::map<std::string, std::uint16_t> attempts_in_spool(const VolleydProcess& daemon,
                                                              const std::string& id) {
  volley::queue::SpoolOptions options;
  options.dir = daemon.spool_dir();
  auto spool = volley::queue::Spool::open(options);
  std::map<std::string, std::uint16_t> out;
  spool->for_each_recipient(id, [&](const volley::queue::StoredRecipient& r) {
    out[r.address] = r.attempts;
    return true;
  });
  spool->stop();
  return out;
}

// {attempts → how many recipients} from attempts_in_spool().
inline std::map<std::uint16_t, std::size_t>
attempt_histogram(const std::map<std::string, std::uint16_t>& attempts) {
  std::map<std::uint16_t, std::size_t> out;
  for (const auto& [address, n] : attempts)
    ++out[n];
  return out;
}

// ---- Several fault scenarios against one volleyd ----

// One scenario: its own volley-sink, route ("<name>.test" → the sink) and campaign ("<name>").
struct Scenario {
  std::string name;
  std::vector<std::string> sink_args;
  std::string fault_kind;    // how the sink's stats name the fault ("rcpt:451")
  std::int64_t injected = 0; // how often the sink must have injected it
  std::size_t deferrals = 0; // deferred attempts in total (sum of stored attempts - recipients)
  std::string log_text;      // a daemon log line names the sink and this ("" = not checked)
  // Recipients whose address contains `bounce_marker` must end bounced (hard or soft as the record
  // says) with a record like
  // `bounce` ("" = none bounce, "@" = all); the others delivered, each arriving exactly once.
  std::string bounce_marker;
  ExpectedBounce bounce;
  std::size_t recipients = 20; // one transaction per attempt (max 50 per transaction)
  std::size_t bad_every = 0;   // > 0: every bad_every-th recipient is called "bad<i>@..."
  // The marked recipients end expired (soft bounce), not bounced_hard; `injected` and
  // `deferrals` then depend on timing and are only checked to be > 0.
  bool marked_expire = false;
};

// user<i>@<name>.test, with every bad_every-th one called bad<i>@<name>.test.
inline std::vector<std::string> scenario_recipients(const Scenario& s) {
  std::vector<std::string> out = numbered_recipients(s.recipients, s.name + ".test");
  for (std::size_t i = 0; s.bad_every > 0 && i < out.size(); i += s.bad_every)
    out[i] = "bad" + std::to_string(i) + "@" + s.name + ".test";
  return out;
}

// How volleyd names a sink's endpoint in logs and errors: "127.0.0.1[127.0.0.1]:PORT".
inline std::string endpoint_text(const VolleySinkProcess& sink) {
  return "127.0.0.1[127.0.0.1]:" + std::to_string(sink.port());
}

inline bool log_line_has(const std::string& log, const std::string& a, const std::string& b) {
  std::istringstream lines(log);
  std::string line;
  while (std::getline(lines, line))
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos)
      return true;
  return false;
}

struct ScenarioResult {
  std::vector<std::string> addresses;
  boost::json::value status;
  std::vector<boost::json::object> bounces;
  std::map<std::string, std::uint16_t> attempts; // address → attempts stored in the spool
  std::map<std::string, int> arrived;
  boost::json::object stats;
};

inline void check_scenario(const Scenario& s, const ScenarioResult& r, const std::string& sink,
                           const std::string& log) {
  SCOPED_TRACE("scenario " + s.name + " (sink " + sink + ")");
  std::vector<std::string> delivered;
  std::set<std::string> bounced;
  for (const auto& a : r.addresses) {
    if (!s.bounce_marker.empty() && a.find(s.bounce_marker) != std::string::npos)
      bounced.insert(a);
    else
      delivered.push_back(a);
  }
  if (s.marked_expire)
    expect_counts(r.status, {.delivered = delivered.size(), .expired = bounced.size()});
  else if (s.bounce.kind == "soft")
    expect_counts(r.status, {.delivered = delivered.size(), .bounced_soft = bounced.size()});
  else
    expect_counts(r.status, {.delivered = delivered.size(), .bounced_hard = bounced.size()});
  EXPECT_EQ(bounced_addresses(r.bounces), bounced);
  for (const auto& b : r.bounces) {
    expect_bounce(b, s.bounce, s.name);
    // recipient_id echoes the CRM id given at creation ("r<index>").
    const std::string address = text_of(b, "recipient");
    for (std::size_t i = 0; i < r.addresses.size(); ++i) {
      if (r.addresses[i] == address) {
        EXPECT_EQ(text_of(b, "recipient_id"), "r" + std::to_string(i)) << b;
      }
    }
  }
  expect_arrived_once(r.arrived, delivered);
  std::size_t attempts = 0;
  for (const auto& [address, n] : r.attempts)
    attempts += n;
  EXPECT_EQ(r.attempts.size(), s.recipients);
  if (s.marked_expire) {
    EXPECT_GT(faults_injected(r.stats, s.fault_kind), 0) << r.stats;
    // Deferred at least once before expiring (the expiring attempt itself is not counted).
    for (const auto& [address, n] : r.attempts) {
      EXPECT_GE(n, 1u) << address << " expired without a deferred attempt";
    }
  } else {
    EXPECT_EQ(faults_injected(r.stats, s.fault_kind), s.injected) << r.stats;
    EXPECT_EQ(attempts - r.attempts.size(), s.deferrals)
        << "deferred attempts; attempts → recipients: "
        << ::testing::PrintToString(attempt_histogram(r.attempts));
  }
  if (!s.log_text.empty()) {
    EXPECT_TRUE(log_line_has(log, sink, s.log_text))
        << "no log line names " << sink << " and \"" << s.log_text << "\"";
  }
}

// `toml` with the line "key = ..." replaced by "key = value": the harness's [delivery] already sets
// the timeouts, and TOML forbids setting a key twice, so extra_delivery cannot override them.
inline std::string with_setting(std::string toml, const std::string& key,
                                const std::string& value) {
  const std::size_t at = toml.find("\n" + key + " = ");
  EXPECT_NE(at, std::string::npos) << key << " is not in the harness's config";
  if (at == std::string::npos)
    return toml;
  const std::size_t end = toml.find('\n', at + 1);
  return toml.replace(at + 1, end - at - 1, key + " = " + value);
}

// Runs all scenarios at once against one volleyd (`extra_delivery` goes into [delivery]), waits
// until every recipient is final, stops everything and checks each scenario: campaign counts,
// bounce records, arrivals at its sink, injected faults, deferred attempts, log line; /healthz
// must still answer at the end.
// `overrides` replace settings of the harness's [delivery] ({"command_timeout", "\"1s\""}).
inline void run_scenarios(const std::vector<Scenario>& scenarios,
                          const std::string& extra_delivery = "", VolleydSettings settings = {},
                          const std::map<std::string, std::string>& overrides = {}) {
  std::vector<std::unique_ptr<VolleySinkProcess>> sinks;
  std::string routes = "[routes]\n";
  for (const Scenario& s : scenarios) {
    sinks.push_back(std::make_unique<VolleySinkProcess>(
        VolleySinkSettings{.args = s.sink_args, .record = true}));
    sinks.back()->start();
    routes += "\"" + s.name + ".test\" = \"" + sinks.back()->address() + "\"\n";
  }
  settings.delivery_toml = delivery_toml_to("", extra_delivery, routes);
  for (const auto& [key, value] : overrides)
    settings.delivery_toml = with_setting(settings.delivery_toml, key, value);
  VolleydProcess daemon(std::move(settings));
  daemon.start();
  auto client = daemon.client();

  std::vector<ScenarioResult> results(scenarios.size());
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    results[i].addresses = scenario_recipients(scenarios[i]);
    ASSERT_EQ(create_campaign(client, scenarios[i].name, results[i].addresses),
              scenarios[i].recipients);
  }
  // One deadline (60 s) for all campaigns together.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    const std::uint64_t n = scenarios[i].recipients;
    results[i].status = wait_for_campaign(
        client, scenarios[i].name,
        [n](const boost::json::value& st) {
          return final_count(st) == n && settled(st) && count_of(st, "deferred") == 0;
        },
        std::max(left, std::chrono::milliseconds(100)));
    results[i].bounces = bounces_of(client, scenarios[i].name);
  }
  EXPECT_TRUE(healthy(client)) << "volleyd stopped answering /healthz";
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();
  const std::string log = daemon.log();
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    results[i].attempts = attempts_in_spool(daemon, scenarios[i].name);
    EXPECT_EQ(sinks[i]->stop(), 0) << sinks[i]->errors();
    results[i].stats = sinks[i]->stats();
    results[i].arrived = arrivals(*sinks[i]);
  }
  for (std::size_t i = 0; i < scenarios.size(); ++i)
    check_scenario(scenarios[i], results[i], endpoint_text(*sinks[i]), log);
  if (::testing::Test::HasFailure())
    std::cout << "[info] volleyd log (last 8000 bytes):\n"
              << log.substr(log.size() > 8000 ? log.size() - 8000 : 0) << "\n";
}

} // namespace volley::testing_support
