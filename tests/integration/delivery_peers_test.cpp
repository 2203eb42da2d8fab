// End-to-end delivery tests: the real volleyd delivers campaigns to real SMTP peers on loopback
// (Postfix's smtp-sink, aiosmtpd, volley-sink) and what the peer saw must agree exactly with what
// volleyd reports: counts, envelopes, content byte for byte (dot-stuffing, CRLF), grouping of
// recipients per transaction, connection reuse and limits, SIZE refusals and a connection dropped
// mid-DATA. Never talks to a non-loopback address; never asserts on timing (only outcomes and
// counts, polled with deadlines).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/delivery_observers.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/smtp_sink_process.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace volley::testing_support {
namespace {

using std::chrono::seconds;

constexpr auto kDeadline = seconds(60);

VolleydSettings delivering_to(const std::string& host_port, const std::string& extra_delivery = "",
                              const std::string& extra_sections = "") {
  VolleydSettings settings;
  settings.durable = false; // these tests are about delivery, not fsync
  settings.delivery_toml = delivery_toml_to(host_port, extra_delivery, extra_sections);
  return settings;
}

bool all_delivered(const boost::json::value& status, std::uint64_t n) {
  return count_of(status, "delivered") == n;
}

// Every counter other than the named ones is zero.
void expect_only(const boost::json::value& status,
                 const std::map<std::string, std::uint64_t>& want) {
  static const char* kCounts[] = {"queued",     "in_flight",    "delivered",
                                  "deferred",   "bounced_hard", "bounced_soft",
                                  "suppressed", "expired",      "cancelled"};
  for (const char* name : kCounts) {
    auto it = want.find(name);
    EXPECT_EQ(count_of(status, name), it == want.end() ? 0u : it->second)
        << name << " in " << describe(status);
  }
}

std::string strip_angles(const std::string& text) {
  std::string address = text.substr(0, text.find(' ')); // "<a@b> NOTIFY=..." → "<a@b>"
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
    return address.substr(1, address.size() - 2);
  return address;
}

std::int64_t stat_of(const boost::json::object& stats, const char* name) {
  return stats.at(name).as_int64();
}

// ---- 1. Postfix smtp-sink: counts agree ----

TEST(DeliveryPeers, PostfixSmtpSinkReceivesEveryRecipientOfFiveDomains) {
  if (!std::filesystem::exists(smtp_sink_path()))
    GTEST_SKIP() << "smtp-sink not installed (postfix package)";
  SmtpSinkProcess sink({.dump = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), "max_recipients_per_transaction = 10\n"));
  daemon.start();
  auto client = daemon.client();

  std::vector<std::string> recipients;
  for (const char* domain : {"a.test", "b.test", "c.test", "d.test", "e.example"}) {
    auto some = numbered_recipients(200, domain);
    recipients.insert(recipients.end(), some.begin(), some.end());
  }
  ASSERT_EQ(create_campaign(client, "postfix", recipients), 1000u);
  const auto status = await_campaign(
      client, "postfix", [](const auto& s) { return settled(s) && all_delivered(s, 1000); },
      kDeadline);
  ASSERT_TRUE(status.is_object()) << daemon.log();
  expect_only(status, {{"delivered", 1000}});
  EXPECT_TRUE(campaign_bounces(client, "postfix").empty());

  // volleyd's transactions and the sink's messages are the same thing counted on both ends.
  std::int64_t transactions = -1;
  EXPECT_TRUE(wait_until(
      [&] {
        transactions = metric_value(client, "volley_smtp_transactions_total{tls=\"no\"}") +
                       metric_value(client, "volley_smtp_transactions_total{tls=\"yes\"}");
        return transactions > 0 && static_cast<std::uint64_t>(transactions) == sink.messages();
      },
      seconds(10)))
      << "volleyd transactions " << transactions << ", smtp-sink messages " << sink.messages();
  EXPECT_GE(transactions, 100); // at most 10 recipients per transaction
  EXPECT_EQ(sink.recipients(), 1000u);

  std::map<std::string, int> seen;
  std::size_t biggest = 0;
  for (const SmtpSinkMessage& message : sink.dumped_messages()) {
    EXPECT_EQ(message.helo, "volley.test");
    EXPECT_EQ(strip_angles(message.mail_from), "news@sender.test") << message.mail_from;
    EXPECT_NE(message.content.find("Subject: Volley test\n"), std::string::npos) << message.content;
    biggest = std::max(biggest, message.rcpts.size());
    for (const std::string& rcpt : message.rcpts)
      ++seen[strip_angles(rcpt)];
  }
  EXPECT_LE(biggest, 10u);
  EXPECT_EQ(seen, once_each(recipients)); // every recipient exactly once, nobody else
}

