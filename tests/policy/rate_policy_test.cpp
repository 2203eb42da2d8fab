// Tests for the pure functions of the rate policy: layering with the origin of every setting, MX,
// domain and campaign pattern matching, throttle rule matching and warm-up caps. Policies are built
// in code here (loading is rate_policy_loader_test.cpp); no files, no clock.
#include "policy/rate_policy.hpp"

#include <gtest/gtest.h>

#include <map>

namespace volley::policy {
namespace {

MessageRate rate(double per_second, std::string text, std::uint64_t burst = 0) {
  return MessageRate{per_second, burst, std::move(text)};
}

std::map<std::string, std::pair<std::string, std::string>> origins(const EffectivePolicy& p) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const SettingOrigin& origin : p.origins)
    out[origin.setting] = {origin.value, origin.layer};
  return out;
}

RatePolicy layered_policy() {
  RatePolicy policy;
  policy.defaults.max_connections = 20;
  policy.defaults.rate = rate(100, "100/s");
  policy.defaults.retry_schedule_s = std::vector<std::int64_t>{300, 3600};
  policy.defaults.pool = "main";
  ProviderGroup gmail{"gmail", {"*.google.com", "*.googlemail.com"}, {}};
  gmail.settings.max_connections = 10;
  gmail.settings.rate = rate(50, "50/s");
  gmail.settings.tls = TlsMode::require;
  ProviderGroup yahoo{"yahoo", {"*.yahoodns.net"}, {}};
  yahoo.settings.max_messages_per_connection = 20;
  policy.groups = {gmail, yahoo};
  DomainPolicy exact{"example.com", {}};
  exact.settings.rate = rate(10.0 / 60, "10/min");
  exact.settings.connect_timeout_ms = 5000;
  DomainPolicy parent{".example.com", {}};
  parent.settings.max_recipients_per_transaction = 5;
  DomainPolicy later_parent{".com", {}};
  later_parent.settings.expires_after_s = 3600;
  policy.domains = {exact, parent, later_parent};
  return policy;
}

TEST(ResolvePolicy, WithoutAPolicyEverythingComesFromDelivery) {
  DeliveryConfig base;
  EffectivePolicy p = resolve_policy(RatePolicy{}, base, 72 * 3600, "example.org", {});
  EXPECT_EQ(p.group, "");
  EXPECT_EQ(p.max_connections, base.max_connections_per_site);
  EXPECT_EQ(p.max_messages_per_connection, base.max_messages_per_connection);
  EXPECT_EQ(p.max_recipients_per_transaction, base.max_recipients_per_transaction);
  EXPECT_FALSE(p.site_rate);
  EXPECT_FALSE(p.domain_rate);
  EXPECT_EQ(p.connect_timeout_ms, base.connect_timeout_ms);
  EXPECT_EQ(p.greeting_timeout_ms, base.greeting_timeout_ms);
  EXPECT_EQ(p.data_timeout_ms, base.data_timeout_ms);
  EXPECT_EQ(p.tls, base.tls);
  EXPECT_EQ(p.retry_schedule_s, base.retry_schedule_s);
  EXPECT_EQ(p.expires_after_s, 72 * 3600);
  EXPECT_EQ(p.pool, "");
  ASSERT_EQ(p.origins.size(), 12u);
  auto o = origins(p);
  EXPECT_EQ(o["max_connections"], std::make_pair(std::string("20"), std::string("[delivery]")));
  EXPECT_EQ(o["site_rate"], std::make_pair(std::string("unlimited"), std::string("[delivery]")));
  EXPECT_EQ(o["retry_schedule"].first, "5m, 15m, 30m, 1h, 2h, 4h");
  EXPECT_EQ(o["expires_after"], std::make_pair(std::string("3d"), std::string("[spool]")));
  EXPECT_EQ(o["pool"].first, "(none: [delivery] source_ips)");
}

