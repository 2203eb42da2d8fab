// End-to-end fault tests of the delivery engine: the real volleyd sends to real volley-sink
// processes on loopback that inject one transient fault each (4xx replies at every stage, 421 and
// 5xx refusals of the session, garbage replies, dropped connections, slow replies, timeouts, a
// probabilistic mix). Every case must end with every recipient delivered exactly once (campaign
// counts, no bounce record, the sink's --record), after exactly the deferrals the fault causes
// (attempts read from the spool after a clean stop), with the reply in the daemon's log.
// Several scenarios share one volleyd (one route, sink and campaign each) to keep the file fast.
// Must never: use a non-loopback address, wait without a deadline, or assert on timing.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <string>
#include <vector>

#include "integration/delivery_fault_checks.hpp"
#include "integration/delivery_harness.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;

// A scenario whose fault defers `deferrals` attempts in all before everything is delivered.
Scenario transient(const std::string& name, const std::string& fault, const std::string& kind,
                   std::int64_t injected, std::size_t deferrals, const std::string& log_text) {
  Scenario s;
  s.name = name;
  s.sink_args = {"--fault", fault};
  s.fault_kind = kind;
  s.injected = injected;
  s.deferrals = deferrals;
  s.log_text = log_text;
  return s;
}

constexpr const char* kLocalError = "451 4.3.0 Local error in processing, try again later";
constexpr const char* kClosing = "421 4.3.2 Service not available, closing transmission channel";

// 4xx at each stage of a transaction → the recipients it covers are deferred, then delivered on the
// next attempt (retry_schedule 1 s). A 451 after the final dot means the sink did not take the
// message, so the retry is no duplicate.
TEST(DeliveryFaults, TransientRepliesAreDeferredThenDelivered) {
  run_scenarios({
      transient("rcpt451", "rcpt:451:first=3", "rcpt:451", 3, 3, kLocalError),
      transient("rcpt452", "rcpt:452:first=3", "rcpt:452", 3, 3,
                "452 4.5.3 Too many recipients, try again later"),
      // 421 to a RCPT closes the connection: all 20 of the transaction are deferred.
      transient("rcpt421", "rcpt:421:first=1", "rcpt:421", 1, 20, kClosing),
      transient("mail451", "mail:451:first=1", "mail:451", 1, 20, kLocalError),
      transient("data451", "data:451:first=1", "data:451", 1, 20, kLocalError),
      transient("dot451", "dot:451:first=1", "dot:451", 1, 20, kLocalError),
  });
}

// The server refuses the session before any transaction: 421 or 554 greeting, 421 or 5xx to EHLO
// (and HELO). That is a statement about the server, not about any recipient: the site rests for
// site_backoff and the waiting recipients are deferred — never bounced. For a 5xx greeting this is
// what Postfix does by default (smtp_skip_5xx_greeting = yes turns the 5xx into a 4xx); for EHLO
// and HELO both refused with 5xx Postfix bounces, but for a bulk sender one misconfigured or
// blocklisting MX host must not bounce a whole campaign: deferral until expiry (a soft bounce
// with the server's reply) is the safe choice, and a later attempt can still succeed.
TEST(DeliveryFaults, RefusedSessionsAreDeferredThenDelivered) {
  run_scenarios({
      transient("connect421", "connect:421:first=2", "connect:421", 2, 40, kClosing),
      transient("connect554", "connect:554:first=1", "connect:554", 1, 20,
                "554 5.7.1 No SMTP service here"),
      transient("ehlo421", "ehlo:421:first=1", "ehlo:421", 1, 20, kClosing),
      // EHLO and the HELO fallback both refused with 550.
      transient("ehlo550both", "ehlo:550:first=2", "ehlo:550", 2, 20, "550 5.7.1 Rejected"),
      // Only EHLO refused: RFC 5321 §3.2 HELO fallback, delivered on the first attempt.
      transient("ehlo550once", "ehlo:550:first=1", "ehlo:550", 1, 0, ""),
  });
}

// A reply that is not SMTP fails the session with a transient protocol error: deferred, then
// delivered; volleyd keeps running (run_scenarios checks /healthz).
TEST(DeliveryFaults, GarbageRepliesAreDeferredThenDelivered) {
  run_scenarios({
      transient("rcptgarbage", "rcpt:garbage:first=1", "rcpt:garbage", 1, 20, "protocol error"),
      transient("ehlogarbage", "ehlo:garbage:first=1", "ehlo:garbage", 1, 20, "protocol error"),
      transient("dotgarbage", "dot:garbage:first=1", "dot:garbage", 1, 20, "protocol error"),
  });
}

