// End-to-end outcome tests of the delivery engine against real volley-sink processes on loopback:
// permanent replies (RCPT, MAIL, DATA, after the dot) bounce hard with the server's reply in the
// bounce record; a server that keeps answering 4xx makes recipients expire with soft bounce
// records; a suppression added while recipients wait stops them at send time; GET /v1/queues shows
// the reply of a 451 storm as the site's last error. Every case checks that each recipient ends in
// exactly one final state and that the sink received exactly the delivered ones, once each.
// Must never: use a non-loopback address, wait without a deadline, or assert on timing.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_fault_checks.hpp"
#include "integration/delivery_harness.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;

// A scenario whose recipients containing `marker` ("@": all) bounce hard with `bounce`.
Scenario bouncing(const std::string& name, const std::string& fault, const std::string& kind,
                  std::int64_t injected, const std::string& marker, ExpectedBounce bounce,
                  std::size_t bad_every = 0) {
  Scenario s;
  s.name = name;
  s.sink_args = {"--fault", fault};
  s.fault_kind = kind;
  s.injected = injected;
  s.bounce_marker = marker;
  s.bounce = std::move(bounce);
  s.bad_every = bad_every;
  return s;
}

// A 5xx to a RCPT bounces that recipient only; a 5xx to MAIL, DATA or the dot bounces every
// recipient of the transaction (here all 20: one transaction). Only a bad address (5.1.1) is a hard
// bounce; a full mailbox, a refused sender (5.1.8), a refused or oversized message are final for
// this message but soft: the address stays good.
TEST(DeliveryOutcomes, PermanentRepliesBounceWithTheServersReply) {
  run_scenarios({
      bouncing("rcpt550", "rcpt:550:rcpt~bad", "rcpt:550", 5, "bad",
               {"hard", "5.1.1", 550, "user_unknown",
                "550 5.1.1 Mailbox unavailable: user unknown (volley-sink fault)"},
               4),
      bouncing("rcpt552", "rcpt:552:rcpt~bad", "rcpt:552", 4, "bad",
               {"soft", "5.2.2", 552, "mailbox_full", "Mailbox full (volley-sink fault)"}, 5),
      bouncing("mail550", "mail:550", "mail:550", 1, "@",
               {"soft", "5.1.8", 550, "", "Sender address rejected (volley-sink fault)"}),
      bouncing("data554", "data:554", "data:554", 1, "@",
               {"soft", "5.7.1", 554, "", "554 5.7.1 Transaction failed (volley-sink fault)"}),
      bouncing("dot554", "dot:554", "dot:554", 1, "@",
               {"soft", "5.7.1", 554, "", "554 5.7.1 Transaction failed (volley-sink fault)"}),
      bouncing("dot552", "dot:552", "dot:552", 1, "@",
               {"soft", "5.3.4", 552, "message_too_large",
                "Message size exceeds fixed limit (volley-sink fault)"}),
  });
}

// One recipient per transaction over two connections to a PIPELINING server: each connection queues
// the next transaction behind the current one (its envelope follows the body's dot in one write),
// so the replies of two transactions arrive together. A 5xx after the dot, or to a RCPT, must still
// land on exactly the recipient it answers: the marked ones bounce, the others arrive once each.
TEST(DeliveryOutcomes, PipelinedTransactionsKeepEachReplyWithItsRecipient) {
  run_scenarios(
      {
          bouncing("pipedot", "dot:554:rcpt~bad", "dot:554", 4, "bad",
                   {"soft", "5.7.1", 554, "", "554 5.7.1 Transaction failed (volley-sink fault)"},
                   5),
          bouncing("pipercpt", "rcpt:550:rcpt~bad", "rcpt:550", 5, "bad",
                   {"hard", "5.1.1", 550, "user_unknown",
                    "550 5.1.1 Mailbox unavailable: user unknown (volley-sink fault)"},
                   4),
      },
      "max_recipients_per_transaction = 1\nmax_connections_per_site = 2\n");
}

