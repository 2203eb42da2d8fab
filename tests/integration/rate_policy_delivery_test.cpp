// The rate policy in the real volleyd, against a recording volley-sink on loopback: a [domain]
// rate is honoured (arrival times from the sink's own timestamps: never faster than the rate over
// any window, within 10 %) while other domains are not held back; [[throttle]] rules suspend a
// site on an injected reply and it recovers, slow it down and it recovers, or turn a 4xx into a
// hard bounce; POST /v1/policy/reload and SIGHUP swap the policy, a bad file keeps the old one in
// force with file:line:column, and reloads under load lose or duplicate nothing.
// Time bounds are lower bounds on the rate (a slow machine can only be slower) plus generous
// deadlines; never uses a non-loopback address and never signals a process it did not start.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_fault_checks.hpp"
#include "integration/delivery_harness.hpp"
#include "integration/json_answer.hpp"
#include "integration/lifecycle_checks.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;

void write_policy(const VolleydProcess& daemon, const std::string& text) {
  std::ofstream(daemon.dir() / "policy.toml") << text;
}

std::string config_with_policy(const std::string& sink, const std::string& extra_delivery = "") {
  return delivery_toml_to(sink, "retry_schedule = [\"1s\"]\n" + extra_delivery,
                          "[policy]\nfile = \"policy.toml\"\n");
}

// A recording volley-sink (sink_args: its --fault flags) and a started volleyd delivering to it
// with [policy] file = policy.toml holding policy_text.
struct PolicyRun {
  VolleySinkProcess sink;
  std::unique_ptr<VolleydProcess> daemon;
  PolicyRun(std::vector<std::string> sink_args, const std::string& policy_text,
            const std::string& extra_delivery = "")
      : sink({.args = std::move(sink_args), .record = true}) {
    sink.start();
    VolleydSettings settings;
    settings.durable = false;
    settings.delivery_toml = config_with_policy(sink.address(), extra_delivery);
    daemon = std::make_unique<VolleydProcess>(settings);
    write_policy(*daemon, policy_text);
    daemon->start();
  }
};

// prefix0@one.test, prefix1@one.test, ...: one domain and site for campaign and tenant tests.
std::vector<std::string> named(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back(prefix + std::to_string(i) + "@one.test");
  return out;
}

// Arrival time (sink clock, ms) of every recipient, by address.
std::map<std::string, std::int64_t> arrival_times(const VolleySinkProcess& sink) {
  std::map<std::string, std::int64_t> out;
  for (const auto& record : sink.records()) {
    std::int64_t at = record.at("at_ms").to_number<std::int64_t>();
    for (const auto& rcpt : record.at("rcpts").as_array())
      out.emplace(std::string(rcpt.as_string()), at);
  }
  return out;
}

std::vector<std::int64_t> times_of(const std::map<std::string, std::int64_t>& all,
                                   const std::string& domain) {
  std::vector<std::int64_t> out;
  for (const auto& [address, at] : all)
    if (address.ends_with("@" + domain))
      out.push_back(at);
  std::sort(out.begin(), out.end());
  return out;
}

// The most arrivals in any window of `window_ms`.
std::size_t busiest_window(const std::vector<std::int64_t>& sorted, std::int64_t window_ms) {
  std::size_t best = 0;
  for (std::size_t i = 0, j = 0; j < sorted.size(); ++j) {
    while (sorted[j] - sorted[i] >= window_ms)
      ++i;
    best = std::max(best, j - i + 1);
  }
  return best;
}

// /v1/queues is refreshed twice a second: the site's "rate" once it equals want (or the last seen).
std::string wait_for_site_rate(volley::tools::ControlClient& client, const std::string& want);

boost::json::object site_status(volley::tools::ControlClient& client) {
  auto answer = client.request("GET", "/v1/queues");
  if (!answer || answer->status != 200)
    return {};
  auto value = parse_answer(answer->body);
  const auto& sites = value.at("sites").as_array();
  return sites.empty() ? boost::json::object{} : sites.front().as_object();
}

std::string wait_for_site_rate(volley::tools::ControlClient& client, const std::string& want) {
  std::string seen;
  for (int i = 0; i < 100 && seen != want; ++i) {
    seen = text_of(site_status(client), "rate");
    if (seen != want)
      std::this_thread::sleep_for(50ms);
  }
  return seen;
}

