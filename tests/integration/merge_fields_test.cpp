// End-to-end merge fields: volleyd fills {{name}} placeholders from each recipient's vars and the
// SMTP peer (aiosmtpd, recording every transaction) must see exactly each recipient's values; a
// recipient lacking a var is rejected at injection (inline and NDJSON upload); a template that does
// not compile is a 400; a QP-encoded HTML part decodes to the UTF-8 value; personalised messages go
// one recipient per transaction while a static campaign still shares transactions. Loopback only;
// polls with deadlines, never asserts on timing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/volleyd_process.hpp"

namespace volley::testing_support {
namespace {

using std::chrono::seconds;

VolleydSettings delivering_to(const std::string& host_port) {
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml = delivery_toml_to(host_port);
  return settings;
}

struct Recipient {
  std::string to;
  std::map<std::string, std::string> vars;
};

boost::json::object recipient_json(const Recipient& r) {
  boost::json::object entry{{"to", r.to}};
  if (!r.vars.empty()) {
    boost::json::object vars;
    for (const auto& [k, v] : r.vars)
      vars[k] = v;
    entry["vars"] = std::move(vars);
  }
  return entry;
}

// POST /v1/campaigns; returns the parsed answer (status checked by the caller).
std::pair<unsigned, boost::json::value> post_campaign(tools::ControlClient& client,
                                                      const std::string& id,
                                                      const std::string& message,
                                                      const std::vector<Recipient>& recipients) {
  boost::json::array list;
  for (const auto& r : recipients)
    list.push_back(recipient_json(r));
  boost::json::object body{
      {"id", id}, {"from", "news@sender.test"}, {"message", message}, {"recipients", list}};
  auto answer = client.request("POST", "/v1/campaigns", boost::json::serialize(body));
  EXPECT_TRUE(answer.ok()) << (answer ? std::string() : answer.error().message);
  if (!answer)
    return {0, {}};
  return {answer->status, parse_answer(answer->body)};
}

bool delivered_all(const boost::json::value& status, std::uint64_t n) {
  return settled(status) && count_of(status, "delivered") == n;
}

const std::string kWelcome = "From: News <news@sender.test>\r\n"
                             "To: {{first_name}} <reader@example.test>\r\n"
                             "Subject: Hello {{first_name}}\r\n"
                             "MIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=utf-8\r\n"
                             "\r\n"
                             "Dear {{first_name}},\r\n"
                             "unsubscribe: {{unsubscribe_url}}\r\n";

TEST(MergeFields, EachDeliveredMessageCarriesItsOwnValuesOnePerTransaction) {
  AiosmtpdServer server;
  server.start();
  VolleydProcess daemon(delivering_to(server.address()));
  daemon.start();
  auto client = daemon.client();
  const std::vector<Recipient> recipients = {
      {"ann@a.test", {{"first_name", "Ann"}, {"unsubscribe_url", "https://u.test/ann"}}},
      {"bob@a.test", {{"first_name", "Bob"}, {"unsubscribe_url", "https://u.test/bob"}}},
      {"cy@a.test", {{"first_name", "Cy"}, {"unsubscribe_url", "https://u.test/cy"}}}};
  auto [status, answer] = post_campaign(client, "welcome", kWelcome, recipients);
  ASSERT_EQ(status, 202u) << serialize(answer);
  EXPECT_EQ(answer.at("accepted").to_number<int>(), 3);
  EXPECT_TRUE(answer.at("rejected").as_array().empty());
  auto final_status = wait_for_campaign(
      client, "welcome", [](const auto& s) { return delivered_all(s, 3); }, seconds(60));
  ASSERT_TRUE(delivered_all(final_status, 3)) << serialize(final_status);
  ASSERT_TRUE(server.wait_for_records(3, seconds(10)));
  const auto records = server.records();
  ASSERT_EQ(records.size(), 3u); // one transaction per personalised message
  std::map<std::string, std::string> data_by_rcpt;
  for (const auto& record : records) {
    ASSERT_EQ(record.rcpts.size(), 1u);
    data_by_rcpt[record.rcpts[0]] = record.data;
  }
  for (const auto& r : recipients) {
    ASSERT_TRUE(data_by_rcpt.contains(r.to)) << r.to;
    const std::string& name = r.vars.at("first_name");
    const std::string expected = "From: News <news@sender.test>\r\n"
                                 "To: " +
                                 name +
                                 " <reader@example.test>\r\n"
                                 "Subject: Hello " +
                                 name +
                                 "\r\n"
                                 "MIME-Version: 1.0\r\n"
                                 "Content-Type: text/plain; charset=utf-8\r\n"
                                 "\r\n"
                                 "Dear " +
                                 name +
                                 ",\r\n"
                                 "unsubscribe: " +
                                 r.vars.at("unsubscribe_url") + "\r\n";
    EXPECT_EQ(data_by_rcpt[r.to], expected);
  }
}

TEST(MergeFields, StaticCampaignSharesTransactionsPersonalisedGoesOnePerTransaction) {
  AiosmtpdServer server;
  server.start();
  VolleydProcess daemon(delivering_to(server.address()));
  daemon.start();
  auto client = daemon.client();
  std::vector<Recipient> recipients;
  for (int i = 0; i < 10; ++i)
    recipients.push_back({"user" + std::to_string(i) + "@s.test", {}});
  auto [status, answer] = post_campaign(client, "static", simple_message(), recipients);
  ASSERT_EQ(status, 202u) << serialize(answer);
  auto final_status = wait_for_campaign(
      client, "static", [](const auto& s) { return delivered_all(s, 10); }, seconds(60));
  ASSERT_TRUE(delivered_all(final_status, 10)) << serialize(final_status);
  const auto records = server.records();
  std::size_t rcpts = 0, most = 0;
  for (const auto& record : records) {
    rcpts += record.rcpts.size();
    most = std::max(most, record.rcpts.size());
  }
  EXPECT_EQ(rcpts, 10u);
  EXPECT_GT(most, 1u) << records.size() << " transactions for 10 recipients";
  EXPECT_LT(records.size(), 10u);

  // The same ten recipients with a personalised message: ten transactions of one recipient.
  std::vector<Recipient> personal;
  for (int i = 0; i < 10; ++i) {
    personal.push_back({"user" + std::to_string(i) + "@s.test",
                        {{"first_name", "U" + std::to_string(i)}, {"unsubscribe_url", "u"}}});
  }
  auto [p_status, p_answer] = post_campaign(client, "personal", kWelcome, personal);
  ASSERT_EQ(p_status, 202u) << serialize(p_answer);
  auto p_final = wait_for_campaign(
      client, "personal", [](const auto& s) { return delivered_all(s, 10); }, seconds(60));
  ASSERT_TRUE(delivered_all(p_final, 10)) << serialize(p_final);
  ASSERT_TRUE(server.wait_for_records(records.size() + 10, seconds(10)));
  const auto all = server.records();
  for (std::size_t i = records.size(); i < all.size(); ++i) {
    ASSERT_EQ(all[i].rcpts.size(), 1u);
    const std::string name = "U" + all[i].rcpts[0].substr(4, all[i].rcpts[0].find('@') - 4);
    EXPECT_NE(all[i].data.find("Subject: Hello " + name + "\r\n"), std::string::npos)
        << all[i].data;
  }
  EXPECT_EQ(all.size(), records.size() + 10);
}

TEST(MergeFields, RecipientsLackingAVarAreRejectedAtInjection) {
  VolleydProcess daemon; // no delivery: counts stay "queued"
  daemon.start();
  auto client = daemon.client();
  const std::vector<Recipient> recipients = {
      {"ann@a.test", {{"first_name", "Ann"}, {"unsubscribe_url", "u1"}}},
      {"bob@a.test", {{"first_name", "Bob"}}},
      {"cy@a.test", {{"first_name", "Cy"}, {"unsubscribe_url", "u3"}}}};
  auto [status, answer] = post_campaign(client, "partial", kWelcome, recipients);
  ASSERT_EQ(status, 202u) << serialize(answer);
  EXPECT_EQ(answer.at("accepted").to_number<int>(), 2);
  const auto& rejected = answer.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 1u) << serialize(answer);
  EXPECT_EQ(rejected[0].at("index").to_number<int>(), 1);
  EXPECT_EQ(rejected[0].at("to").as_string(), "bob@a.test");
  EXPECT_NE(std::string(rejected[0].at("error").as_string())
                .find("missing merge field \"unsubscribe_url\""),
            std::string::npos)
      << serialize(answer);
  EXPECT_EQ(count_of(campaign_status(client, "partial"), "queued"), 2u);