// [spool] expires_after = 3s and a server that always answers 451 (to every RCPT, or already in its
// greeting): every recipient ends expired with a soft bounce record carrying the last reply.
TEST(DeliveryOutcomes, RecipientsExpireWithSoftBouncesWhileTheServerDefers) {
  VolleydSettings settings;
  settings.expires_after = "3s";
  const ExpectedBounce soft{"soft", "4.3.0", 451, "expired",
                            "Local error in processing, try again later (volley-sink fault)"};
  Scenario at_rcpt = bouncing("rcptalways451", "rcpt:451", "rcpt:451", 0, "@", soft);
  Scenario at_greeting = bouncing("greetalways451", "connect:451", "connect:451", 0, "@", soft);
  for (Scenario* s : {&at_rcpt, &at_greeting}) {
    s->recipients = 10;
    s->marked_expire = true;
  }
  run_scenarios({at_rcpt, at_greeting}, "", settings);
}

std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// A recipient put on the suppression list after its campaign was accepted, while it waits for its
// not_before time, is suppressed at send time: it never reaches the sink and gets no bounce record;
// the others are delivered once each.
// A hard bounce (user unknown) puts the address on the suppression list; a soft one (mailbox full)
// does not; the next campaign to the suppressed address stores it as suppressed, never sends it.
TEST(DeliveryOutcomes, HardBouncesSuppressTheAddressSoftOnesDoNot) {
  SinkAndDaemon run({"--fault", "rcpt:550:rcpt~gone", "--fault", "rcpt:552:rcpt~full"});
  auto client = run.daemon->client();
  ASSERT_EQ(create_campaign(client, "first", {"ok@s.test", "gone@s.test", "full@s.test"}), 3u);
  auto status = wait_until_final(client, "first", 3);
  expect_counts(status, {.delivered = 1, .bounced_hard = 1, .bounced_soft = 1});
  auto gone = client.request("GET", "/v1/suppressions/gone@s.test");
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->status, 200) << gone->body;
  EXPECT_NE(gone->body.find("user_unknown"), std::string::npos) << gone->body;
  EXPECT_NE(gone->body.find("\"sync\""), std::string::npos) << gone->body;
  auto full = client.request("GET", "/v1/suppressions/full@s.test");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->status, 404) << full->body;

  ASSERT_EQ(create_campaign(client, "second", {"gone@s.test", "full@s.test"}), 2u);
  status = wait_until_final(client, "second", 2);
  expect_counts(status, {.bounced_soft = 1, .suppressed = 1});
}

TEST(DeliveryOutcomes, SuppressionAddedWhileQueuedStopsThatRecipientAtSendTime) {
  SinkAndDaemon run({});
  auto client = run.daemon->client();
  const auto addresses = numbered_recipients(10, "supp.test");
  const std::string stopped = addresses[3];
  boost::json::array list;
  for (std::size_t i = 0; i < addresses.size(); ++i)
    list.push_back(boost::json::object{{"to", addresses[i]}, {"id", "r" + std::to_string(i)}});
  const auto not_before = std::chrono::system_clock::now() + std::chrono::seconds(5);
  boost::json::object body{{"id", "supp"},
                           {"from", "news@sender.test"},
                           {"message", simple_message()},
                           {"recipients", list},
                           {"not_before", rfc3339_utc(not_before)}};
  auto created = client.request("POST", "/v1/campaigns", boost::json::serialize(body));
  ASSERT_TRUE(created && created->status == 202) << (created ? created->body : "no answer");
  EXPECT_EQ(parse_answer(created->body).at("accepted").to_number<std::uint64_t>(), 10u);

  auto put = client.request("PUT", "/v1/suppressions/" + stopped, R"({"reason":"unsubscribe"})");
  ASSERT_TRUE(put && put->status / 100 == 2) << (put ? put->body : "no answer");
  // The suppression is in place before anything was sent: all 10 still wait for not_before.
  const auto before = campaign_status(client, "supp");
  ASSERT_EQ(count_of(before, "queued"), 10u) << before;
  ASSERT_LT(std::chrono::system_clock::now(), not_before) << "too slow to test send-time checks";

  const auto status = wait_until_final(client, "supp", 10);
  expect_counts(status, {.delivered = 9, .suppressed = 1});
  EXPECT_TRUE(bounces_of(client, "supp").empty());
  EXPECT_EQ(outcomes(client, "suppressed"), 1);
  EXPECT_EQ(WEXITSTATUS(run.daemon->stop()), 0);
  const auto attempts = attempts_in_spool(*run.daemon, "supp");
  EXPECT_EQ(attempts.at(stopped), 0u) << "a suppressed recipient is never attempted";
  ASSERT_EQ(run.sink.stop(), 0);
  std::vector<std::string> delivered = addresses;
  delivered.erase(delivered.begin() + 3);
  expect_arrived_once(arrivals(run.sink), delivered);
}