TEST(RatePolicyDelivery, DomainRateIsHonouredAndOtherDomainsAreNotHeldBack) {
  PolicyRun run({}, "[domain.\"slow.test\"]\nrate = {limit = \"10/s\", burst = 1}\n");
  VolleySinkProcess& sink = run.sink;
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  auto slow = numbered_recipients(40, "slow.test");
  auto fast = numbered_recipients(40, "fast.test");
  std::vector<std::string> all = slow;
  all.insert(all.end(), fast.begin(), fast.end());
  ASSERT_EQ(create_campaign(client, "rated", all), 80u);
  auto status = wait_for_campaign(client, "rated", settled, 90s);
  ASSERT_EQ(count_of(status, "delivered"), 80u) << status << daemon.log();

  auto times = arrival_times(sink);
  auto slow_times = times_of(times, "slow.test");
  auto fast_times = times_of(times, "fast.test");
  ASSERT_EQ(slow_times.size(), 40u);
  ASSERT_EQ(fast_times.size(), 40u);
  // 40 at 10/s with a burst of 1: at least 3.9 s from first to last, minus 10 %.
  EXPECT_GE(slow_times.back() - slow_times.front(), 3510) << "faster than 10/s";
  // ... and not much slower: 3.9 s + 10 %, plus half a second for a busy machine.
  EXPECT_LE(slow_times.back() - slow_times.front(), 4800) << "slower than 10/s";
  // Any one second holds at most 10 (+1 burst) of them, plus 10 % for clock granularity.
  EXPECT_LE(busiest_window(slow_times, 1000), 12u);
  // fast.test shares the site but not the domain's limit: it is not paced at 10/s.
  EXPECT_LT(fast_times.back() - fast_times.front(), 3000) << "held back by slow.test's rate";
  EXPECT_GT(busiest_window(fast_times, 1000), 20u);
}

