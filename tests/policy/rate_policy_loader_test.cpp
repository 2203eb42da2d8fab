// Tests for loading the rate policy file: a full valid file read into the exact model, the shipped
// example, rate and date syntax, and files on disk (bad files and their messages are in
// rate_policy_errors_test.cpp). Files are written only inside a fresh temporary directory.
#include "policy/rate_policy_loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "policy/ip_pool_reader.hpp"
#include "policy/policy_settings_reader.hpp"

namespace volley::policy {
namespace {

RatePolicy parse_ok(std::string_view text) {
  auto policy = parse_rate_policy(text, "p.toml");
  EXPECT_TRUE(policy.ok()) << (policy.ok() ? "" : policy.error().message);
  return policy.ok() ? *policy : RatePolicy{};
}

const char* const full_policy = R"([defaults]
max_connections = 20
max_messages_per_connection = 100
max_recipients_per_transaction = 50
rate = "100/s"
connect_timeout = "30s"
greeting_timeout = "2m"
data_timeout = "10m"
tls = "opportunistic"
retry_schedule = ["5m", "15m", "1h"]
expires_after = "72h"
pool = "main"

[group.gmail]
mx = ["*.google.com", "*.GoogleMail.com"]
max_connections = 10
rate = {limit = "6000/min", burst = 200}

[group.single]
mx = ["mx.example.net"]
tls = "verify"

[domain.".example.com"]
rate = "10/min"
[domain."Example.com"]
pool = ""

[pool.main]
ips = ["127.0.0.1"]
[pool.warmup]
ips = ["127.0.0.2", "::1"]
rate_per_ip = "20/s"
warmup = {start = "2026-11-01", daily = [500, 1000, 2500]}

[tenant.acme]
rate = "5000/h"
[campaign."spring-*"]
rate = "1000/h"
pool = "warmup"

[[throttle]]
name = "gmail-rate-limit"
code = 421
status = "4.7.28"
text = "rate limit|try again later"
groups = ["gmail"]
action = "suspend"
duration = "15m"

[[throttle]]
code = 4
action = "slow_down"
duration = "5m"
factor = 0.25

[[throttle]]
status = "4.2.2"
action = "bounce"
)";

TEST(RatePolicyLoader, ReadsEveryKeyOfAFullFile) {
  RatePolicy expected;
  expected.source = "p.toml";
  PolicySettings& d = expected.defaults;
  d.max_connections = 20;
  d.max_messages_per_connection = 100;
  d.max_recipients_per_transaction = 50;
  d.rate = MessageRate{100, 0, "100/s"};
  d.connect_timeout_ms = 30'000;
  d.greeting_timeout_ms = 120'000;
  d.data_timeout_ms = 600'000;
  d.tls = TlsMode::opportunistic;
  d.retry_schedule_s = std::vector<std::int64_t>{300, 900, 3600};
  d.expires_after_s = 72 * 3600;
  d.pool = "main";
  ProviderGroup gmail{"gmail", {"*.google.com", "*.googlemail.com"}, {}};
  gmail.settings.max_connections = 10;
  gmail.settings.rate = MessageRate{100, 200, "6000/min"};
  ProviderGroup single{"single", {"mx.example.net"}, {}};
  single.settings.tls = TlsMode::verify;
  expected.groups = {gmail, single};
  DomainPolicy exact{"example.com", {}};
  exact.settings.pool = "";
  DomainPolicy parent{".example.com", {}};
  parent.settings.rate = MessageRate{10.0 / 60, 0, "10/min"};
  expected.domains = {exact, parent}; // exact patterns first
  expected.pools = {IpPool{"main", {"127.0.0.1"}, std::nullopt, std::nullopt},
                    IpPool{"warmup",
                           {"127.0.0.2", "::1"},
                           MessageRate{20, 0, "20/s"},
                           WarmupSchedule{20758, {500, 1000, 2500}}}};
  expected.senders = {
      SenderPolicy{"acme", true, MessageRate{5000.0 / 3600, 0, "5000/h"}, {}},
      SenderPolicy{"spring-*", false, MessageRate{1000.0 / 3600, 0, "1000/h"}, "warmup"}};
  ThrottleRule gmail_rule;
  gmail_rule.name = "gmail-rate-limit";
  gmail_rule.code = 421;
  gmail_rule.status_prefix = "4.7.28";
  gmail_rule.text_pattern = "rate limit|try again later";
  gmail_rule.groups = {"gmail"};
  gmail_rule.action = ThrottleAction::suspend;
  gmail_rule.duration_ms = 15 * 60'000;
  ThrottleRule slow;
  slow.name = "throttle-2";
  slow.code = 4;
  slow.action = ThrottleAction::slow_down;
  slow.duration_ms = 5 * 60'000;
  slow.factor = 0.25;
  ThrottleRule bounce;
  bounce.name = "throttle-3";
  bounce.status_prefix = "4.2.2";
  bounce.action = ThrottleAction::bounce;
  expected.throttles = {gmail_rule, slow, bounce};

  RatePolicy policy = parse_ok(full_policy);
  EXPECT_EQ(policy, expected);
  ASSERT_EQ(policy.throttles.size(), 3u);
  ASSERT_TRUE(policy.throttles[0].text); // compiled once, at load
  EXPECT_EQ(match_throttle(policy, "gmail", 421, "4.7.28", "Try Again Later"),
            &policy.throttles[0]);
  EXPECT_EQ(describe_rate_policy_size(policy), "2 groups, 2 domains, 2 pools, 3 throttle rules");
}

TEST(RatePolicyLoader, AnEmptyFileIsAnEmptyPolicy) {
  RatePolicy expected;
  expected.source = "p.toml";
  EXPECT_EQ(parse_ok(""), expected);
  EXPECT_EQ(parse_ok("# nothing\n[defaults]\n"), expected);
  EXPECT_EQ(describe_rate_policy_size(expected), "0 groups, 0 domains, 0 pools, 0 throttle rules");
}

TEST(RatePolicyLoader, TheShippedExampleLoads) {
  auto policy = load_rate_policy_file(std::string(VOLLEY_SOURCE_DIR) + "/conf/policy.example.toml");
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(describe_rate_policy_size(*policy), "3 groups, 2 domains, 2 pools, 5 throttle rules");
  EffectivePolicy gmail = resolve_policy(*policy, DeliveryConfig{}, 3600, "gmail.com",
                                         {"alt1.gmail-smtp-in.l.google.com"});
  EXPECT_EQ(gmail.group, "gmail");
  EXPECT_EQ(gmail.max_connections, 10u);
  EffectivePolicy outlook = resolve_policy(*policy, DeliveryConfig{}, 3600, "hotmail.com",
                                           {"hotmail-com.olc.protection.outlook.com"});
  EXPECT_EQ(outlook.group, "microsoft");
  const ThrottleRule* tss04 =
      match_throttle(*policy, "yahoo", 421, "4.7.0",
                     "[TSS04] Messages from 127.0.0.4 temporarily deferred due to unexpected "
                     "volume or user complaints");
  ASSERT_NE(tss04, nullptr);
  EXPECT_EQ(tss04->name, "yahoo-tss04");
  const ThrottleRule* gmail_rule = match_throttle(*policy, "gmail", 421, "4.7.28", "unusual rate");
  ASSERT_NE(gmail_rule, nullptr);
  EXPECT_EQ(gmail_rule->name, "gmail-rate-limit");
  for (const IpPool& pool : policy->pools) {
    for (const std::string& ip : pool.ips)
      EXPECT_EQ(ip.rfind("127.", 0), 0u) << ip << ": examples use loopback addresses only";
  }
}

TEST(RatePolicyLoader, RateSyntax) {
  struct Good {
    const char* text;
    double per_second;
  };
  for (const Good& good :
       {Good{"100/s", 100}, Good{"6000/min", 100}, Good{"3600/h", 1}, Good{"86400/d", 1},
        Good{"5/sec", 5}, Good{"60/minute", 1}, Good{"7200/hour", 2}, Good{"172800/day", 2},
        Good{"10 / min", 10.0 / 60}, Good{"1/S", 1}, Good{"1000000000/s", 1e9}}) {
    auto rate = parse_message_rate_text(good.text);
    ASSERT_TRUE(rate.ok()) << good.text << ": " << rate.error().message;
    EXPECT_DOUBLE_EQ(rate->per_second, good.per_second) << good.text;
    EXPECT_EQ(rate->text, good.text);
    EXPECT_EQ(rate->burst, 0u);
  }
  auto message = [](const char* text) {
    auto rate = parse_message_rate_text(text);
    EXPECT_FALSE(rate.ok()) << text;
    return rate.ok() ? "" : rate.error().message;
  };
  EXPECT_EQ(message("100"), "\"100\" has no period — write \"100/s\" for messages per second, "
                            "or per min, h or d");
  EXPECT_EQ(message("0.5/s"), "\"0.5/s\" is not a whole number of messages — write \"30/min\"");
  EXPECT_EQ(message("1.5/min"), "\"1.5/min\" is not a whole number of messages — write \"90/h\"");
  EXPECT_EQ(message("0/s"), "\"0/s\" would send nothing — a rate is at least 1 message per "
                            "period, e.g. \"1/h\"; leave it out for no limit");
  EXPECT_EQ(message("-5/s"), "\"-5/s\" is not a rate — write a whole number of messages per "
                             "period: \"100/s\", \"6000/min\", \"20000/h\" or \"500000/d\"");
  EXPECT_EQ(message("5/m"), "\"5/m\": the period \"/m\" is ambiguous — write \"5/min\" for "
                            "minutes");
  EXPECT_EQ(message("5/week"), "unknown period \"/week\" in \"5/week\" — use /s, /min, /h or /d");
  EXPECT_EQ(message("1000000001/s"), "\"1000000001/s\" is too large — at most 1000000000 "
                                     "messages per period; leave the rate out for no limit");
  EXPECT_EQ(message(""), "\"\" is not a rate — write a whole number of messages per period: "
                         "\"100/s\", \"6000/min\", \"20000/h\" or \"500000/d\"");
}

TEST(RatePolicyLoader, CalendarDays) {
  EXPECT_EQ(parse_calendar_day("1970-01-01").value(), 0);
  EXPECT_EQ(parse_calendar_day("2026-11-01").value(), 20758);
  EXPECT_EQ(parse_calendar_day("2024-02-29").value(), 19782);
  EXPECT_EQ(parse_calendar_day("2000-03-01").value(), 11017);
  EXPECT_EQ(parse_calendar_day("2026-02-29").error().message,
            "\"2026-02-29\" is not a date — 2026-02 has 28 days");
  EXPECT_EQ(parse_calendar_day("2026-13-01").error().message,
            "\"2026-13-01\" is not a date — write the first day as \"YYYY-MM-DD\", e.g. "
            "\"2026-11-01\"");
  EXPECT_EQ(parse_calendar_day("1969-12-31").error().message,
            "\"1969-12-31\" is before 1970 — write the first day as \"YYYY-MM-DD\", e.g. "
            "\"2026-11-01\"");
  EXPECT_FALSE(parse_calendar_day("2026-1-01").ok());
  EXPECT_FALSE(parse_calendar_day("01.11.2026").ok());
}

TEST(RatePolicyLoader, WarmupStartMayBeATomlDate) {
  RatePolicy policy = parse_ok("[pool.w]\nips = [\"127.0.0.2\"]\n"
                               "warmup = {start = 2026-11-01, daily = [1, 2]}\n");
  ASSERT_EQ(policy.pools.size(), 1u);
  EXPECT_EQ(policy.pools[0].warmup, (WarmupSchedule{20758, {1, 2}}));
}

TEST(RatePolicyLoader, SendersKeepFileOrderAcrossCampaignsAndTenants) {
  RatePolicy policy = parse_ok("[campaign.\"b-*\"]\nrate = \"1/s\"\n[tenant.t]\nrate = \"2/s\"\n"
                               "[campaign.\"a-*\"]\nrate = \"3/s\"\n");
  ASSERT_EQ(policy.senders.size(), 3u);
  EXPECT_EQ(policy.senders[0].pattern, "b-*");
  EXPECT_EQ(policy.senders[1].pattern, "t");
  EXPECT_TRUE(policy.senders[1].tenant);
  EXPECT_EQ(policy.senders[2].pattern, "a-*");
}

class RatePolicyFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "volley-policy-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (std::filesystem::path(dir_) / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::string dir_;
};