// The sink closes the connection without a reply: at connect, at MAIL, in the middle of the body.
TEST(DeliveryFaults, DroppedConnectionsAreDeferredThenDelivered) {
  run_scenarios({
      transient("connectdrop", "connect:drop:first=1", "connect:drop", 1, 20, "connection lost"),
      transient("maildrop", "mail:drop:first=1", "mail:drop", 1, 20, "connection lost"),
      transient("dotdrop", "dot:drop:first=1", "dot:drop", 1, 20, "connection lost"),
  });
}

// Slow replies well within the timeouts (5 s) cost nothing but time.
TEST(DeliveryFaults, SlowRepliesWithinTheTimeoutAreDelivered) {
  run_scenarios({
      transient("rcptslow", "rcpt:slow=100", "rcpt:slow", 20, 0, ""),
      transient("dotslow", "dot:slow=500", "dot:slow", 1, 0, ""),
  });
}

// A RCPT reply slower than the timeouts (1 s): the connection is given up with a timeout, the
// transaction is deferred, and the next attempt delivers.
TEST(DeliveryFaults, ReplySlowerThanTheTimeoutIsDeferredThenDelivered) {
  run_scenarios({transient("rcpttimeout", "rcpt:slow=3000:first=1", "rcpt:slow", 1, 20,
                           "timed out after 1000 ms")},
                "", {}, {{"command_timeout", "\"1s\""}, {"data_timeout", "\"1s\""}});
}

// command_timeout covers the replies to MAIL, RCPT, DATA, RSET and QUIT
// (conf/volleyd.default.toml); data_timeout only the body and its final reply. A RCPT reply 3 s
// late must time out under command_timeout = 1s even though data_timeout is 10 s.
TEST(DeliveryFaults, RcptReplyIsTimedByTheCommandTimeout) {
  run_scenarios({transient("rcptcommandtimeout", "rcpt:slow=3000:first=1", "rcpt:slow", 1, 20,
                           "timed out after 1000 ms")},
                "", {}, {{"command_timeout", "\"1s\""}});
}

// 2,000 recipients, 20 % of RCPTs answered 451 and 5 % of messages 451 after the dot: eventually
// every recipient is delivered exactly once (a 451 after the dot means not accepted, so no
// duplicate is legitimate), and every deferral is one of the sink's injected 4xx.
TEST(DeliveryFaults, ProbabilisticMixDeliversEveryRecipientExactlyOnce) {
  constexpr std::size_t n = 2000;
  SinkAndDaemon run({"--fault", "rcpt:451:p=0.2", "--fault", "dot:451:p=0.05", "--seed", "7"});
  auto client = run.daemon->client();
  const auto addresses = numbered_recipients(n, "mix.test");
  ASSERT_EQ(create_campaign(client, "mix", addresses), n);
  const auto status = wait_until_final(client, "mix", n);
  expect_counts(status, {.delivered = n});
  EXPECT_TRUE(bounces_of(client, "mix").empty());
  const std::int64_t deferred = outcomes(client, "deferred");
  EXPECT_EQ(outcomes(client, "delivered"), static_cast<std::int64_t>(n));
  EXPECT_EQ(outcomes(client, "bounced"), 0);
  EXPECT_TRUE(healthy(client));
  EXPECT_EQ(WEXITSTATUS(run.daemon->stop()), 0);
  const auto attempts = attempts_in_spool(*run.daemon, "mix");
  ASSERT_EQ(run.sink.stop(), 0);
  const auto stats = run.sink.stats();
  expect_arrived_once(arrivals(run.sink), addresses);

  // Every deferral is accounted for by the sink: a 451 to the RCPT, or a RCPT accepted in a
  // message that then got 451 after the dot (accepted RCPTs beyond the n delivered ones).
  const std::int64_t rcpt_451 = stats.at("recipients_rejected").as_object().contains("451")
                                    ? stats.at("recipients_rejected").at("451").as_int64()
                                    : 0;
  const std::int64_t accepted_not_taken = stat_of(stats, "recipients_accepted") - std::int64_t(n);
  EXPECT_GT(rcpt_451, 0);
  EXPECT_GT(faults_injected(stats, "dot:451"), 0);
  EXPECT_EQ(rcpt_451, faults_injected(stats, "rcpt:451"));
  EXPECT_EQ(deferred, rcpt_451 + accepted_not_taken) << stats;
  std::size_t total_attempts = 0;
  for (const auto& [address, a] : attempts)
    total_attempts += a;
  EXPECT_EQ(attempts.size(), n);
  EXPECT_EQ(static_cast<std::int64_t>(total_attempts - n), deferred);
}

} // namespace
