// Tests of MxResolver against a real dnsmasq on 127.0.0.1 (tests/support/dnsmasq_server.hpp):
// ordering and addresses, equal-preference shuffle, implicit MX, null MX, NXDOMAIN, no records,
// MX hosts without addresses, REFUSED / timeout / unreachable → temporary_failure, the TTL cache
// (hits, clamping, expiry, negative answers), shared concurrent lookups, stop(), bad servers.
// Every wait is bounded (run_until); only loopback addresses; no timing assertions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "engine/mx_resolver.hpp"
#include "support/dnsmasq_server.hpp"
#include "support/silent_dns_server.hpp"

namespace volley::engine {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing_support::DnsmasqServer;
using testing_support::SilentDnsServer;
using Kind = MxAnswer::Kind;

// Runs `io` until `done()` holds or `limit` passes; returns done().
template <class Done>
bool run_until(boost::asio::io_context& io, Done done, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(20ms);
  }
  return done();
}

DnsOptions options_for(const std::string& server) {
  DnsOptions options;
  options.servers = {server};
  options.timeout = 2000ms;
  options.tries = 2;
  return options;
}

std::vector<std::string> host_names(const MxAnswer& answer) {
  std::vector<std::string> names;
  for (const auto& host : answer.hosts)
    names.push_back(host.name);
  return names;
}

std::vector<std::string> address_texts(const MxHost& host) {
  std::vector<std::string> texts;
  for (const auto& address : host.addresses)
    texts.push_back(address.to_string());
  return texts;
}

class MxResolverTest : public ::testing::Test {
protected:
  using Answers = std::shared_ptr<std::vector<MxAnswer>>;

  // Starts a resolve whose answer lands in `answers` (shared, so a late callback stays safe).
  void start(MxResolver& resolver, const std::string& domain, const Answers& answers) {
    resolver.resolve(domain, [answers](const MxAnswer& answer) { answers->push_back(answer); });
  }

  MxAnswer resolve(MxResolver& resolver, const std::string& domain) {
    auto answers = std::make_shared<std::vector<MxAnswer>>();
    start(resolver, domain, answers);
    EXPECT_TRUE(run_until(io_, [&] { return !answers->empty(); })) << "no answer for " << domain;
    return answers->empty() ? MxAnswer{} : answers->front();
  }

  boost::asio::io_context io_;
  DnsmasqServer dns_;
};

TEST_F(MxResolverTest, HostsSortedByPreferenceWithAThenAaaaAddresses) {
  dns_.mx("a.test", "mx2.a.test", 20).mx("a.test", "mx1.a.test", 10);
  dns_.address("mx1.a.test", "127.0.0.11").address("mx1.a.test", "::1");
  dns_.address("mx2.a.test", "127.0.0.12").address("mx2.a.test", "127.0.0.13");
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server()));
  MxAnswer answer = resolve(resolver, "A.Test.");
  ASSERT_EQ(answer.kind, Kind::ok) << answer.detail;
  EXPECT_FALSE(answer.implicit_mx);
  ASSERT_EQ(host_names(answer), (std::vector<std::string>{"mx1.a.test", "mx2.a.test"}));
  EXPECT_EQ(answer.hosts[0].preference, 10);
  EXPECT_EQ(answer.hosts[1].preference, 20);
  EXPECT_EQ(address_texts(answer.hosts[0]), (std::vector<std::string>{"127.0.0.11", "::1"}));
  auto second = address_texts(answer.hosts[1]);
  EXPECT_EQ(std::set<std::string>(second.begin(), second.end()),
            (std::set<std::string>{"127.0.0.12", "127.0.0.13"}));
  // Nothing left behind: the io_context runs out of work once the answer is delivered.
  io_.restart();
  io_.run_for(10s);
  EXPECT_TRUE(io_.stopped()) << "c-ares sockets or timers still watched after the lookup";
}

TEST_F(MxResolverTest, EqualPreferencesAreShuffledAndAllKept) {
  dns_.mx("shuffle.test", "first.shuffle.test", 5).mx("shuffle.test", "last.shuffle.test", 30);
  dns_.address("first.shuffle.test", "127.0.0.2").address("last.shuffle.test", "127.0.0.3");
  const std::set<std::string> middle = {"m1.shuffle.test", "m2.shuffle.test", "m3.shuffle.test",
                                        "m4.shuffle.test"};
  for (const auto& name : middle)
    dns_.mx("shuffle.test", name, 10).address(name, "127.0.0.4");
  dns_.start();
  DnsOptions options = options_for(dns_.server());
  options.max_cache_entries = 0; // every resolve asks dnsmasq and shuffles anew
  MxResolver resolver(io_, options);
  std::set<std::vector<std::string>> orders;
  for (int i = 0; i < 40; ++i) {
    MxAnswer answer = resolve(resolver, "shuffle.test");
    ASSERT_EQ(answer.kind, Kind::ok) << answer.detail;
    auto names = host_names(answer);
    ASSERT_EQ(names.size(), 6u);
    EXPECT_EQ(names.front(), "first.shuffle.test");
    EXPECT_EQ(names.back(), "last.shuffle.test");
    std::vector<std::string> inner(names.begin() + 1, names.end() - 1);
    EXPECT_EQ(std::set<std::string>(inner.begin(), inner.end()), middle);
    orders.insert(inner);
  }
  EXPECT_GT(orders.size(), 1u) << "40 answers, always the same order of equal preferences";
}