// ---- 2. aiosmtpd: envelope and content byte for byte ----

// Headers with folding and odd spacing, lines starting with dots (one alone), an empty line and
// trailing spaces in the body: everything must arrive unchanged.
const std::string kExactMessage = "From: Sender <news@sender.test>\r\n"
                                  "To: Readers <readers@example.test>\r\n"
                                  "Subject: Dots and lines\r\n"
                                  "Message-ID: <exact-1@sender.test>\r\n"
                                  "X-Custom:  spaced   value\r\n"
                                  "\tfolded continuation\r\n"
                                  "\r\n"
                                  "first line\r\n"
                                  ".leading dot\r\n"
                                  "..two dots\r\n"
                                  ".\r\n"
                                  "\r\n"
                                  "after a lone dot and an empty line\r\n"
                                  "  trailing spaces   \r\n"
                                  "last line\r\n";

TEST(DeliveryPeers, AiosmtpdReceivesTheExactEnvelopeAndContent) {
  AiosmtpdServer server;
  server.start();
  VolleydProcess daemon(delivering_to(server.address()));
  daemon.start();
  auto client = daemon.client();

  const std::vector<std::string> crlf_rcpts = {"ann@a.test", "bob@b.test", "Carol.Case@b.test"};
  ASSERT_EQ(create_campaign(client, "exact", crlf_rcpts, kExactMessage, "bulk@sender.test"), 3u);
  // Bare LF line ends (and no line end at all on the last line) must go out as CRLF.
  const std::string lf_message = "Subject: bare LF\n\nline one\n.dot line\n\nlast line, no end";
  ASSERT_EQ(create_campaign(client, "lf", {"dan@d.test"}, lf_message, "lf@sender.test"), 1u);

  for (const char* id : {"exact", "lf"}) {
    const std::uint64_t n = id == std::string("exact") ? 3 : 1;
    const auto status = await_campaign(
        client, id, [n](const auto& s) { return settled(s) && all_delivered(s, n); }, kDeadline);
    ASSERT_TRUE(status.is_object());
    expect_only(status, {{"delivered", n}});
  }
  ASSERT_TRUE(server.wait_for_records(2, seconds(10)));
  const std::vector<AiosmtpdRecord> records = server.records();

  std::multiset<std::string> exact_rcpts, lf_rcpts;
  std::size_t exact_count = 0, lf_count = 0;
  for (const AiosmtpdRecord& record : records) {
    EXPECT_EQ(record.ehlo, "volley.test");
    EXPECT_TRUE(record.esmtp);
    EXPECT_EQ(record.reply, 250);
    EXPECT_FALSE(record.body_8bitmime); // all ASCII
    EXPECT_FALSE(record.smtputf8);
    EXPECT_EQ(record.size, record.data.size());
    if (record.mail_from == "bulk@sender.test") {
      ++exact_count;
      EXPECT_EQ(record.data, kExactMessage);
      exact_rcpts.insert(record.rcpts.begin(), record.rcpts.end());
    } else {
      ++lf_count;
      EXPECT_EQ(record.mail_from, "lf@sender.test");
      EXPECT_EQ(record.data, "Subject: bare LF\r\n\r\nline one\r\n.dot line\r\n\r\n"
                             "last line, no end\r\n");
      lf_rcpts.insert(record.rcpts.begin(), record.rcpts.end());
    }
  }
  // One site, so usually one transaction; the engine may split a group that arrives in pieces.
  EXPECT_GE(exact_count, 1u);
  EXPECT_LE(exact_count, 3u);
  EXPECT_EQ(lf_count, 1u);
  EXPECT_EQ(exact_rcpts, std::multiset<std::string>(crlf_rcpts.begin(), crlf_rcpts.end()));
  EXPECT_EQ(lf_rcpts, std::multiset<std::string>{"dan@d.test"});
}

