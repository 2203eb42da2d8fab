// Integration tests of the control API against the real volleyd: status codes, error bodies,
// de-duplication, suppression at injection, campaign state changes, auth, size limits.
// Never talks to anything but the daemon it started on loopback / its Unix socket.
#include <gtest/gtest.h>

#include <string>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "integration/json_answer.hpp"
#include "support/volleyd_process.hpp"

using volley::testing_support::count_of;
using volley::testing_support::parse_answer;
using volley::testing_support::VolleydProcess;

namespace {

// Static (no merge fields): these tests are about counts, not vars (see merge_fields_test.cpp).
const std::string kMessage = "From: News <news@example.org>\r\nSubject: Hello\r\n\r\nHi\r\n";

std::string campaign_body(const std::string& id, const std::string& recipients_json) {
  boost::json::object body{{"id", id}, {"from", "news@example.org"}, {"message", kMessage}};
  body["recipients"] = boost::json::parse(recipients_json);
  return boost::json::serialize(body);
}

class ControlApiTest : public ::testing::Test {
protected:
  void SetUp() override { daemon.start(); }
  VolleydProcess daemon;
};

TEST_F(ControlApiTest, CreateCampaignCountsValidInvalidDuplicateAndSuppressed) {
  auto client = daemon.client();
  auto put = client.request("PUT", "/v1/suppressions/blocked%40example.com",
                            R"({"reason":"unsubscribe"})");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;

  auto answer = client.request(
      "POST", "/v1/campaigns",
      campaign_body("spring", R"([{"to":"a@example.com","vars":{"name":"A"},"id":"17"},
                                  {"to":"A@EXAMPLE.com"},
                                  {"to":"not an address"},
                                  {"to":"Blocked@example.com"},
                                  {"to":"b@example.net"}])"));
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 202) << answer->body;
  auto json = parse_answer(answer->body);
  EXPECT_EQ(json.at("id").as_string(), "spring");
  EXPECT_EQ(json.at("duplicates").to_number<int>(), 1);
  EXPECT_EQ(json.at("suppressed").to_number<int>(), 1);
  ASSERT_EQ(json.at("rejected").as_array().size(), 1u);
  EXPECT_EQ(json.at("rejected").at(0).at("index").to_number<int>(), 2);
  EXPECT_FALSE(json.at("rejected").at(0).at("error").as_string().empty());

  auto status = client.request("GET", "/v1/campaigns/spring");
  ASSERT_TRUE(status);
  ASSERT_EQ(status->status, 200);
  auto campaign = parse_answer(status->body);
  EXPECT_EQ(count_of(campaign, "queued"), 2u);
  EXPECT_EQ(count_of(campaign, "suppressed"), 1u);
  EXPECT_EQ(campaign.at("state").as_string(), "active");
}

TEST_F(ControlApiTest, MalformedJsonIs400NamingLineAndColumn) {
  auto client = daemon.client();
  auto answer = client.request("POST", "/v1/campaigns", "{\n  \"from\": \"a@b.org\",\n  oops\n}");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  auto json = parse_answer(answer->body);
  EXPECT_EQ(json.at("error").as_string(), "bad_json");
  EXPECT_NE(std::string(json.at("message").as_string()).find("line 3"), std::string::npos)
      << answer->body;
  // Nothing was created.
  auto list = parse_answer(client.request("GET", "/v1/campaigns")->body);
  EXPECT_TRUE(list.at("campaigns").as_array().empty());
}

TEST_F(ControlApiTest, OversizedMessageIs413AndNothingStored) {
  auto client = daemon.client();
  std::string huge(1100 * 1024, 'x'); // daemon limit: 1 MiB
  boost::json::object body{
      {"id", "big"}, {"from", "a@example.org"}, {"message", "Subject: x\r\n\r\n" + huge}};
  auto answer = client.request("POST", "/v1/campaigns", boost::json::serialize(body));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413) << answer->body;
  EXPECT_EQ(client.request("GET", "/v1/campaigns/big")->status, 404);
}

TEST_F(ControlApiTest, RequestBodyOverLimitIs413) {
  auto client = daemon.client();
  std::string body(9 * 1024 * 1024, ' '); // max_request_size is 8 MiB
  auto answer = client.request("POST", "/v1/campaigns", body);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, 413) << answer->body;
  EXPECT_EQ(parse_answer(answer->body).at("error").as_string(), "too_large");
}