TEST_F(MxResolverTest, DomainWithoutMxUsesItsOwnAddresses) {
  dns_.address("implicit.test", "127.0.0.5").address("implicit.test", "::1");
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server()));
  MxAnswer answer = resolve(resolver, "implicit.test");
  ASSERT_EQ(answer.kind, Kind::ok) << answer.detail;
  EXPECT_TRUE(answer.implicit_mx);
  ASSERT_EQ(host_names(answer), (std::vector<std::string>{"implicit.test"}));
  EXPECT_EQ(answer.hosts[0].preference, 0);
  EXPECT_EQ(address_texts(answer.hosts[0]), (std::vector<std::string>{"127.0.0.5", "::1"}));
}

TEST_F(MxResolverTest, NullMxNxdomainAndNoRecords) {
  dns_.null_mx("null.test").txt("txtonly.test", "v=spf1 -all").address("null.test", "127.0.0.6");
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server()));
  MxAnswer null_mx = resolve(resolver, "null.test");
  EXPECT_EQ(null_mx.kind, Kind::null_mx) << null_mx.detail;
  EXPECT_TRUE(null_mx.hosts.empty());
  MxAnswer nx = resolve(resolver, "nx.test");
  EXPECT_EQ(nx.kind, Kind::no_such_domain);
  EXPECT_EQ(nx.detail, "NXDOMAIN for nx.test");
  MxAnswer none = resolve(resolver, "txtonly.test");
  EXPECT_EQ(none.kind, Kind::no_such_domain);
  EXPECT_EQ(none.detail, "no MX and no A/AAAA records for txtonly.test");
}

TEST_F(MxResolverTest, MxHostsWithoutAddressesAreLeftOut) {
  dns_.mx("dangling.test", "gone.dangling.test", 10).mx("dangling.test", "ok.dangling.test", 20);
  dns_.address("ok.dangling.test", "127.0.0.20");
  dns_.mx("nowhere.test", "gone1.nowhere.test", 10).mx("nowhere.test", "gone2.nowhere.test", 20);
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server()));
  MxAnswer some = resolve(resolver, "dangling.test");
  ASSERT_EQ(some.kind, Kind::ok) << some.detail;
  EXPECT_EQ(host_names(some), (std::vector<std::string>{"ok.dangling.test"}));
  MxAnswer none = resolve(resolver, "nowhere.test");
  EXPECT_EQ(none.kind, Kind::temporary_failure);
  EXPECT_THAT(none.detail, HasSubstr("no MX host of nowhere.test has an address"));
  EXPECT_THAT(none.detail, HasSubstr("gone1.nowhere.test: no A/AAAA records"));
}

TEST_F(MxResolverTest, MxHostLookupTroubleIsTemporaryWhenNoHostIsLeft) {
  // dnsmasq REFUSEs names outside its local domains, so mx.example.org cannot be resolved.
  dns_.mx("flaky.test", "mx.example.org", 10).mx("flaky.test", "ok.flaky.test", 20);
  dns_.address("ok.flaky.test", "127.0.0.21");
  dns_.mx("broken.test", "mx.example.org", 10);
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server()));
  MxAnswer some = resolve(resolver, "flaky.test");
  ASSERT_EQ(some.kind, Kind::ok) << some.detail;
  EXPECT_EQ(host_names(some), (std::vector<std::string>{"ok.flaky.test"}));
  MxAnswer none = resolve(resolver, "broken.test");
  EXPECT_EQ(none.kind, Kind::temporary_failure);
  EXPECT_THAT(none.detail, HasSubstr("no MX host of broken.test has an address (mx.example.org: "
                                     "A lookup failed: no DNS server gave an answer"));
  EXPECT_THAT(none.detail, HasSubstr(", AAAA lookup failed: "));
}

