// Test support for the delivery-to-peers tests (delivery_peers_test.cpp, delivery_tls_test.cpp):
// reading what volleyd says about a delivery (GET /v1/queues, /v1/bounces, /metrics) and what a
// volley-sink recorded (the recipient multiset of its --record lines), plus a bounded wait.
// Only reads; never changes volleyd's state and never waits without a deadline.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "integration/json_answer.hpp"
#include "tools/control_client.hpp"

namespace volley::testing_support {

// Polls `done` every 50 ms until it is true or the deadline passes; returns its last answer.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (done())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Like wait_for_campaign() (delivery_harness.hpp), but gives up after 2 s without an answer (the
// daemon died or never knew the campaign) instead of polling a dead socket until the deadline.
inline boost::json::value
await_campaign(tools::ControlClient& client, const std::string& id,
               const std::function<bool(const boost::json::value&)>& done,
               std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  auto last_answer = std::chrono::steady_clock::now();
  boost::json::value last;
  while (std::chrono::steady_clock::now() < until) {
    auto answer = client.request("GET", "/v1/campaigns/" + id);
    if (answer && answer->status == 200) {
      last = parse_answer(answer->body);
      last_answer = std::chrono::steady_clock::now();
      if (last.is_object() && done(last))
        return last;
    } else if (std::chrono::steady_clock::now() - last_answer > std::chrono::seconds(2)) {
      ADD_FAILURE() << "GET /v1/campaigns/" << id << " unanswered for 2 s: "
                    << (answer ? std::to_string(answer->status) + " " + answer->body
                               : answer.error().message);
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

// GET a control API path and parse the JSON answer (null when the request failed or was not 200).
inline boost::json::value get_json(tools::ControlClient& client, const std::string& target) {
  auto answer = client.request("GET", target);
  if (!answer || answer->status != 200)
    return {};
  return parse_answer(answer->body);
}

// The "sites" array of GET /v1/queues (empty when unreadable).
inline std::vector<boost::json::object> queue_sites(tools::ControlClient& client) {
  std::vector<boost::json::object> out;
  const boost::json::value answer = get_json(client, "/v1/queues");
  if (!answer.is_object() || !answer.as_object().contains("sites"))
    return out;
  for (const auto& site : answer.at("sites").as_array())
    out.push_back(site.as_object());
  return out;
}

// Every last_error of every site, joined by newlines ("" when none).
inline std::string queue_last_errors(tools::ControlClient& client) {
  std::string out;
  for (const auto& site : queue_sites(client)) {
    if (site.contains("last_error") && site.at("last_error").is_string())
      out += std::string(site.at("last_error").as_string()) + "\n";
  }
  return out;
}

// Sum of one numeric field over all sites of GET /v1/queues.
inline std::uint64_t queue_sum(tools::ControlClient& client, const char* field) {
  std::uint64_t sum = 0;
  for (const auto& site : queue_sites(client))
    sum += site.at(field).to_number<std::uint64_t>();
  return sum;
}

// The bounce records of a campaign (first page, up to 1000).
inline std::vector<boost::json::object> campaign_bounces(tools::ControlClient& client,
                                                         const std::string& campaign) {
  std::vector<boost::json::object> out;
  const boost::json::value answer =
      get_json(client, "/v1/bounces?campaign=" + campaign + "&limit=1000");
  EXPECT_TRUE(answer.is_object()) << "GET /v1/bounces?campaign=" << campaign << " failed";
  if (!answer.is_object())
    return out;
  for (const auto& record : answer.at("records").as_array())
    out.push_back(record.as_object());
  return out;
}

// One sample of a Prometheus metric without labels (-1 when absent).
inline std::int64_t metric_value(tools::ControlClient& client, const std::string& name) {
  auto answer = client.request("GET", "/metrics");
  if (!answer || answer->status != 200)
    return -1;
  const std::string& text = answer->body;
  const std::string prefix = name + " ";
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::string line =
        text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (line.starts_with(prefix))
      return std::stoll(line.substr(prefix.size()));
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return -1;
}

// How often each recipient appears in a volley-sink's --record lines.
inline std::map<std::string, int>
recorded_recipients(const std::vector<boost::json::object>& records) {
  std::map<std::string, int> seen;
  for (const auto& record : records)
    for (const auto& rcpt : record.at("rcpts").as_array())
      ++seen[std::string(rcpt.as_string())];
  return seen;
}

// recipients → count 1 each: what recorded_recipients() must equal for "each exactly once".
inline std::map<std::string, int> once_each(const std::vector<std::string>& recipients) {
  std::map<std::string, int> out;
  for (const auto& r : recipients)
    ++out[r];
  return out;
}

// Short text of a campaign status for failure messages.
inline std::string describe(const boost::json::value& status) {
  return status.is_null() ? std::string("(no status)") : boost::json::serialize(status);
}

} // namespace volley::testing_support
