// Bounces coming back to the real volleyd: a campaign is delivered to a recording volley-sink
// with VERP on, then an RFC 3464 DSN for one recipient is sent by SMTP (smtplib) to the bounce
// listener at that recipient's VERP address — the listener refuses every other address (no open
// relay, a tampered token too); the DSN becomes a hard bounce record (source dsn), the recipient
// moves from delivered to bounced and its address is suppressed. An ARF complaint and an
// unsubscribe mail through POST /v1/bounces/raw and the listener suppress their addresses; an
// auto-reply records nothing; a bounce without a token is stored but acts on no one.
// Loopback only; every wait has a deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <string>
#include <vector>

#include "integration/delivery_fault_checks.hpp"
#include "integration/delivery_harness.hpp"
#include "integration/json_answer.hpp"
#include "integration/lifecycle_checks.hpp"
#include "integration/sink_probe.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;

struct Fixture {
  VolleySinkProcess sink{{.args = {}, .record = true, .record_bodies = true}};
  std::uint16_t listener_port = pick_free_loopback_port();
  std::unique_ptr<VolleydProcess> daemon;

  Fixture() {
    sink.start();
    VolleydSettings settings;
    settings.durable = false;
    settings.delivery_toml =
        delivery_toml_to(sink.address(), "",
                         "[verp]\nenabled = true\n[headers]\nlist_unsubscribe = true\n"
                         "[bounces]\nlisten = \"127.0.0.1:" +
                             std::to_string(listener_port) + "\"\n");
    daemon = std::make_unique<VolleydProcess>(settings);
    daemon->start();
  }
  // Delivers a 3-recipient campaign; returns the MAIL FROM each recipient got, by address.
  std::map<std::string, std::string> deliver(volley::tools::ControlClient& client) {
    EXPECT_EQ(create_campaign(client, "news", {"a@x.test", "b@x.test", "c@x.test"}), 3u);
    auto status = wait_until_final(client, "news", 3);
    EXPECT_EQ(count_of(status, "delivered"), 3u) << status;
    std::map<std::string, std::string> from;
    for (const auto& record : sink.records())
      from[std::string(record.at("rcpts").as_array()[0].as_string())] =
          std::string(record.at("mail_from").as_string());
    return from;
  }
  boost::json::object send(const std::string& rcpt, const std::string& message,
                           const std::string& sender = "") {
    return run_probe(listener_port, {"--sender", sender, "--rcpt", rcpt, "--body", message});
  }
};

std::string dsn_for(const std::string& recipient, const std::string& status,
                    const std::string& diagnostic) {
  return "From: MAILER-DAEMON@mx.x.test\r\nTo: <>\r\nSubject: Undelivered Mail Returned to "
         "Sender\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; "
         "report-type=delivery-status; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n"
         "\r\nYour message could not be delivered.\r\n--b1\r\nContent-Type: "
         "message/delivery-status\r\n\r\nReporting-MTA: dns; mx.x.test\r\n\r\nFinal-Recipient: "
         "rfc822; " +
         recipient + "\r\nAction: failed\r\nStatus: " + status + "\r\nDiagnostic-Code: smtp; " +
         diagnostic + "\r\n\r\n--b1--\r\n";
}

std::vector<boost::json::object> bounce_records(volley::tools::ControlClient& client) {
  std::vector<boost::json::object> out;
  auto answer = client.request("GET", "/v1/bounces?limit=100");
  if (!answer || answer->status != 200)
    return out;
  const boost::json::value value = parse_answer(answer->body); // outlives the loop
  for (const auto& r : value.at("records").as_array())
    out.push_back(r.as_object());
  return out;
}

int suppression_status(volley::tools::ControlClient& client, const std::string& address,
                       std::string* body = nullptr) {
  auto answer = client.request("GET", "/v1/suppressions/" + address);
  if (!answer)
    return 0;
  if (body)
    *body = answer->body;
  return answer->status;
}

TEST(BounceIntake, DsnToTheVerpAddressBouncesThatRecipientAndSuppressesIt) {
  Fixture f;
  auto client = f.daemon->client();
  auto from = f.deliver(client);
  ASSERT_EQ(from.size(), 3u);
  const std::string verp = from.at("b@x.test");
  ASSERT_TRUE(verp.starts_with("bounce-")) << verp;

  auto report = f.send(verp, dsn_for("b@x.test", "5.1.1", "550 5.1.1 user unknown"));
  EXPECT_EQ(step_codes(report, "dot").back(), 250) << report;

  auto status = campaign_status(client, "news");
  EXPECT_EQ(count_of(status, "delivered"), 2u) << status;
  EXPECT_EQ(count_of(status, "bounced_hard"), 1u) << status;
  auto records = bounce_records(client);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(text_of(records[0], "recipient"), "b@x.test");
  EXPECT_EQ(text_of(records[0], "campaign"), "news");
  EXPECT_EQ(text_of(records[0], "kind"), "hard");
  EXPECT_EQ(text_of(records[0], "source"), "dsn");
  EXPECT_EQ(text_of(records[0], "status"), "5.1.1");
  std::string body;
  EXPECT_EQ(suppression_status(client, "b@x.test", &body), 200);
  EXPECT_NE(body.find("user_unknown"), std::string::npos) << body;
  EXPECT_EQ(suppression_status(client, "a@x.test"), 404);
  // ... and the CRM hears of it: a bounced event with source dsn in the event log.
  const auto log = f.daemon->dir() / "var/events/events.jsonl";
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    std::string text = read_text_file(log);
    seen = text.find("\"event\":\"bounced\"") != std::string::npos &&
           text.find("\"source\":\"dsn\"") != std::string::npos;
    if (!seen)
      std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(seen) << read_text_file(log);
}