TEST_F(MxResolverTest, RefusedTimeoutAndUnreachableAreTemporary) {
  dns_.start();
  MxResolver refusing(io_, options_for(dns_.server()));
  MxAnswer refused = resolve(refusing, "example.org"); // outside dnsmasq's local domains
  EXPECT_EQ(refused.kind, Kind::temporary_failure);
  EXPECT_EQ(refused.detail, "MX lookup of example.org failed: no DNS server gave an answer (each "
                            "was unreachable or answered SERVFAIL/REFUSED)");

  SilentDnsServer silent;
  DnsOptions options = options_for(silent.server());
  options.timeout = 200ms;
  MxResolver waiting(io_, options);
  MxAnswer timed_out = resolve(waiting, "a.test");
  EXPECT_EQ(timed_out.kind, Kind::temporary_failure);
  EXPECT_EQ(timed_out.detail, "MX lookup of a.test timed out after 2 tries");

  options.servers = {SilentDnsServer::unreachable_server()};
  MxResolver unreachable(io_, options);
  MxAnswer lost = resolve(unreachable, "a.test");
  EXPECT_EQ(lost.kind, Kind::temporary_failure);
  EXPECT_THAT(lost.detail, HasSubstr("MX lookup of a.test failed: no DNS server gave an answer"));
}

TEST_F(MxResolverTest, SecondResolveIsServedFromTheCache) {
  dns_.ttl(0).mx("a.test", "mx1.a.test", 10).address("mx1.a.test", "127.0.0.11");
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server())); // TTL 0 is raised to min_ttl (60 s)
  ASSERT_EQ(resolve(resolver, "a.test").kind, Kind::ok);
  bool called = false;
  resolver.resolve("a.test", [&](const MxAnswer&) { called = true; });
  EXPECT_FALSE(called) << "a cached answer must be posted, not given inline";
  MxAnswer again = resolve(resolver, "A.TEST");
  EXPECT_EQ(again.kind, Kind::ok);
  EXPECT_EQ(host_names(again), (std::vector<std::string>{"mx1.a.test"}));
  EXPECT_EQ(dns_.query_count("a.test", "MX"), 1u);
  EXPECT_EQ(dns_.query_count("mx1.a.test", "A"), 1u);
  EXPECT_EQ(resolver.cache_size(), 1u);
}

TEST_F(MxResolverTest, NegativeAnswersAreCachedForNegativeTtl) {
  dns_.start();
  MxResolver caching(io_, options_for(dns_.server()));
  EXPECT_EQ(resolve(caching, "nx.test").kind, Kind::no_such_domain);
  EXPECT_EQ(resolve(caching, "nx.test").kind, Kind::no_such_domain);
  EXPECT_EQ(dns_.query_count("nx.test", "MX"), 1u);
  DnsOptions options = options_for(dns_.server());
  options.negative_ttl = 0s;
  MxResolver forgetting(io_, options);
  EXPECT_EQ(resolve(forgetting, "nx2.test").kind, Kind::no_such_domain);
  EXPECT_EQ(resolve(forgetting, "nx2.test").kind, Kind::no_such_domain);
  EXPECT_EQ(dns_.query_count("nx2.test", "MX"), 2u);
}

// A temporary failure is remembered for failure_ttl, not negative_ttl: one DNS blip must not hold a
// domain back for the whole negative TTL.
TEST_F(MxResolverTest, TemporaryFailuresAreCachedForFailureTtlOnly) {
  dns_.mx("nowhere.test", "gone.nowhere.test", 10);
  dns_.start();
  DnsOptions options = options_for(dns_.server());
  options.negative_ttl = 3600s;
  options.failure_ttl = 0s;
  MxResolver forgetting(io_, options);
  EXPECT_EQ(resolve(forgetting, "nowhere.test").kind, Kind::temporary_failure);
  EXPECT_EQ(resolve(forgetting, "nowhere.test").kind, Kind::temporary_failure);
  EXPECT_EQ(dns_.query_count("nowhere.test", "MX"), 2u);
  options.failure_ttl = 3600s;
  MxResolver remembering(io_, options);
  EXPECT_EQ(resolve(remembering, "nowhere.test").kind, Kind::temporary_failure);
  EXPECT_EQ(resolve(remembering, "nowhere.test").kind, Kind::temporary_failure);
  EXPECT_EQ(dns_.query_count("nowhere.test", "MX"), 3u);
}

TEST_F(MxResolverTest, AnswerExpiresAfterItsClampedTtl) {
  dns_.ttl(3600).mx("a.test", "mx1.a.test", 10).address("mx1.a.test", "127.0.0.11");
  dns_.start();
  DnsOptions options = options_for(dns_.server());
  options.min_ttl = 1s;
  options.max_ttl = 1s; // 3600 s from dnsmasq is cut to 1 s
  MxResolver resolver(io_, options);
  ASSERT_EQ(resolve(resolver, "a.test").kind, Kind::ok);
  EXPECT_EQ(dns_.query_count("a.test", "MX"), 1u);
  std::this_thread::sleep_for(1100ms);
  ASSERT_EQ(resolve(resolver, "a.test").kind, Kind::ok);
  EXPECT_EQ(dns_.query_count("a.test", "MX"), 2u);
}

