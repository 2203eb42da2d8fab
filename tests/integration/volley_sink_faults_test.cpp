// Integration tests of volley-sink's fault injection (--fault STAGE:ACTION[:SELECTOR]) with
// Python's smtplib and raw loopback sockets: 421 at connect, 550/451 per recipient with rcpt~,
// drop mid-DATA, garbage replies, slow replies that do not hold up other connections, and
// repeatable p= draws. Checks what the client saw and what --record/--stats say arrived.
// Never uses a non-loopback address; every wait is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "integration/sink_probe.hpp"
#include "support/volley_sink_process.hpp"

namespace {

using namespace volley::testing_support;

std::int64_t faults_of(const boost::json::object& stats, const char* kind) {
  const boost::json::object& faults = stats.at("faults").as_object();
  return faults.contains(kind) ? faults.at(kind).as_int64() : 0;
}

TEST(VolleySinkFaults, Connect421ForTheFirstConnectionsOnly) {
  VolleySinkProcess sink({.args = {"--fault", "connect:421:first=2"}, .record = true});
  sink.start();
  for (int i = 0; i < 2; ++i) {
    const boost::json::object refused = run_probe(sink.port(), {"--rcpt", "a@b.test"});
    EXPECT_EQ(step_codes(refused, "connect"), std::vector<int>{421});
    EXPECT_TRUE(step_codes(refused, "ehlo").empty()); // the probe stops after a non-220 greeting
  }
  const boost::json::object served = run_probe(sink.port(), {"--rcpt", "a@b.test"});
  EXPECT_EQ(step_codes(served, "dot"), std::vector<int>{250});
  ASSERT_EQ(sink.stop(), 0);
  const boost::json::object stats = sink.stats();
  EXPECT_EQ(faults_of(stats, "connect:421"), 2);
  EXPECT_EQ(stat(stats, "connections"), 3);
  EXPECT_EQ(stat(stats, "messages"), 1);
  EXPECT_EQ(sink.records().size(), 1u);
}

TEST(VolleySinkFaults, RecipientRepliesBySelector) {
  VolleySinkProcess sink(
      {.args = {"--fault", "rcpt:550:rcpt~bounce", "--fault", "rcpt:451:rcpt~later"},
       .record = true});
  sink.start();
  const boost::json::object report = run_probe(
      sink.port(), {"--rcpt", "bounce@y.test", "--rcpt", "Later@y.test", "--rcpt", "ok@y.test"});
  EXPECT_EQ(step_codes(report, "rcpt"), (std::vector<int>{550, 451, 250}));
  EXPECT_EQ(step_codes(report, "dot"), std::vector<int>{250});
  ASSERT_EQ(sink.stop(), 0);
  const boost::json::object stats = sink.stats();
  EXPECT_EQ(stats.at("recipients_rejected"), (boost::json::object{{"451", 1}, {"550", 1}}));
  EXPECT_EQ(stat(stats, "recipients_accepted"), 1);
  const std::vector<boost::json::object> records = sink.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].at("rcpts"), boost::json::array{"ok@y.test"});
}

TEST(VolleySinkFaults, DataAndDotReplies) {
  VolleySinkProcess sink(
      {.args = {"--fault", "data:554:rcpt~nodata", "--fault", "dot:452:rcpt~full"},
       .record = true});
  sink.start();
  const boost::json::object no_data = run_probe(sink.port(), {"--rcpt", "nodata@y.test"});
  EXPECT_EQ(step_codes(no_data, "data"), std::vector<int>{554});
  const boost::json::object full = run_probe(sink.port(), {"--rcpt", "full@y.test"});
  EXPECT_EQ(step_codes(full, "dot"), std::vector<int>{452});
  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(stat(sink.stats(), "messages"), 0);
  EXPECT_EQ(faults_of(sink.stats(), "data:554"), 1);
  EXPECT_EQ(faults_of(sink.stats(), "dot:452"), 1);
}