TEST(BounceIntake, ListenerRefusesEveryOtherAddressAndTamperedTokens) {
  Fixture f;
  auto client = f.daemon->client();
  auto from = f.deliver(client);
  std::string verp = from.at("a@x.test");
  std::string tampered = verp;
  std::size_t at = tampered.find('@');
  tampered[at - 1] = tampered[at - 1] == 'a' ? 'b' : 'a';
  for (const std::string& rcpt : {std::string("postmaster@x.test"), std::string("a@x.test"),
                                  std::string("someone@elsewhere.test"), tampered}) {
    auto report = f.send(rcpt, dsn_for("a@x.test", "5.1.1", "550 user unknown"));
    ASSERT_FALSE(step_codes(report, "rcpt").empty()) << report;
    EXPECT_EQ(step_codes(report, "rcpt").front(), 550) << rcpt << report;
  }
  EXPECT_TRUE(bounce_records(client).empty());
  EXPECT_EQ(suppression_status(client, "a@x.test"), 404);
}

TEST(BounceIntake, ComplaintUnsubscribeAutoReplyAndUnverifiedBounces) {
  Fixture f;
  auto client = f.daemon->client();
  auto from = f.deliver(client);

  // ARF complaint (raw upload): the original's Return-Path carries c's VERP address.
  const std::string arf =
      "From: fbl@isp.test\r\nTo: fbl-reports@x.test\r\nSubject: complaint\r\nMIME-Version: "
      "1.0\r\nContent-Type: multipart/report; report-type=feedback-report; "
      "boundary=\"f1\"\r\n\r\n--f1\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n--f1\r\n"
      "Content-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\nUser-Agent: "
      "isp-fbl/1.0\r\nVersion: 1\r\nOriginal-Rcpt-To: c@x.test\r\n\r\n--f1\r\nContent-Type: "
      "message/rfc822\r\n\r\nReturn-Path: <" +
      from.at("c@x.test") +
      ">\r\nFrom: news@sender.test\r\nTo: c@x.test\r\nSubject: news\r\n\r\nhello\r\n--f1--\r\n";
  auto answer = client.request("POST", "/v1/bounces/raw", arf);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->status, 202) << answer->body;
  EXPECT_NE(answer->body.find("\"matched\":1"), std::string::npos) << answer->body;
  std::string body;
  EXPECT_EQ(suppression_status(client, "c@x.test", &body), 200);
  EXPECT_NE(body.find("complaint"), std::string::npos) << body;

  // Unsubscribe by mail to the campaign's List-Unsubscribe address.
  const std::string message = f.sink.body(1);
  std::size_t mailto = message.find("<mailto:");
  ASSERT_NE(mailto, std::string::npos) << message;
  std::string unsubscribe = message.substr(mailto + 8, message.find('?', mailto) - mailto - 8);
  auto report =
      f.send(unsubscribe, "From: A <a@x.test>\r\nSubject: unsubscribe\r\n\r\n\r\n", "a@x.test");
  EXPECT_EQ(step_codes(report, "dot").back(), 250) << report;
  EXPECT_EQ(suppression_status(client, "a@x.test", &body), 200);
  EXPECT_NE(body.find("unsubscribe"), std::string::npos) << body;

  // An auto-reply records nothing; a bounce with no token is stored but suppresses no one.
  auto vacation = client.request("POST", "/v1/bounces/raw",
                                 "From: b@x.test\r\nTo: news@sender.test\r\nAuto-Submitted: "
                                 "auto-replied\r\nSubject: Out of office\r\n\r\nI am away.\r\n");
  ASSERT_TRUE(vacation.ok());
  EXPECT_EQ(vacation->status, 202) << vacation->body;
  EXPECT_NE(vacation->body.find("\"records\":[]"), std::string::npos) << vacation->body;
  auto stray = client.request("POST", "/v1/bounces/raw",
                              dsn_for("b@x.test", "5.1.1", "550 5.1.1 user unknown"));
  ASSERT_TRUE(stray.ok());
  EXPECT_EQ(stray->status, 202) << stray->body;
  EXPECT_NE(stray->body.find("\"matched\":0"), std::string::npos) << stray->body;
  EXPECT_EQ(suppression_status(client, "b@x.test"), 404) << "an unverified bounce acted";
  EXPECT_EQ(count_of(campaign_status(client, "news"), "delivered"), 3u);
}

} // namespace