TEST(RatePolicyDelivery, SuspendRuleFiresOnAnInjectedReplyAndTheSiteRecovers) {
  PolicyRun run({"--fault", "rcpt:452:first=1"},
                "[[throttle]]\nname = \"sink-busy\"\ncode = 452\n"
                "text = \"volley-sink fault\"\naction = \"suspend\"\nduration = \"3s\"\n",
                "max_recipients_per_transaction = 1\n");
  VolleySinkProcess& sink = run.sink;
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  ASSERT_EQ(create_campaign(client, "busy", numbered_recipients(10, "busy.test")), 10u);
  // The first reply is the 452: the site is suspended, its waiting recipients deferred.
  std::string throttle;
  for (int i = 0; i < 150 && throttle.empty(); ++i) {
    throttle = text_of(site_status(client), "throttle");
    if (throttle.empty())
      std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(throttle.find("suspended by rule sink-busy"), std::string::npos) << throttle;
  auto status = wait_for_campaign(
      client, "busy", [](const auto& st) { return count_of(st, "delivered") == 10; }, 60s);
  EXPECT_EQ(count_of(status, "delivered"), 10u) << status << daemon.log();
  EXPECT_NE(daemon.log().find("rule sink-busy matched"), std::string::npos) << daemon.log();
  expect_each_exactly_once(sink, numbered_recipients(10, "busy.test"));
  // Recovered: the rule is no longer in force (/v1/queues is refreshed twice a second).
  std::string after = "?";
  for (int i = 0; i < 60 && !after.empty(); ++i) {
    after = text_of(site_status(client), "throttle");
    if (!after.empty())
      std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(after, "");
}

TEST(RatePolicyDelivery, SlowDownRuleCutsTheRateAndItRecovers) {
  PolicyRun run({"--fault", "rcpt:452:first=1"},
                "[defaults]\nrate = \"40/s\"\n[[throttle]]\nname = \"slow\"\ncode = 4\n"
                "status = \"4.\"\naction = \"slow_down\"\nfactor = 0.25\n"
                "duration = \"1s\"\n",
                "max_recipients_per_transaction = 1\n");
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  ASSERT_EQ(create_campaign(client, "slowed", numbered_recipients(60, "slowed.test")), 60u);
  double lowest = 1.0;
  for (int i = 0; i < 200 && lowest >= 1.0; ++i) {
    auto site = site_status(client);
    if (site.contains("rate_factor"))
      lowest = std::min(lowest, site.at("rate_factor").to_number<double>());
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_DOUBLE_EQ(lowest, 0.25);
  auto status = wait_for_campaign(client, "slowed", settled, 60s);
  EXPECT_EQ(count_of(status, "delivered"), 60u) << status << daemon.log();
  // Recovery doubles the factor every period without a match: back to 1 within a few seconds.
  double factor = 0;
  for (int i = 0; i < 100 && factor < 1.0; ++i) {
    // The factor only moves when the site takes work: keep a little coming.
    create_campaign(client, "nudge" + std::to_string(i),
                    {"n" + std::to_string(i) + "@slowed.test"});
    std::this_thread::sleep_for(100ms);
    factor = site_status(client).at("rate_factor").to_number<double>();
  }
  EXPECT_DOUBLE_EQ(factor, 1.0) << daemon.log();
}

TEST(RatePolicyDelivery, BounceRuleTurnsAMatching4xxIntoAHardBounce) {
  PolicyRun run({"--fault", "rcpt:452:rcpt~gone"},
                "[[throttle]]\nname = \"really-gone\"\ncode = 452\n"
                "text = \"volley-sink fault\"\naction = \"bounce\"\n");
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  ASSERT_EQ(
      create_campaign(client, "mixed",
                      {"a@mixed.test", "gone1@mixed.test", "b@mixed.test", "gone2@mixed.test"}),
      4u);
  auto status = wait_for_campaign(client, "mixed", settled, 60s);
  EXPECT_EQ(count_of(status, "delivered"), 2u) << status;
  // Final (never retried); hard or soft is the classifier's call on the server's words.
  EXPECT_EQ(count_of(status, "bounced_hard") + count_of(status, "bounced_soft"), 2u) << status;
  auto answer = client.request("GET", "/v1/bounces?campaign=mixed");
  ASSERT_TRUE(answer.ok());
  auto records = parse_answer(answer->body).at("records").as_array();
  ASSERT_EQ(records.size(), 2u) << answer->body;
  for (const auto& record : records) {
    EXPECT_EQ(record.at("smtp_code").to_number<int>(), 550) << record;
    EXPECT_NE(text_of(record.as_object(), "diagnostic").find("policy rule really-gone"),
              std::string::npos)
        << record;
  }
}

TEST(RatePolicyDelivery, ReloadSwapsThePolicyKeepsTheOldOneOnErrorAndLosesNothing) {
  PolicyRun run({}, "[defaults]\nrate = \"500/s\"\n");
  VolleySinkProcess& sink = run.sink;
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  auto recipients = numbered_recipients(2000, "load.test");
  ASSERT_EQ(create_campaign(client, "load", recipients), 2000u);

  // A bad file: 400 with where and what; the old policy stays in force.
  write_policy(daemon, "[defaults]\nrate = \"fast\"\n");
  auto bad = client.request("POST", "/v1/policy/reload");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_NE(bad->body.find("policy.toml:2:"), std::string::npos) << bad->body;
  EXPECT_EQ(wait_for_site_rate(client, "500/s"), "500/s");

  // Good files, alternately through the API and SIGHUP, while the campaign is delivered.
  for (int i = 0; i < 6; ++i) {
    write_policy(daemon, "[defaults]\nrate = \"" + std::to_string(400 + 100 * i) + "/s\"\n");
    if (i % 2 == 0) {
      auto good = client.request("POST", "/v1/policy/reload");
      ASSERT_TRUE(good.ok());
      EXPECT_EQ(good->status, 200) << good->body;
    } else {
      ASSERT_EQ(::kill(volleyd_pid(daemon), SIGHUP), 0);
    }
    std::this_thread::sleep_for(200ms);
  }
  auto status = wait_for_campaign(client, "load", settled, 90s);
  EXPECT_EQ(count_of(status, "delivered"), 2000u) << status << daemon.log();
  expect_each_exactly_once(sink, recipients);
  EXPECT_NE(daemon.log().find("rate policy reloaded"), std::string::npos) << daemon.log();
  EXPECT_EQ(wait_for_site_rate(client, "900/s"), "900/s") << daemon.log();
}

} // namespace

namespace {

// POST /v1/campaigns with tags.
void create_tagged_campaign(volley::tools::ControlClient& client, const std::string& id,
                            const std::vector<std::string>& recipients, const std::string& tenant) {
  boost::json::array list;
  for (const auto& to : recipients)
    list.push_back(boost::json::object{{"to", to}});
  boost::json::object body{{"id", id},
                           {"from", "news@sender.test"},
                           {"message", simple_message()},
                           {"recipients", list},
                           {"tags", boost::json::object{{"tenant", tenant}}}};
  auto answer = client.request("POST", "/v1/campaigns", boost::json::serialize(body));
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->status, 202) << answer->body;
}

std::vector<std::int64_t> times_of_campaign(const std::map<std::string, std::int64_t>& all,
                                            const std::string& prefix) {
  std::vector<std::int64_t> out;
  for (const auto& [address, at] : all)
    if (address.starts_with(prefix))
      out.push_back(at);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RatePolicyDelivery, CampaignAndTenantRatesAreHonoured) {
  PolicyRun run({}, "[campaign.\"slow-*\"]\nrate = {limit = \"10/s\", burst = 1}\n"
                    "[tenant.acme]\nrate = {limit = \"10/s\", burst = 1}\n");
  VolleySinkProcess& sink = run.sink;
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  // All in one domain and site: only the campaign and tenant limits tell them apart.
  create_tagged_campaign(client, "slow-1", named("slow", 20), "");
  create_tagged_campaign(client, "acme-a", named("acmea", 10), "acme");
  create_tagged_campaign(client, "acme-b", named("acmeb", 10), "acme");
  create_tagged_campaign(client, "free", named("free", 20), "other");
  for (const char* id : {"slow-1", "acme-a", "acme-b", "free"}) {
    auto status = wait_for_campaign(client, id, settled, 90s);
    EXPECT_EQ(count_of(status, "queued") + count_of(status, "in_flight"), 0u) << id << status;
  }
  auto times = arrival_times(sink);
  auto slow = times_of_campaign(times, "slow");
  std::vector<std::int64_t> acme = times_of_campaign(times, "acme");
  auto free = times_of_campaign(times, "free");
  ASSERT_EQ(slow.size(), 20u);
  ASSERT_EQ(acme.size(), 20u);
  ASSERT_EQ(free.size(), 20u);
  // 20 at 10/s with a burst of 1: >= 1.9 s - 10 %; the tenant's two campaigns share one limit.
  EXPECT_GE(slow.back() - slow.front(), 1710);
  EXPECT_LE(busiest_window(slow, 1000), 12u);
  EXPECT_GE(acme.back() - acme.front(), 1710) << "the tenant's campaigns were not paced together";
  EXPECT_LE(busiest_window(acme, 1000), 12u);
  EXPECT_LT(free.back() - free.front(), 1500) << "an unlimited campaign was held back";
}

// A rate-limited campaign with more waiting jobs than one scan window (256) at the front of a
// site must not hold back a campaign that came later to the same site.
TEST(RatePolicyDelivery, ALimitedCampaignDoesNotStarveALaterOneInTheSameSite) {
  PolicyRun run({}, "[campaign.\"slow-*\"]\nrate = {limit = \"5/s\", burst = 1}\n");
  auto client = run.daemon->client();
  create_tagged_campaign(client, "slow-big", named("slow", 600), "");
  wait_for_campaign(
      client, "slow-big",
      [](const boost::json::value& s) { return s.is_object() && count_of(s, "delivered") >= 1; },
      60s); // its 600 jobs are in the site's queue now
  create_tagged_campaign(client, "later", named("later", 20), "");
  // At 5/s the slow campaign needs 2 minutes; before, "later" waited until fewer than 256 of its
  // jobs were left (about 70 s).
  auto later = wait_for_campaign(client, "later", settled, 45s);
  EXPECT_EQ(count_of(later, "delivered"), 20u) << later;
  auto slow = campaign_status(client, "slow-big");
  EXPECT_LT(count_of(slow, "delivered"), 400u) << "the slow campaign was not paced";
}

TEST(RatePolicyDelivery, WarmupCapLimitsEachPoolAddressPerDay) {
  // Two loopback addresses that started warming up today: 4 messages each today.
  std::time_t now = std::time(nullptr);
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", std::gmtime(&now));
  PolicyRun run({}, std::string("[defaults]\npool = \"warm\"\n[pool.warm]\n"
                                "ips = [\"127.0.0.2\", \"127.0.0.3\"]\n"
                                "warmup = {start = \"") +
                        today + "\", daily = [4, 8, 16]}\n");
  VolleySinkProcess& sink = run.sink;
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  ASSERT_EQ(create_campaign(client, "warm", numbered_recipients(20, "warm.test")), 20u);
  auto status = wait_for_campaign(
      client, "warm", [](const auto& st) { return count_of(st, "delivered") >= 8; }, 60s);
  EXPECT_EQ(count_of(status, "delivered"), 8u) << status << daemon.log();
  // The other 12 wait for tomorrow's cap: nothing more arrives.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(sink_recipients(sink), 8u);
  status = campaign_status(client, "warm");
  EXPECT_EQ(count_of(status, "delivered"), 8u) << status;
  EXPECT_EQ(count_of(status, "queued") + count_of(status, "in_flight"), 12u) << status;
}

} // namespace

namespace {

TEST(RatePolicyDelivery, PolicyExpiresAfterShortensTheLifetimeOfItsDomainsOnly) {
  PolicyRun run({"--fault", "rcpt:451"}, "[domain.\"short.test\"]\nexpires_after = \"2s\"\n");
  VolleydProcess& daemon = *run.daemon;
  auto client = daemon.client();
  ASSERT_EQ(create_campaign(client, "short", {"a@short.test", "b@short.test"}), 2u);
  ASSERT_EQ(create_campaign(client, "long", {"a@long.test"}), 1u);
  auto status = wait_for_campaign(
      client, "short", [](const auto& st) { return count_of(st, "expired") == 2; }, 30s);
  EXPECT_EQ(count_of(status, "expired"), 2u) << status << daemon.log();
  // The other domain keeps the spool's 72 h: still deferred, not expired.
  auto other = campaign_status(client, "long");
  EXPECT_EQ(count_of(other, "expired"), 0u) << other;
}

} // namespace