TEST_F(ControlApiTest, TcpNeedsTheBearerToken) {
  auto anonymous = daemon.tcp_client("");
  auto denied = anonymous.request("GET", "/v1/campaigns");
  ASSERT_TRUE(denied) << denied.error().message;
  EXPECT_EQ(denied->status, 401);
  auto wrong = daemon.tcp_client("0123456789abcdef").request("GET", "/v1/campaigns");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto allowed = daemon.tcp_client(daemon.token()).request("GET", "/v1/campaigns");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200) << allowed->body;
}

TEST_F(ControlApiTest, NdjsonUploadRejectsBadLinesAndDeduplicates) {
  auto client = daemon.client();
  ASSERT_EQ(client.request("POST", "/v1/campaigns", campaign_body("nd", "[]"))->status, 202);
  std::string ndjson = "{\"to\":\"x1@example.com\",\"vars\":{\"name\":\"X\"}}\n"
                       "{\"to\":\"x2@example.com\"}\r\n"
                       "\n"
                       "{\"to\": broken\n"
                       "{\"to\":\"x1@example.com\"}\n"
                       "{\"to\":\"x3@-bad-.com\"}\n"
                       "{\"to\":\"x4@example.com\"}"; // last line without newline
  auto sent = false;
  auto answer = client.upload_stream(
      "POST", "/v1/campaigns/nd/recipients",
      [&]() -> std::string {
        if (sent)
          return "";
        sent = true;
        return ndjson;
      },
      "application/x-ndjson");
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->status, 202) << answer->body;
  auto json = parse_answer(answer->body);
  EXPECT_EQ(json.at("accepted").to_number<int>(), 3);
  EXPECT_EQ(json.at("duplicates").to_number<int>(), 1);
  ASSERT_EQ(json.at("rejected").as_array().size(), 2u);
  EXPECT_EQ(json.at("rejected").at(0).at("index").to_number<int>(), 3);
  EXPECT_EQ(json.at("rejected").at(1).at("index").to_number<int>(), 5);
  auto campaign = parse_answer(client.request("GET", "/v1/campaigns/nd")->body);
  EXPECT_EQ(count_of(campaign, "queued"), 3u);
}

TEST_F(ControlApiTest, UploadToUnknownCampaignIs404) {
  auto client = daemon.client();
  auto answer = client.request("POST", "/v1/campaigns/nope/recipients", "{\"to\":\"a@b.org\"}\n",
                               "application/x-ndjson");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 404) << answer->body;
}

TEST_F(ControlApiTest, PauseResumeCancel) {
  auto client = daemon.client();
  ASSERT_EQ(client
                .request("POST", "/v1/campaigns",
                         campaign_body("pc", R"([{"to":"a@example.com"},{"to":"b@example.com"}])"))
                ->status,
            202);
  auto paused = client.request("POST", "/v1/campaigns/pc/pause");
  ASSERT_EQ(paused->status, 200) << paused->body;
  EXPECT_EQ(parse_answer(paused->body).at("state").as_string(), "paused");
  EXPECT_EQ(parse_answer(client.request("POST", "/v1/campaigns/pc/resume")->body).at("state"),
            "active");
  auto cancelled = client.request("POST", "/v1/campaigns/pc/cancel");
  ASSERT_EQ(cancelled->status, 200);
  auto campaign = parse_answer(client.request("GET", "/v1/campaigns/pc")->body);
  EXPECT_EQ(campaign.at("state").as_string(), "cancelled");
  EXPECT_EQ(count_of(campaign, "cancelled"), 2u);
  EXPECT_EQ(count_of(campaign, "queued"), 0u);
  EXPECT_EQ(client.request("POST", "/v1/campaigns/pc/resume")->status, 409);
  EXPECT_EQ(client.request("POST", "/v1/campaigns/missing/pause")->status, 404);
}

TEST_F(ControlApiTest, DuplicateCampaignIdIs409) {
  auto client = daemon.client();
  ASSERT_EQ(client.request("POST", "/v1/campaigns", campaign_body("dup", "[]"))->status, 202);
  auto again = client.request("POST", "/v1/campaigns", campaign_body("dup", "[]"));
  EXPECT_EQ(again->status, 409) << again->body;
}