TEST(DeliveryPeers, TransactionalMessageArrives) {
  AiosmtpdServer server;
  server.start();
  VolleydProcess daemon(delivering_to(server.address()));
  daemon.start();
  auto client = daemon.client();

  const std::string message = "From: Alerts <alerts@sender.test>\r\nTo: eve@e.test\r\n"
                              "Subject: Your code\r\n\r\nYour code is 1234.\r\n.\r\n";
  boost::json::object body{{"from", "alerts@sender.test"},
                           {"to", boost::json::array{"eve@e.test", "fay@f.test"}},
                           {"message", message}};
  auto answer = client.request("POST", "/v1/messages", boost::json::serialize(body));
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->status, 202) << answer->body;
  const std::string id(parse_answer(answer->body).at("id").as_string());
  ASSERT_FALSE(id.empty());

  const auto status = await_campaign(
      client, id, [](const auto& s) { return settled(s) && all_delivered(s, 2); }, kDeadline);
  ASSERT_TRUE(status.is_object()) << daemon.log();
  expect_only(status, {{"delivered", 2}});
  ASSERT_TRUE(server.wait_for_records(1, seconds(10)));
  std::multiset<std::string> rcpts;
  for (const AiosmtpdRecord& record : server.records()) { // usually one transaction, maybe two
    EXPECT_EQ(record.mail_from, "alerts@sender.test");
    EXPECT_EQ(record.data, message);
    rcpts.insert(record.rcpts.begin(), record.rcpts.end());
  }
  EXPECT_EQ(rcpts, (std::multiset<std::string>{"eve@e.test", "fay@f.test"}));
}

TEST(DeliveryPeers, EightBitAndUtf8MessagesAnnounceWhatTheyNeed) {
  AiosmtpdServer server; // offers 8BITMIME and SMTPUTF8
  server.start();
  VolleydProcess daemon(delivering_to(server.address()));
  daemon.start();
  auto client = daemon.client();

  const std::string body_8bit = "Subject: plain header\r\n\r\ncaf\u00e9 au lait\r\n";
  const std::string header_utf8 = "Subject: caf\u00e9\r\n\r\nplain body\r\n";
  ASSERT_EQ(create_campaign(client, "body8", {"x@eight.test"}, body_8bit, "b8@sender.test"), 1u);
  ASSERT_EQ(create_campaign(client, "utf8", {"y@eight.test"}, header_utf8, "u8@sender.test"), 1u);
  for (const char* id : {"body8", "utf8"}) {
    const auto status = await_campaign(
        client, id, [](const auto& s) { return settled(s) && all_delivered(s, 1); }, kDeadline);
    ASSERT_TRUE(status.is_object()) << id;
    expect_only(status, {{"delivered", 1}});
  }
  ASSERT_TRUE(server.wait_for_records(2, seconds(10)));
  for (const AiosmtpdRecord& record : server.records()) {
    EXPECT_TRUE(record.body_8bitmime) << record.mail_from; // any 8-bit byte: BODY=8BITMIME
    if (record.mail_from == "b8@sender.test") {
      EXPECT_FALSE(record.smtputf8); // 8-bit body only: no SMTPUTF8 needed
      EXPECT_EQ(record.data, body_8bit);
    } else {
      EXPECT_EQ(record.mail_from, "u8@sender.test");
      EXPECT_TRUE(record.smtputf8); // non-ASCII header: SMTPUTF8
      EXPECT_EQ(record.data, header_utf8);
    }
  }
}

// ---- 3. Grouping, reuse and the per-site connection limit (volley-sink --record) ----

TEST(DeliveryPeers, GroupsAtMostMaxRecipientsPerTransaction) {
  VolleySinkProcess sink({.args = {}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), "max_recipients_per_transaction = 3\n"));
  daemon.start();
  auto client = daemon.client();

  const auto recipients = numbered_recipients(10, "one.test");
  ASSERT_EQ(create_campaign(client, "grouped", recipients), 10u);
  const auto status = await_campaign(
      client, "grouped", [](const auto& s) { return settled(s) && all_delivered(s, 10); },
      kDeadline);
  ASSERT_TRUE(status.is_object());
  expect_only(status, {{"delivered", 10}});
  ASSERT_EQ(sink.stop(), 0);

  const auto records = sink.records();
  EXPECT_GE(records.size(), 4u); // ceil(10 / 3)
  for (const auto& record : records) {
    EXPECT_GE(record.at("rcpts").as_array().size(), 1u);
    EXPECT_LE(record.at("rcpts").as_array().size(), 3u) << boost::json::serialize(record);
  }
  EXPECT_EQ(recorded_recipients(records), once_each(recipients));
  const auto stats = sink.stats();
  EXPECT_EQ(stat_of(stats, "messages"), static_cast<std::int64_t>(records.size()));
  EXPECT_EQ(stat_of(stats, "recipients_delivered"), 10);
}