TEST_F(MxResolverTest, ConcurrentLookupsOfOneDomainShareOneQuery) {
  dns_.mx("a.test", "mx1.a.test", 10).address("mx1.a.test", "127.0.0.11");
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server()));
  auto answers = std::make_shared<std::vector<MxAnswer>>();
  for (const char* spelling : {"a.test", "A.test", "a.test.", "a.TEST"})
    start(resolver, spelling, answers);
  EXPECT_TRUE(answers->empty());
  ASSERT_TRUE(run_until(io_, [&] { return answers->size() == 4; }));
  for (const auto& answer : *answers)
    EXPECT_EQ(host_names(answer), (std::vector<std::string>{"mx1.a.test"}));
  EXPECT_EQ(dns_.query_count("a.test", "MX"), 1u);
  EXPECT_EQ(dns_.query_count("mx1.a.test", "A"), 1u);
  EXPECT_EQ(dns_.query_count("mx1.a.test", "AAAA"), 1u);
}

TEST_F(MxResolverTest, StopAnswersOutstandingLookupsAndLaterOnes) {
  SilentDnsServer silent;
  DnsOptions options = options_for(silent.server());
  options.timeout = 5000ms;
  MxResolver resolver(io_, options);
  auto answers = std::make_shared<std::vector<MxAnswer>>();
  for (const char* domain : {"a.test", "b.test", "a.test"})
    start(resolver, domain, answers);
  io_.restart();
  io_.poll(); // the queries are on the wire
  resolver.stop();
  ASSERT_TRUE(run_until(io_, [&] { return answers->size() == 3; }));
  for (const auto& answer : *answers) {
    EXPECT_EQ(answer.kind, Kind::temporary_failure);
    EXPECT_EQ(answer.detail, "resolver stopped");
  }
  bool called = false;
  resolver.resolve("c.test", [&](const MxAnswer& answer) {
    called = true;
    EXPECT_EQ(answer.detail, "resolver stopped");
  });
  EXPECT_FALSE(called);
  ASSERT_TRUE(run_until(io_, [&] { return called; }));
  EXPECT_EQ(resolver.cache_size(), 0u);
  io_.restart();
  io_.run_for(10s);
  EXPECT_TRUE(io_.stopped()) << "stopped resolver still holds sockets or timers";
}

TEST_F(MxResolverTest, DestroyingTheResolverDropsOutstandingCallbacks) {
  SilentDnsServer silent;
  DnsOptions options = options_for(silent.server());
  options.timeout = 5000ms;
  auto answers = std::make_shared<std::vector<MxAnswer>>();
  {
    MxResolver resolver(io_, options);
    start(resolver, "a.test", answers);
    io_.restart();
    io_.poll();
  }
  io_.restart();
  io_.run_for(10s);
  EXPECT_TRUE(io_.stopped()) << "a destroyed resolver left work on the io_context";
  EXPECT_TRUE(answers->empty());
}

TEST_F(MxResolverTest, LargeMxSetTruncatedOverUdpIsFetchedOverTcp) {
  for (int i = 0; i < 40; ++i) { // ~1.5 KB of MX records: more than a plain 512-byte UDP answer
    std::string host = "mail-exchanger-number-" + std::to_string(i) + ".big.test";
    dns_.mx("big.test", host, 10 + i).address(host, "127.0.0.30");
  }
  dns_.start();
  MxResolver resolver(io_, options_for(dns_.server()));
  MxAnswer answer = resolve(resolver, "big.test");
  ASSERT_EQ(answer.kind, Kind::ok) << answer.detail;
  ASSERT_EQ(answer.hosts.size(), 16u); // the best 16 (MxLookup::kMaxMxHosts)
  EXPECT_EQ(answer.hosts.front().name, "mail-exchanger-number-0.big.test");
  EXPECT_EQ(answer.hosts.back().name, "mail-exchanger-number-15.big.test");
  EXPECT_EQ(dns_.query_count("big.test", "MX"), 2u) << "expected a UDP then a TCP query";
}

TEST_F(MxResolverTest, BadServerStringThrowsAClearMessage) {
  for (const char* bad : {"1.2.3", "mx.example:53", "127.0.0.1:0", "127.0.0.1:99999", "[::1]x"}) {
    DnsOptions options;
    options.servers = {bad};
    try {
      MxResolver resolver(io_, options);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::runtime_error& e) {
      EXPECT_THAT(e.what(), HasSubstr(std::string("dns.servers: '") + bad + "' is not host:port"));
    }
  }
}

} // namespace
} // namespace volley::engine