TEST_F(ControlApiTest, TransactionalMessageAndValidation) {
  auto client = daemon.client();
  auto ok = client.request(
      "POST", "/v1/messages",
      R"({"from":"shop@example.org","to":["buyer@example.com"],"message":"Subject: order\r\n\r\nthanks\r\n"})");
  ASSERT_EQ(ok->status, 202) << ok->body;
  auto id = std::string(parse_answer(ok->body).at("id").as_string());
  auto status = parse_answer(client.request("GET", "/v1/campaigns/" + id)->body);
  EXPECT_EQ(count_of(status, "queued"), 1u);
  auto bad = client.request("POST", "/v1/messages",
                            R"({"from":"shop@example.org","to":["nobody"],"message":"x"})");
  EXPECT_EQ(bad->status, 400) << bad->body;
}

TEST_F(ControlApiTest, SuppressionListRoundTrip) {
  auto client = daemon.client();
  for (const char* address : {"c%40example.com", "a%40example.com", "b%40example.com"}) {
    ASSERT_EQ(client.request("PUT", std::string("/v1/suppressions/") + address, "{}")->status, 200);
  }
  auto page = parse_answer(client.request("GET", "/v1/suppressions?limit=2")->body);
  ASSERT_EQ(page.at("records").as_array().size(), 2u);
  EXPECT_EQ(page.at("records").at(0).at("address"), "a@example.com");
  EXPECT_EQ(page.at("next"), "b@example.com");
  auto rest =
      parse_answer(client.request("GET", "/v1/suppressions?limit=2&after=b%40example.com")->body);
  ASSERT_EQ(rest.at("records").as_array().size(), 1u);
  EXPECT_EQ(client.request("DELETE", "/v1/suppressions/a%40example.com")->status, 200);
  EXPECT_EQ(client.request("DELETE", "/v1/suppressions/a%40example.com")->status, 404);
  EXPECT_EQ(client.request("PUT", "/v1/suppressions/not-an-address", "{}")->status, 400);
}

TEST_F(ControlApiTest, UnknownEndpointAndBouncesListing) {
  auto client = daemon.client();
  EXPECT_EQ(client.request("GET", "/v1/nothing")->status, 404);
  auto bounces = client.request("GET", "/v1/bounces?limit=10");
  ASSERT_EQ(bounces->status, 200);
  EXPECT_TRUE(parse_answer(bounces->body).at("records").as_array().empty());
  EXPECT_EQ(client.request("GET", "/v1/bounces?limit=abc")->status, 400);
  auto metrics = client.request("GET", "/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("volley_spool_commits_total"), std::string::npos);
}

} // namespace

// A client that disconnects in the middle of an NDJSON upload: the daemon keeps serving, nothing
// is answered for the lost upload, and re-sending the file completes it (idempotent upload).
TEST(ControlApiDroppedClient, UploadCutOffMidBodyLeavesDaemonHealthyAndResendCompletes) {
  VolleydProcess daemon;
  daemon.start();
  auto client = daemon.client();
  ASSERT_EQ(client.request("POST", "/v1/campaigns", campaign_body("cut", "[]"))->status, 202);
  std::string lines;
  for (int i = 0; i < 20000; ++i)
    lines += "{\"to\":\"cut" + std::to_string(i) + "@example.com\"}\n";
  {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = (daemon.dir() / "run" / "volley.sock").string();
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string head = "POST /v1/campaigns/cut/recipients HTTP/1.1\r\nHost: x\r\n"
                       "Content-Type: application/x-ndjson\r\nContent-Length: " +
                       std::to_string(lines.size()) + "\r\n\r\n";
    std::string partial = head + lines.substr(0, lines.size() / 2);
    ASSERT_EQ(::write(fd, partial.data(), partial.size()), static_cast<ssize_t>(partial.size()));
    ::close(fd); // gone before the body is complete
  }
  EXPECT_EQ(daemon.client().request("GET", "/healthz")->status, 200);
  auto again = daemon.client().request("POST", "/v1/campaigns/cut/recipients", lines,
                                       "application/x-ndjson");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 202) << again->body;
  auto json = parse_answer(again->body);
  EXPECT_EQ(json.at("accepted").to_number<int>() + json.at("duplicates").to_number<int>(), 20000);
  auto campaign = parse_answer(daemon.client().request("GET", "/v1/campaigns/cut")->body);
  EXPECT_EQ(count_of(campaign, "queued"), 20000u);
}