// The site entry of GET /v1/queues for `domain`, or null.
boost::json::value site_for(volley::tools::ControlClient& client, const std::string& domain) {
  auto answer = client.request("GET", "/v1/queues");
  if (!answer || answer->status != 200)
    return nullptr;
  auto value = parse_answer(answer->body);
  if (!value.is_object() || !value.as_object().contains("sites"))
    return nullptr;
  for (const auto& site : value.at("sites").as_array())
    for (const auto& d : site.at("domains").as_array())
      if (d.as_string() == domain)
        return site;
  return nullptr;
}

// Polls GET /v1/queues (≤ 30 s) until the site of `domain` shows a last error containing `text`
// and at least `deferred` deferrals; returns the last entry seen.
boost::json::value wait_for_site_error(volley::tools::ControlClient& client,
                                       const std::string& domain, const std::string& text,
                                       std::uint64_t deferred) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  boost::json::value site;
  while (std::chrono::steady_clock::now() < until) {
    site = site_for(client, domain);
    if (site.is_object() && site.at("last_error").is_string() &&
        std::string(site.at("last_error").as_string()).find(text) != std::string::npos &&
        site.at("deferred").to_number<std::uint64_t>() >= deferred)
      return site;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return site;
}

// A server that greets with 451 every time: the site rests after each failure and GET /v1/queues
// names the reply (and where it came from) as the site's last error while recipients are deferred.
TEST(DeliveryOutcomes, QueuesShowTheLastErrorOfARefusingSite) {
  SinkAndDaemon run({"--fault", "connect:451"});
  auto client = run.daemon->client();
  ASSERT_EQ(create_campaign(client, "storm", numbered_recipients(30, "storm.test")), 30u);
  const auto site = wait_for_site_error(client, "storm.test", "451 4.3.0 Local error", 30);
  ASSERT_TRUE(site.is_object()) << "no site for storm.test in GET /v1/queues";
  const std::string error(site.at("last_error").as_string());
  EXPECT_NE(error.find("451 4.3.0 Local error in processing, try again later (volley-sink fault)"),
            std::string::npos)
      << site;
  EXPECT_NE(error.find(endpoint_text(run.sink) + " at greeting"), std::string::npos)
      << "names the MX and the stage: " << site;
  EXPECT_EQ(std::string(site.at("site").as_string()),
            "route:127.0.0.1:" + std::to_string(run.sink.port()))
      << site;
  EXPECT_GE(site.at("deferred").to_number<std::uint64_t>(), 30u) << site;
  EXPECT_EQ(site.at("delivered").to_number<std::uint64_t>(), 0u) << site;
  const auto status = campaign_status(client, "storm");
  EXPECT_EQ(count_of(status, "delivered") + count_of(status, "bounced_hard"), 0u) << status;
  EXPECT_TRUE(healthy(client));
}

// A server that accepts the session but answers 451 to every RCPT: the transactions fail, not the
// connections, and GET /v1/queues must still show that reply as the site's last error.
TEST(DeliveryOutcomes, QueuesShowTheLastErrorOfA451StormAtRcpt) {
  SinkAndDaemon run({"--fault", "rcpt:451"});
  auto client = run.daemon->client();
  ASSERT_EQ(create_campaign(client, "rstorm", numbered_recipients(30, "rstorm.test")), 30u);
  const auto site = wait_for_site_error(client, "rstorm.test", "451 4.3.0 Local error", 30);
  ASSERT_TRUE(site.is_object()) << "no site for rstorm.test in GET /v1/queues";
  ASSERT_TRUE(site.at("last_error").is_string()) << site;
  EXPECT_NE(std::string(site.at("last_error").as_string())
                .find("451 4.3.0 Local error in processing, try again later (volley-sink fault)"),
            std::string::npos)
      << site;
  EXPECT_GE(site.at("deferred").to_number<std::uint64_t>(), 30u) << site;
  EXPECT_EQ(site.at("delivered").to_number<std::uint64_t>(), 0u) << site;
  EXPECT_TRUE(healthy(client));
}

} // namespace