  // The same check on the streamed NDJSON upload (fields loaded from the stored message).
  const std::string ndjson =
      "{\"to\":\"dan@a.test\",\"vars\":{\"first_name\":\"Dan\",\"unsubscribe_url\":\"u4\"}}\n"
      "{\"to\":\"eve@a.test\",\"vars\":{\"unsubscribe_url\":\"u5\"}}\n"
      "{\"to\":\"fay@a.test\"}\n"
      "{\"to\":\"gus@a.test\",\"vars\":{\"first_name\":\"Gus\",\"unsubscribe_url\":\"u7\"}}\n";
  auto upload =
      client.request("POST", "/v1/campaigns/partial/recipients", ndjson, "application/x-ndjson");
  ASSERT_TRUE(upload) << upload.error().message;
  ASSERT_EQ(upload->status, 202u) << upload->body;
  auto summary = parse_answer(upload->body);
  EXPECT_EQ(summary.at("accepted").to_number<int>(), 2);
  const auto& up_rejected = summary.at("rejected").as_array();
  ASSERT_EQ(up_rejected.size(), 2u) << upload->body;
  EXPECT_EQ(up_rejected[0].at("index").to_number<int>(), 1);
  EXPECT_NE(std::string(up_rejected[0].at("error").as_string())
                .find("missing merge field \"first_name\""),
            std::string::npos);
  EXPECT_EQ(up_rejected[1].at("index").to_number<int>(), 2);
  EXPECT_EQ(up_rejected[1].at("to").as_string(), "fay@a.test");
  EXPECT_EQ(count_of(campaign_status(client, "partial"), "queued"), 4u);