TEST(ResolvePolicy, LayersOverrideOnlyWhatTheySetAndNameTheirLayer) {
  DeliveryConfig base;
  EffectivePolicy p = resolve_policy(layered_policy(), base, 86400, "example.com",
                                     {"alt1.aspmx.l.google.com", "mx.other.net"});
  EXPECT_EQ(p.group, "gmail");
  EXPECT_EQ(p.max_connections, 10u);
  EXPECT_EQ(p.max_messages_per_connection, base.max_messages_per_connection);
  EXPECT_EQ(p.site_rate, rate(50, "50/s"));
  EXPECT_EQ(p.domain_rate, rate(10.0 / 60, "10/min"));
  EXPECT_EQ(p.connect_timeout_ms, 5000);
  EXPECT_EQ(p.tls, TlsMode::require);
  EXPECT_EQ(p.retry_schedule_s, (std::vector<std::int64_t>{300, 3600}));
  EXPECT_EQ(p.pool, "main");
  // The exact [domain] entry wins; the ".parent" ones do not apply at all.
  EXPECT_EQ(p.max_recipients_per_transaction, base.max_recipients_per_transaction);
  EXPECT_EQ(p.expires_after_s, 86400);

  auto o = origins(p);
  using Origin = std::pair<std::string, std::string>;
  EXPECT_EQ(o["max_connections"], Origin("10", "[group.gmail]"));
  EXPECT_EQ(o["max_messages_per_connection"], Origin("1000", "[delivery]"));
  EXPECT_EQ(o["site_rate"], Origin("50/s", "[group.gmail]"));
  EXPECT_EQ(o["domain_rate"], Origin("10/min", "[domain.\"example.com\"]"));
  EXPECT_EQ(o["connect_timeout"], Origin("5s", "[domain.\"example.com\"]"));
  EXPECT_EQ(o["greeting_timeout"], Origin("5m", "[delivery]"));
  EXPECT_EQ(o["tls"], Origin("require", "[group.gmail]"));
  EXPECT_EQ(o["retry_schedule"], Origin("5m, 1h", "[defaults]"));
  EXPECT_EQ(o["pool"], Origin("main", "[defaults]"));
  EXPECT_EQ(p.origins.front().setting, "max_connections");
  EXPECT_EQ(p.origins.back().setting, "pool");
}

TEST(ResolvePolicy, ParentPatternsApplyInFileOrderAfterExactOnes) {
  RatePolicy policy = layered_policy();
  EffectivePolicy sub = resolve_policy(policy, DeliveryConfig{}, 100, "mail.example.com", {});
  EXPECT_EQ(sub.group, "");
  EXPECT_EQ(sub.max_recipients_per_transaction, 5u); // ".example.com", the first parent
  EXPECT_EQ(sub.expires_after_s, 100);               // not ".com": only one domain entry applies
  EXPECT_FALSE(sub.domain_rate);
  EXPECT_EQ(origins(sub)["max_recipients_per_transaction"].second, "[domain.\".example.com\"]");
  EXPECT_EQ(origins(sub)["max_connections"].second, "[defaults]");

  EffectivePolicy other = resolve_policy(policy, DeliveryConfig{}, 100, "example.net.com", {});
  EXPECT_EQ(other.expires_after_s, 3600);
  EXPECT_EQ(origins(other)["expires_after"].second, "[domain.\".com\"]");

  // An exact entry listed after a parent one still wins.
  std::swap(policy.domains[0], policy.domains[1]);
  EffectivePolicy exact = resolve_policy(policy, DeliveryConfig{}, 100, "example.com", {});
  EXPECT_EQ(exact.connect_timeout_ms, 5000);
  EXPECT_EQ(exact.max_recipients_per_transaction, 50u);
}

TEST(ResolvePolicy, DomainRateIsSeparateFromTheSiteRate) {
  RatePolicy policy;
  DomainPolicy entry{"example.com", {}};
  entry.settings.rate = rate(1, "1/s");
  policy.domains = {entry};
  EffectivePolicy p = resolve_policy(policy, DeliveryConfig{}, 100, "example.com", {});
  EXPECT_FALSE(p.site_rate);
  EXPECT_EQ(p.domain_rate, rate(1, "1/s"));
  EXPECT_EQ(origins(p)["site_rate"].second, "[delivery]");
}

TEST(ResolvePolicy, TlsDomainsOfDeliveryAreTheBaseLayer) {
  DeliveryConfig base;
  base.tls_domains = {TlsDomainConfig{".bank.example", TlsMode::verify}};
  EffectivePolicy bank = resolve_policy(RatePolicy{}, base, 100, "www.bank.example", {});
  EXPECT_EQ(bank.tls, TlsMode::verify);
  EXPECT_EQ(origins(bank)["tls"].second, "[delivery.tls_domains]");
  EffectivePolicy other = resolve_policy(RatePolicy{}, base, 100, "example.org", {});
  EXPECT_EQ(other.tls, TlsMode::opportunistic);
  EXPECT_EQ(origins(other)["tls"].second, "[delivery]");
}

TEST(ResolvePolicy, PoolCanBeResetToDeliverySourceIps) {
  RatePolicy policy;
  policy.defaults.pool = "main";
  DomainPolicy entry{"example.com", {}};
  entry.settings.pool = "";
  policy.domains = {entry};
  EffectivePolicy p = resolve_policy(policy, DeliveryConfig{}, 100, "example.com", {});
  EXPECT_EQ(p.pool, "");
  EXPECT_EQ(origins(p)["pool"].second, "[domain.\"example.com\"]");
}