TEST(DeliveryPeers, ReusesAConnectionForAtMostMaxMessages) {
  VolleySinkProcess sink({.args = {}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), "max_recipients_per_transaction = 1\n"
                                                      "max_messages_per_connection = 2\n"));
  daemon.start();
  auto client = daemon.client();

  const auto recipients = numbered_recipients(10, "reuse.test");
  ASSERT_EQ(create_campaign(client, "reuse", recipients), 10u);
  const auto status = await_campaign(
      client, "reuse", [](const auto& s) { return settled(s) && all_delivered(s, 10); }, kDeadline);
  ASSERT_TRUE(status.is_object());
  expect_only(status, {{"delivered", 10}});
  ASSERT_EQ(sink.stop(), 0);

  const auto stats = sink.stats();
  EXPECT_EQ(stat_of(stats, "messages"), 10);   // one recipient per transaction
  EXPECT_GE(stat_of(stats, "connections"), 5); // at most 2 messages per connection
  EXPECT_LE(stat_of(stats, "connections"), 10);
  EXPECT_EQ(recorded_recipients(sink.records()), once_each(recipients));
}

TEST(DeliveryPeers, OpensOneConnectionAtATimeWhenTheSiteIsLimitedToOne) {
  VolleySinkProcess sink({.args = {}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address(), "max_recipients_per_transaction = 1\n"
                                                      "max_messages_per_connection = 2\n"
                                                      "max_connections_per_site = 1\n"));
  daemon.start();
  auto client = daemon.client();

  const auto recipients = numbered_recipients(10, "single.test");
  ASSERT_EQ(create_campaign(client, "single", recipients), 10u);
  // volley-sink's stats have no peak of concurrent connections: sample both ends while it runs
  // (a sampled check), then check the exact connection count the limit implies.
  std::uint64_t most_seen = 0;
  const auto status = await_campaign(
      client, "single",
      [&](const auto& s) {
        most_seen = std::max(most_seen, queue_sum(client, "connections"));
        try {
          most_seen = std::max<std::uint64_t>(most_seen, stat_of(sink.stats(), "connections_open"));
        } catch (const std::exception&) {
          // the stats file is not written yet
        }
        return settled(s) && all_delivered(s, 10);
      },
      kDeadline);
  ASSERT_TRUE(status.is_object());
  expect_only(status, {{"delivered", 10}});
  ASSERT_EQ(sink.stop(), 0);
  EXPECT_LE(most_seen, 1u);
  const auto stats = sink.stats();
  EXPECT_EQ(stat_of(stats, "messages"), 10);
  // All 10 jobs wait at once, so the one allowed connection carries 2 messages, quits and is
  // replaced: exactly 5 connections, never a second one in parallel.
  EXPECT_EQ(stat_of(stats, "connections"), 5);
  EXPECT_EQ(recorded_recipients(sink.records()), once_each(recipients));
}

// ---- 4. SIZE: a permanent refusal of the message is final (a soft bounce: the address is
// good); nothing is lost ----

TEST(DeliveryPeers, MessageOverThePeersSizeLimitIsBouncedFinally) {
  VolleySinkProcess sink({.args = {"--max-message-size", "1000"}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address()));
  daemon.start();
  auto client = daemon.client();

  const std::string big = simple_message("Too big") + std::string(3000, 'x') + "\r\n";
  const auto big_rcpts = numbered_recipients(3, "big.test");
  const auto small_rcpts = numbered_recipients(3, "small.test");
  ASSERT_EQ(create_campaign(client, "big", big_rcpts, big), 3u);
  ASSERT_EQ(create_campaign(client, "small", small_rcpts), 3u);

  const auto big_status = await_campaign(
      client, "big", [](const auto& s) { return settled(s) && count_of(s, "bounced_soft") == 3; },
      kDeadline);
  ASSERT_TRUE(big_status.is_object());
  expect_only(big_status, {{"bounced_soft", 3}});
  const auto small_status = await_campaign(
      client, "small", [](const auto& s) { return settled(s) && all_delivered(s, 3); }, kDeadline);
  ASSERT_TRUE(small_status.is_object());
  expect_only(small_status, {{"delivered", 3}});

  // RFC 1870 §6.1 / RFC 3463: a message larger than the server's fixed SIZE is a permanent
  // failure, 552 5.3.4, reported per recipient — about the message, not the address: soft.
  const auto bounces = campaign_bounces(client, "big");
  ASSERT_EQ(bounces.size(), 3u);
  std::set<std::string> bounced;
  for (const auto& record : bounces) {
    EXPECT_EQ(record.at("kind").as_string(), "soft");
    EXPECT_EQ(record.at("smtp_code").to_number<int>(), 552);
    EXPECT_EQ(record.at("status").as_string(), "5.3.4");
    EXPECT_EQ(record.at("reason").as_string(), "message_too_large");
    EXPECT_EQ(record.at("source").as_string(), "sync");
    bounced.insert(std::string(record.at("recipient").as_string()));
  }
  EXPECT_EQ(bounced, std::set<std::string>(big_rcpts.begin(), big_rcpts.end()));
  EXPECT_TRUE(campaign_bounces(client, "small").empty());

  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(recorded_recipients(sink.records()), once_each(small_rcpts)); // the big one never went
}