  // A static campaign takes recipients without vars.
  auto [static_status, static_answer] =
      post_campaign(client, "plain", simple_message(), {{"x@a.test", {}}});
  ASSERT_EQ(static_status, 202u);
  EXPECT_EQ(static_answer.at("accepted").to_number<int>(), 1);
  auto static_upload = client.request("POST", "/v1/campaigns/plain/recipients",
                                      "{\"to\":\"y@a.test\"}\n", "application/x-ndjson");
  ASSERT_TRUE(static_upload);
  EXPECT_EQ(parse_answer(static_upload->body).at("accepted").to_number<int>(), 1);
}

TEST(MergeFields, TemplateCompileErrorAndMissingVarsInAMessageAre400) {
  VolleydProcess daemon;
  daemon.start();
  auto client = daemon.client();
  const std::string bad = "Subject: x\r\nContent-Type: text/{{subtype}}\r\n\r\nbody\r\n";
  auto [status, answer] =
      post_campaign(client, "broken", bad, {{"a@a.test", {{"subtype", "plain"}}}});
  EXPECT_EQ(status, 400u) << serialize(answer);
  EXPECT_EQ(answer.at("error").as_string(), "invalid_request") << serialize(answer);
  EXPECT_NE(std::string(answer.at("message").as_string()).find("Content-Type"), std::string::npos)
      << serialize(answer);
  auto missing = client.request("GET", "/v1/campaigns/broken");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404u); // nothing stored

  boost::json::object message{
      {"from", "news@sender.test"}, {"to", boost::json::array{"a@a.test"}}, {"message", bad}};
  auto sent = client.request("POST", "/v1/messages", boost::json::serialize(message));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 400u) << sent->body;

  message["message"] = kWelcome;
  message["to"] = boost::json::array{
      recipient_json({"a@a.test", {{"first_name", "A"}, {"unsubscribe_url", "u"}}}),
      recipient_json({"b@a.test", {{"first_name", "B"}}})};
  sent = client.request("POST", "/v1/messages", boost::json::serialize(message));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 400u) << sent->body;
  EXPECT_NE(sent->body.find("missing merge field"), std::string::npos) << sent->body;
}