TEST(MxPatterns, WildcardMatchesAnyDepthButNotTheDomainItself) {
  EXPECT_TRUE(mx_pattern_matches("*.google.com", "aspmx.l.google.com"));
  EXPECT_TRUE(mx_pattern_matches("*.google.com", "alt1.aspmx.l.google.com"));
  EXPECT_TRUE(mx_pattern_matches("*.google.com", "x.google.com"));
  EXPECT_TRUE(mx_pattern_matches("*.google.com", "ALT1.ASPMX.L.Google.Com"));
  EXPECT_TRUE(mx_pattern_matches("*.google.com", "alt1.aspmx.l.google.com."));
  EXPECT_FALSE(mx_pattern_matches("*.google.com", "google.com"));
  EXPECT_FALSE(mx_pattern_matches("*.google.com", "notgoogle.com"));
  EXPECT_FALSE(mx_pattern_matches("*.google.com", "mx.google.com.evil.net"));
  EXPECT_FALSE(mx_pattern_matches("*.google.com", ".google.com"));
  EXPECT_TRUE(mx_pattern_matches("mx.example.net", "MX.Example.NET"));
  EXPECT_FALSE(mx_pattern_matches("mx.example.net", "a.mx.example.net"));
  EXPECT_FALSE(mx_pattern_matches("mx.example.net", "mx.example.ne"));
}

TEST(MxPatterns, TheFirstGroupWithAMatchingHostWins) {
  RatePolicy policy = layered_policy();
  EXPECT_EQ(find_provider_group(policy, {}), nullptr);
  EXPECT_EQ(find_provider_group(policy, {"mx.example.net"}), nullptr);
  EXPECT_EQ(find_provider_group(policy, {"mta5.am0.yahoodns.net"})->name, "yahoo");
  EXPECT_EQ(find_provider_group(policy, {"mta5.am0.yahoodns.net", "x.googlemail.com"})->name,
            "gmail");
}

TEST(DomainPatterns, ExactAndParent) {
  EXPECT_TRUE(domain_pattern_matches("example.com", "example.com"));
  EXPECT_FALSE(domain_pattern_matches("example.com", "a.example.com"));
  EXPECT_TRUE(domain_pattern_matches(".example.com", "example.com"));
  EXPECT_TRUE(domain_pattern_matches(".example.com", "a.b.example.com"));
  EXPECT_FALSE(domain_pattern_matches(".example.com", "badexample.com"));
}

TEST(SenderPolicies, CampaignGlobs) {
  EXPECT_TRUE(campaign_glob_matches("spring-*", "spring-2026"));
  EXPECT_TRUE(campaign_glob_matches("spring-*", "spring-"));
  EXPECT_FALSE(campaign_glob_matches("spring-*", "Spring-2026"));
  EXPECT_FALSE(campaign_glob_matches("spring-*", "spring"));
  EXPECT_TRUE(campaign_glob_matches("*", ""));
  EXPECT_TRUE(campaign_glob_matches("*", "anything"));
  EXPECT_TRUE(campaign_glob_matches("*-2026", "fall-2026"));
  EXPECT_TRUE(campaign_glob_matches("a*b*c", "aXXbYYbZc"));
  EXPECT_FALSE(campaign_glob_matches("a*b*c", "aXXbYYbZ"));
  EXPECT_TRUE(campaign_glob_matches("news**", "news"));
  EXPECT_TRUE(campaign_glob_matches("exact", "exact"));
  EXPECT_FALSE(campaign_glob_matches("exact", "exact2"));
}

TEST(SenderPolicies, CampaignAndTenantEntriesInFileOrder) {
  RatePolicy policy;
  policy.senders = {SenderPolicy{"spring-*", false, rate(1, "1/s"), std::nullopt},
                    SenderPolicy{"acme", true, std::nullopt, "warmup"},
                    SenderPolicy{"*", false, rate(10, "10/s"), std::nullopt},
                    SenderPolicy{"Acme", true, rate(2, "2/s"), std::nullopt}};
  auto found = find_sender_policies(policy, "spring-1", "acme");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], &policy.senders[0]);
  EXPECT_EQ(found[1], &policy.senders[1]);
  EXPECT_EQ(found[2], &policy.senders[2]);
  found = find_sender_policies(policy, "fall-1", "");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->pattern, "*");
  found = find_sender_policies(policy, "x", "Acme");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1]->pattern, "Acme");
}

ThrottleRule rule(std::string name, std::optional<int> code, std::string status, std::string text,
                  std::vector<std::string> groups) {
  ThrottleRule r;
  r.name = std::move(name);
  r.code = code;
  r.status_prefix = std::move(status);
  r.text_pattern = text;
  if (!text.empty())
    r.text.emplace(text, std::regex::ECMAScript | std::regex::icase);
  r.groups = std::move(groups);
  return r;
}