TEST_F(RatePolicyFileTest, LoadsAFileAndNamesItInErrors) {
  std::string good = write("good.toml", "[defaults]\nrate = \"5/s\"\n");
  auto policy = load_rate_policy_file(good);
  ASSERT_TRUE(policy.ok()) << policy.error().message;
  EXPECT_EQ(policy->source, good);
  EXPECT_EQ(policy->defaults.rate, (MessageRate{5, 0, "5/s"}));
  std::string bad = write("bad.toml", "[defaults]\nrate = \"5\"\n");
  auto failed = load_rate_policy_file(bad);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, bad + ":2:8: [defaults] `rate`: \"5\" has no period — write "
                                          "\"5/s\" for messages per second, or per min, h or d");
}

TEST_F(RatePolicyFileTest, MissingAndOversizedFiles) {
  auto missing = load_rate_policy_file(dir_ + "/none.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, error_code::not_found);
  EXPECT_EQ(missing.error().message.rfind("cannot read policy file " + dir_ +
                                              "/none.toml: No "
                                              "such file or directory — ",
                                          0),
            0u)
      << missing.error().message;
  std::string big = write("big.toml", std::string(max_rate_policy_file_size + 1, '#'));
  auto oversized = load_rate_policy_file(big);
  ASSERT_FALSE(oversized.ok());
  EXPECT_EQ(oversized.error().message.rfind("policy file " + big + " is larger than 1 MiB", 0), 0u)
      << oversized.error().message;
}

} // namespace
} // namespace volley::policy