// The harness config, but connections stay open (idle and command timeouts of 5 min) so a second
// campaign reuses the connection the first one left idle.
std::string long_lived_connections_toml(const std::string& host_port) {
  return "[delivery]\nenabled = true\nhelo_name = \"volley.test\"\nconnect_timeout = \"2s\"\n"
         "greeting_timeout = \"5s\"\ncommand_timeout = \"5m\"\ndata_timeout = \"5m\"\n"
         "idle_timeout = \"5m\"\nretry_schedule = [\"1s\"]\nsite_backoff = \"1s\"\n"
         "max_connections_per_site = 1\n"
         "[routes]\n\"*\" = \"" +
         host_port + "\"\n";
}

TEST(DeliveryPeers, SizeRefusalOnAnIdleConnectionIsReportedAtOnceAndKeepsIt) {
  VolleySinkProcess sink({.args = {"--max-message-size", "1000"}, .record = true});
  sink.start();
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml = long_lived_connections_toml(sink.address());
  VolleydProcess daemon(settings);
  daemon.start();
  auto client = daemon.client();

  // 1. A small message: the connection delivers it and then waits idle for more work.
  ASSERT_EQ(create_campaign(client, "first", {"a@idle.test"}), 1u);
  auto status = await_campaign(
      client, "first", [](const auto& s) { return settled(s) && all_delivered(s, 1); }, kDeadline);
  ASSERT_TRUE(status.is_object());
  ASSERT_TRUE(wait_until([&] { return queue_sum(client, "idle_connections") == 1; }, seconds(10)));
  // 2. A message over the peer's SIZE wakes the idle connection and is refused before MAIL: the
  // bounce must not wait for a server reply that will never come (command_timeout is 5 min).
  const std::string big = simple_message("Too big") + std::string(3000, 'x') + "\r\n";
  ASSERT_EQ(create_campaign(client, "big", {"b@idle.test"}, big), 1u);
  status = await_campaign(
      client, "big", [](const auto& s) { return settled(s) && count_of(s, "bounced_soft") == 1; },
      seconds(30));
  ASSERT_TRUE(status.is_object());
  expect_only(status, {{"bounced_soft", 1}});
  // 3. The same connection goes on with the next message.
  ASSERT_EQ(create_campaign(client, "after", {"c@idle.test"}), 1u);
  status = await_campaign(
      client, "after", [](const auto& s) { return settled(s) && all_delivered(s, 1); }, kDeadline);
  ASSERT_TRUE(status.is_object());
  expect_only(status, {{"delivered", 1}});

  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(stat_of(sink.stats(), "connections"), 1);
  EXPECT_EQ(recorded_recipients(sink.records()), once_each({"a@idle.test", "c@idle.test"}));
}

// ---- 6. A peer that drops the connection mid-DATA ----

TEST(DeliveryPeers, ConnectionDroppedMidDataIsRetriedAndDeliveredOnce) {
  VolleySinkProcess sink({.args = {"--fault", "dot:drop:first=1"}, .record = true});
  sink.start();
  VolleydProcess daemon(delivering_to(sink.address()));
  daemon.start();
  auto client = daemon.client();

  const auto recipients = numbered_recipients(2, "drop.test");
  ASSERT_EQ(create_campaign(client, "drop", recipients), 2u);
  const auto status = await_campaign(
      client, "drop", [](const auto& s) { return settled(s) && all_delivered(s, 2); }, kDeadline);
  ASSERT_TRUE(status.is_object()) << daemon.log();
  expect_only(status, {{"delivered", 2}});
  // Both recipients were deferred once (the drop), then delivered on the 1 s retry.
  EXPECT_GE(metric_value(client, "volley_delivery_outcomes_total{kind=\"deferred\"}"), 2);
  EXPECT_EQ(metric_value(client, "volley_delivery_outcomes_total{kind=\"delivered\"}"), 2);
  EXPECT_NE(daemon.log().find("4.4.2"), std::string::npos) << daemon.log();
  EXPECT_TRUE(campaign_bounces(client, "drop").empty());

  ASSERT_EQ(sink.stop(), 0);
  const auto stats = sink.stats();
  EXPECT_EQ(stats.at("faults").as_object().at("dot:drop").as_int64(), 1);
  EXPECT_EQ(stat_of(stats, "messages"), 1);
  EXPECT_EQ(recorded_recipients(sink.records()), once_each(recipients)); // exactly once each
}

} // namespace
} // namespace volley::testing_support