TEST(ThrottleRules, EveryGivenConditionMustMatch) {
  RatePolicy policy;
  policy.throttles = {rule("gmail", 421, "4.7.28", "", {"gmail"}),
                      rule("yahoo", std::nullopt, "", "\\[TSS04\\]", {"yahoo"}),
                      rule("any-4xx-busy", 4, "", "too many|busy", {}),
                      rule("class", std::nullopt, "4.7", "", {"microsoft", "gmail"})};
  auto name = [&](std::string_view group, int code, std::string_view status,
                  std::string_view text) -> std::string {
    const ThrottleRule* r = match_throttle(policy, group, code, status, text);
    return r ? r->name : "-";
  };
  EXPECT_EQ(name("gmail", 421, "4.7.28", "Our system has detected an unusual rate"), "gmail");
  EXPECT_EQ(name("gmail", 450, "4.7.28", "x"), "class"); // code must match exactly
  EXPECT_EQ(name("gmail", 421, "4.7.2", "x"), "class");  // "4.7.28" is not a prefix of it
  EXPECT_EQ(name("yahoo", 421, "4.7.28", "x"), "-");     // the gmail rule is for gmail
  EXPECT_EQ(name("yahoo", 421, "4.7.0", "[TSS04] Messages from"), "yahoo");
  EXPECT_EQ(name("yahoo", 421, "4.7.0", "[tss04] messages"), "yahoo"); // case-insensitive
  EXPECT_EQ(name("", 421, "4.7.0", "[TSS04]"), "-");
  EXPECT_EQ(name("", 451, "", "Server BUSY, try later"), "any-4xx-busy");
  EXPECT_EQ(name("", 551, "", "busy"), "-"); // 4 = any 4xx, not 5xx
  EXPECT_EQ(name("microsoft", 451, "4.7.650", "rate limited"), "class");
  EXPECT_EQ(name("microsoft", 451, "4.70.1", "x"), "-"); // "4.7" matches whole components
  EXPECT_EQ(name("", 250, "2.0.0", "ok"), "-");
}

TEST(ThrottleRules, StatusPrefixesMatchWholeComponents) {
  EXPECT_TRUE(status_prefix_matches("4.7.28", "4.7.28"));
  EXPECT_FALSE(status_prefix_matches("4.7.2", "4.7.28"));
  EXPECT_TRUE(status_prefix_matches("4.7", "4.7.28"));
  EXPECT_TRUE(status_prefix_matches("4.7.", "4.7.28"));
  EXPECT_TRUE(status_prefix_matches("4", "4.7.28"));
  EXPECT_FALSE(status_prefix_matches("4.7", "4.70.1"));
  EXPECT_FALSE(status_prefix_matches("4.7.28", ""));
}

TEST(ThrottleRules, ARuleBuiltWithoutItsCompiledRegexStillMatches) {
  RatePolicy policy;
  ThrottleRule r = rule("x", std::nullopt, "", "", {});
  r.text_pattern = "Rate Limit";
  policy.throttles = {r};
  EXPECT_NE(match_throttle(policy, "", 421, "", "you hit a rate limit"), nullptr);
  EXPECT_EQ(match_throttle(policy, "", 421, "", "slow down"), nullptr);
}

TEST(Warmup, CapsByDaySinceStart) {
  WarmupSchedule schedule{20758, {500, 1000, 2500}};
  EXPECT_EQ(warmup_cap(schedule, 20700), 500u); // before the start: the first day's cap
  EXPECT_EQ(warmup_cap(schedule, 20758), 500u);
  EXPECT_EQ(warmup_cap(schedule, 20759), 1000u);
  EXPECT_EQ(warmup_cap(schedule, 20760), 2500u);
  EXPECT_EQ(warmup_cap(schedule, 20761), std::nullopt); // warm
  EXPECT_EQ(warmup_cap(schedule, 99999), std::nullopt);
  EXPECT_EQ(warmup_cap(WarmupSchedule{0, {}}, 5), std::nullopt);
}

TEST(RateText, DescribedAsWrittenOrInTheLargestWholeUnit) {
  EXPECT_EQ(describe_rate(rate(100, "100/s")), "100/s");
  EXPECT_EQ(describe_rate(rate(100, "6000/min", 200)), "6000/min (burst 200)");
  EXPECT_EQ(describe_rate(rate(5, "")), "5/s");
  EXPECT_EQ(describe_rate(rate(1.0 / 60, "")), "1/min");
  EXPECT_EQ(describe_rate(rate(5000.0 / 3600, "")), "5000/h");
  EXPECT_EQ(describe_rate(rate(1.0 / 86400, "")), "1/d");
}

TEST(ThrottleAction, Names) {
  EXPECT_STREQ(to_string(ThrottleAction::suspend), "suspend");
  EXPECT_STREQ(to_string(ThrottleAction::slow_down), "slow_down");
  EXPECT_STREQ(to_string(ThrottleAction::bounce), "bounce");
}

} // namespace
} // namespace volley::policy