TEST(VolleySinkFaults, DropAtDotCutsTheBodyShort) {
  VolleySinkProcess sink({.args = {"--fault", "dot:drop:first=1"}, .record = true});
  sink.start();
  const boost::json::object dropped = run_probe(sink.port(), {"--rcpt", "a@b.test"});
  EXPECT_EQ(step_codes(dropped, "data"), std::vector<int>{354});
  EXPECT_EQ(step_codes(dropped, "dot"), std::vector<int>{0});
  EXPECT_EQ(last_error(dropped), "SMTPServerDisconnected");
  const boost::json::object next = run_probe(sink.port(), {"--rcpt", "a@b.test"});
  EXPECT_EQ(step_codes(next, "dot"), std::vector<int>{250});
  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(sink.records().size(), 1u); // only the second message arrived
  EXPECT_EQ(faults_of(sink.stats(), "dot:drop"), 1);
}

TEST(VolleySinkFaults, DropAtRcptClosesWithoutReply) {
  VolleySinkProcess sink({.args = {"--fault", "rcpt:drop"}});
  sink.start();
  const boost::json::object report = run_probe(sink.port(), {"--rcpt", "a@b.test"});
  EXPECT_EQ(step_codes(report, "rcpt"), std::vector<int>{0});
  EXPECT_EQ(last_error(report), "SMTPServerDisconnected");
  ASSERT_EQ(sink.stop(), 0);
}

TEST(VolleySinkFaults, GarbageReplyThenTheSessionGoesOn) {
  VolleySinkProcess sink({.args = {"--fault", "mail:garbage:first=1"}});
  sink.start();
  RawConnection client(sink.port());
  ASSERT_TRUE(client.connected());
  client.read(1); // greeting
  client.send("HELO c\r\nMAIL FROM:<a@x.test>\r\nMAIL FROM:<a@x.test>\r\nQUIT\r\n");
  EXPECT_EQ(client.read_until_closed(),
            "250 volley-sink.localhost\r\nXYZ garbage: this line is not an SMTP reply\r\n"
            "250 2.1.0 Ok\r\n221 2.0.0 Bye\r\n");
  const boost::json::object report = run_probe(sink.port(), {"--rcpt", "a@b.test"});
  EXPECT_EQ(step_codes(report, "dot"), std::vector<int>{250}); // first=1: only one garbage line
  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(faults_of(sink.stats(), "mail:garbage"), 1);
}

TEST(VolleySinkFaults, SlowGreetingDoesNotHoldUpOtherConnections) {
  VolleySinkProcess sink({.args = {"--fault", "connect:slow=3000:first=1"}});
  sink.start();
  const auto connected = std::chrono::steady_clock::now();
  RawConnection slow(sink.port());
  ASSERT_TRUE(slow.connected());
  // While the first connection waits for its greeting, a whole transaction on a second one ends.
  const boost::json::object other = run_probe(sink.port(), {"--rcpt", "a@b.test"});
  EXPECT_EQ(step_codes(other, "dot"), std::vector<int>{250});
  const auto other_done = std::chrono::steady_clock::now();
  const std::string greeting = slow.read(1);
  const auto greeted = std::chrono::steady_clock::now();
  EXPECT_EQ(greeting, "220 volley-sink.localhost ESMTP volley-sink\r\n");
  EXPECT_GE(greeted - connected, std::chrono::milliseconds(2900));
  EXPECT_LT(other_done, greeted);
  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(faults_of(sink.stats(), "connect:slow"), 1);
}

TEST(VolleySinkFaults, ProbabilityDrawsRepeatWithTheSameSeed) {
  std::vector<std::string> args = {"--messages", "1"};
  for (int i = 0; i < 40; ++i)
    args.insert(args.end(), {"--rcpt", "r" + std::to_string(i) + "@y.test"});
  std::vector<std::vector<int>> runs;
  for (const char* seed : {"7", "7", "8"}) {
    VolleySinkProcess sink({.args = {"--fault", "rcpt:550:p=0.5", "--seed", seed}});
    sink.start();
    runs.push_back(step_codes(run_probe(sink.port(), args), "rcpt"));
    ASSERT_EQ(sink.stop(), 0);
  }
  ASSERT_EQ(runs[0].size(), 40u);
  EXPECT_EQ(runs[0], runs[1]);
  EXPECT_NE(runs[0], runs[2]);
  const auto rejected = std::count(runs[0].begin(), runs[0].end(), 550);
  EXPECT_GT(rejected, 5);
  EXPECT_LT(rejected, 35);
}

} // namespace