// A value that cannot be rendered (here a line break in a header value: it would start a new
// header) passes injection (the field is there) and must become a hard bounce with a clear record
// at send time, never a crash, a blank or a lost recipient.
TEST(MergeFields, UnrenderableValueAtSendTimeIsAHardBounceWithARecord) {
  AiosmtpdServer server;
  server.start();
  VolleydProcess daemon(delivering_to(server.address()));
  daemon.start();
  auto client = daemon.client();
  const std::vector<Recipient> recipients = {
      {"ok@a.test", {{"first_name", "Ok"}, {"unsubscribe_url", "u1"}}},
      {"evil@a.test", {{"first_name", "x\r\nBcc: victim@b.test"}, {"unsubscribe_url", "u2"}}}};
  auto [status, answer] = post_campaign(client, "render", kWelcome, recipients);
  ASSERT_EQ(status, 202u) << serialize(answer);
  ASSERT_EQ(answer.at("accepted").to_number<int>(), 2);
  auto final_status = wait_for_campaign(
      client, "render",
      [](const auto& s) {
        return settled(s) && count_of(s, "delivered") == 1 && count_of(s, "bounced_hard") == 1;
      },
      seconds(60));
  ASSERT_EQ(count_of(final_status, "delivered"), 1u) << serialize(final_status);
  ASSERT_EQ(count_of(final_status, "bounced_hard"), 1u) << serialize(final_status);
  auto bounces = client.request("GET", "/v1/bounces?campaign=render");
  ASSERT_TRUE(bounces);
  ASSERT_EQ(bounces->status, 200u) << bounces->body;
  const auto records = parse_answer(bounces->body).at("records").as_array();
  ASSERT_EQ(records.size(), 1u) << bounces->body;
  EXPECT_EQ(records[0].at("recipient").as_string(), "evil@a.test");
  EXPECT_EQ(records[0].at("kind").as_string(), "hard");
  EXPECT_EQ(records[0].at("status").as_string(), "5.6.0");
  EXPECT_EQ(records[0].at("reason").as_string(), "merge_field");
  EXPECT_NE(std::string(records[0].at("diagnostic").as_string()).find("first_name"),
            std::string::npos)
      << bounces->body;
  ASSERT_TRUE(server.wait_for_records(1, seconds(10)));
  for (const auto& record : server.records())
    EXPECT_EQ(record.rcpts, std::vector<std::string>{"ok@a.test"});
}

// Runs python3's email package on a recorded message: prints the decoded text/html part.
std::string decoded_html_part(const std::string& data) {
  auto path = std::filesystem::temp_directory_path() /
              ("volley-merge-" + std::to_string(::getpid()) + ".eml");
  std::ofstream(path, std::ios::binary) << data;
  const std::string command =
      "python3 -c \"import email,sys;from email import policy;"
      "m=email.message_from_binary_file(open(sys.argv[1],'rb'),policy=policy.default);"
      "p=[x for x in m.walk() if x.get_content_type()=='text/html'][0];"
      "sys.stdout.buffer.write(p.get_content().encode('utf-8'))\" " +
      path.string();
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
      out.append(buffer, n);
    ::pclose(pipe);
  }
  std::filesystem::remove(path);
  return out;
}

TEST(MergeFields, QuotedPrintableHtmlPartDecodesToTheUtf8Value) {
  AiosmtpdServer server;
  server.start();
  VolleydProcess daemon(delivering_to(server.address()));
  daemon.start();
  auto client = daemon.client();
  const std::string message = "From: news@sender.test\r\n"
                              "Subject: QP\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
                              "\r\n"
                              "--b1\r\n"
                              "Content-Type: text/plain; charset=utf-8\r\n"
                              "\r\n"
                              "Hi {{name}}\r\n"
                              "--b1\r\n"
                              "Content-Type: text/html; charset=utf-8\r\n"
                              "Content-Transfer-Encoding: quoted-printable\r\n"
                              "\r\n"
                              "<p style=3D\"x\">Hello {{na=\r\n"
                              "me}}!</p>\r\n"
                              "--b1--\r\n";
  const std::string value = "Zoë Ångström – 東京"; // UTF-8, longer than one QP escape
  auto [status, answer] = post_campaign(client, "qp", message, {{"z@a.test", {{"name", value}}}});
  ASSERT_EQ(status, 202u) << serialize(answer);
  EXPECT_EQ(answer.at("accepted").to_number<int>(), 1);
  auto final_status = wait_for_campaign(
      client, "qp", [](const auto& s) { return delivered_all(s, 1); }, seconds(60));
  ASSERT_TRUE(delivered_all(final_status, 1)) << serialize(final_status);
  ASSERT_TRUE(server.wait_for_records(1, seconds(10)));
  const auto record = server.records().at(0);
  EXPECT_EQ(record.data.find(value), record.data.find("Hi " + value) + 3)
      << "raw value only in the 8bit text/plain part:\n"
      << record.data;
  // The CRLF before the closing delimiter belongs to the delimiter: the part ends at "</p>".
  EXPECT_EQ(decoded_html_part(record.data), "<p style=\"x\">Hello " + value + "!</p>");
  EXPECT_EQ(record.data.find("Hello " + value + "!</p>"), std::string::npos) << "not QP-encoded";
}

} // namespace
} // namespace volley::testing_support
