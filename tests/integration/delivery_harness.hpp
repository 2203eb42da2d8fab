// Test support for delivery integration tests: a [delivery]/[routes] config that sends everything
// to one loopback peer, creating a campaign over the control API, and polling its counters until a
// condition holds. Never points volleyd at a non-loopback address; never waits without a deadline.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "integration/json_answer.hpp"
#include "tools/control_client.hpp"

namespace volley::testing_support {

// [delivery] with short timeouts and a 1 s retry schedule, and a "*" route to `host_port` ("" = no
// [routes] table). `extra_delivery` goes inside [delivery]; a key it sets replaces the default here
// (TOML forbids setting a key twice), e.g. "command_timeout = \"1s\"\n". `extra_sections` follows
// (e.g. a [dns] table or [delivery.tls_domains]); without its own [verp] / [headers] tables, VERP
// and the added header fields are off.
inline std::string delivery_toml_to(const std::string& host_port,
                                    const std::string& extra_delivery = "",
                                    const std::string& extra_sections = "") {
  const std::pair<const char*, const char*> defaults[] = {
      {"enabled", "true"},           {"helo_name", "\"volley.test\""},
      {"connect_timeout", "\"2s\""}, {"greeting_timeout", "\"5s\""},
      {"command_timeout", "\"5s\""}, {"data_timeout", "\"10s\""},
      {"idle_timeout", "\"1s\""},    {"retry_schedule", "[\"1s\"]"},
      {"site_backoff", "\"1s\""}};
  auto set_in_extra = [&](const std::string& key) {
    std::size_t at = 0;
    while ((at = extra_delivery.find(key, at)) != std::string::npos) {
      bool line_start = at == 0 || extra_delivery[at - 1] == '\n';
      std::size_t after = extra_delivery.find_first_not_of(" \t", at + key.size());
      if (line_start && after != std::string::npos && extra_delivery[after] == '=')
        return true;
      at += key.size();
    }
    return false;
  };
  std::string toml = "[delivery]\n";
  for (const auto& [key, value] : defaults)
    if (!set_in_extra(key))
      toml += std::string(key) + " = " + value + "\n";
  toml += extra_delivery;
  toml += "\n" + extra_sections + "\n";
  // Transport tests count transactions and compare bytes: unless a test asks for them, no VERP
  // (recipients batched, MAIL FROM = the campaign's from) and no added header fields.
  if (extra_sections.find("[verp]") == std::string::npos)
    toml += "[verp]\nenabled = false\n";
  if (extra_sections.find("[headers]") == std::string::npos)
    toml += "[headers]\nlist_unsubscribe = false\nmessage_id = false\ndate = false\n";
  if (!host_port.empty())
    toml += "[routes]\n\"*\" = \"" + host_port + "\"\n";
  return toml;
}

inline std::string simple_message(const std::string& subject = "Volley test") {
  return "From: Sender <news@sender.test>\r\nTo: you@example.test\r\nSubject: " + subject +
         "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n"
         "A second line.\r\n.leading dot\r\n";
}

// POST /v1/campaigns with the given recipients (addresses); returns the accepted count.
inline std::uint64_t create_campaign(tools::ControlClient& client, const std::string& id,
                                     const std::vector<std::string>& recipients,
                                     const std::string& message = simple_message(),
                                     const std::string& from = "news@sender.test") {
  boost::json::array list;
  for (std::size_t i = 0; i < recipients.size(); ++i)
    list.push_back(boost::json::object{{"to", recipients[i]}, {"id", "r" + std::to_string(i)}});
  boost::json::object body{{"id", id}, {"from", from}, {"message", message}, {"recipients", list}};
  auto answer = client.request("POST", "/v1/campaigns", boost::json::serialize(body));
  EXPECT_TRUE(answer.ok()) << (answer ? std::string() : answer.error().message);
  if (!answer)
    return 0;
  EXPECT_EQ(answer->status, 202) << answer->body;
  auto value = parse_answer(answer->body);
  if (!value.is_object() || !value.as_object().contains("accepted"))
    return 0;
  return value.at("accepted").to_number<std::uint64_t>();
}

inline boost::json::value campaign_status(tools::ControlClient& client, const std::string& id) {
  auto answer = client.request("GET", "/v1/campaigns/" + id);
  if (!answer || answer->status != 200)
    return {};
  return parse_answer(answer->body);
}

// Polls GET /v1/campaigns/{id} every 50 ms until `done(status)` or the deadline; returns the last
// status (null if it could never be read). The caller asserts on what it needs.
inline boost::json::value
wait_for_campaign(tools::ControlClient& client, const std::string& id,
                  const std::function<bool(const boost::json::value&)>& done,
                  std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  auto until = std::chrono::steady_clock::now() + deadline;
  boost::json::value last;
  while (std::chrono::steady_clock::now() < until) {
    last = campaign_status(client, id);
    if (last.is_object() && done(last))
      return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return last;
}

// True when nothing of the campaign is queued or in flight any more.
inline bool settled(const boost::json::value& status) {
  return count_of(status, "queued") == 0 && count_of(status, "in_flight") == 0;
}

inline std::vector<std::string> numbered_recipients(std::size_t n, const std::string& domain) {
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back("user" + std::to_string(i) + "@" + domain);
  return out;
}

} // namespace volley::testing_support
