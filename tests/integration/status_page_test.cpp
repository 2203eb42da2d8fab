// The live status page against the real volleyd. Over plain HTTP: GET / without a session is the
// login form; a wrong token is refused with 401; the right one sets an HttpOnly, SameSite=Strict
// cookie that shows the page and GET /v1/status but can change nothing (401 on every write),
// while the bearer token still works; pages carry a CSP that allows only this origin; assets
// revalidate by ETag; sign-out clears the cookie; the Unix socket needs no login. In a real
// browser: headless Chromium (Debian's /usr/bin/chromium, driven over the DevTools protocol by
// status_page_browser.py) signs in, sees a rate-limited campaign running and watches its progress
// grow without a reload, and saves a screenshot. Loopback only; no timing assertions (deadlines).
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/json_answer.hpp"
#include "support/captured_command.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

struct RawAnswer {
  int status = 0;
  std::string body;
  http::fields headers;
  std::string header(http::field name) const { return std::string(headers[name]); }
  std::string header(std::string_view name) const { return std::string(headers[name]); }
};

// One request on its own loopback connection, with exactly the given header fields.
RawAnswer raw_request(std::uint16_t port, http::verb method, const std::string& target,
                      const std::vector<std::pair<http::field, std::string>>& fields = {},
                      const std::string& body = "") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> request(method, target, 11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : fields)
    request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  RawAnswer answer{static_cast<int>(response.result_int()), response.body(), {}};
  for (const auto& field : response)
    answer.headers.insert(field.name_string(), field.value());
  return answer;
}

std::string form(const std::string& token) {
  return "token=" + token; // hex tokens need no escaping
}

// The cookie pair ("volley_session=...") from a Set-Cookie header value.
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

class StatusPageHttp : public ::testing::Test {
protected:
  void SetUp() override { daemon.start(); }

  RawAnswer get(const std::string& target, const std::string& cookie = "") {
    std::vector<std::pair<http::field, std::string>> fields;
    if (!cookie.empty())
      fields.emplace_back(http::field::cookie, cookie);
    return raw_request(daemon.port(), http::verb::get, target, fields);
  }
  RawAnswer login(const std::string& token, const std::string& target = "/login") {
    return raw_request(daemon.port(), http::verb::post, target,
                       {{http::field::content_type, "application/x-www-form-urlencoded"}},
                       form(token));
  }
  std::string signed_in_cookie() {
    auto answer = login(daemon.token());
    EXPECT_EQ(answer.status, 303) << answer.body;
    return cookie_pair(answer.header(http::field::set_cookie));
  }

  VolleydProcess daemon;
};

void expect_page_headers(const RawAnswer& answer) {
  std::string csp = answer.header("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("http"), std::string::npos) << "no external sources: " << csp;
  EXPECT_EQ(answer.header("X-Content-Type-Options"), "nosniff");
}

TEST_F(StatusPageHttp, WithoutASessionTheRootIsTheLoginForm) {
  auto page = get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header(http::field::content_type), "text/html; charset=utf-8");
  expect_page_headers(page);
  EXPECT_EQ(page.header(http::field::cache_control), "no-store");
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"/login\""), std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("name=\"token\""), std::string::npos);
  EXPECT_NE(page.body.find("control.token_file"), std::string::npos);
  EXPECT_EQ(page.body.find("status.js"), std::string::npos) << "the page itself needs a session";
  // ?refresh= is carried through the login when it is a number, and never echoed otherwise.
  EXPECT_NE(get("/?refresh=500").body.find("action=\"/login?refresh=500\""), std::string::npos);
  auto odd = get("/?refresh=%22%3E%3Cscript%3E");
  EXPECT_NE(odd.body.find("action=\"/login\""), std::string::npos);
  EXPECT_EQ(odd.body.find("<script"), std::string::npos);
  // The login page's own assets are public; the data is not.
  auto css = get("/assets/status.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.header(http::field::content_type), "text/css; charset=utf-8");
  expect_page_headers(css);
  EXPECT_EQ(get("/v1/status").status, 401);
  EXPECT_EQ(get("/v1/campaigns").status, 401);
  EXPECT_EQ(get("/assets/nothing.js").status, 404);
}

TEST_F(StatusPageHttp, AWrongTokenIsRefusedWith401AndNoCookie) {
  auto answer = login("0000" + daemon.token().substr(4) + "0");
  EXPECT_EQ(answer.status, 401);
  EXPECT_EQ(answer.header(http::field::set_cookie), "");
  EXPECT_NE(answer.body.find("not the control token"), std::string::npos) << answer.body;
  EXPECT_NE(answer.body.find("name=\"token\""), std::string::npos) << "the form again";
  expect_page_headers(answer);
  EXPECT_EQ(login("").status, 400);
  // A login body is small: no large bodies without the bearer token.
  auto big = raw_request(daemon.port(), http::verb::post, "/login",
                         {{http::field::content_type, "application/x-www-form-urlencoded"}},
                         "token=" + std::string(100000, 'a'));
  EXPECT_EQ(big.status, 413);
}

TEST_F(StatusPageHttp, TheCookieShowsThePageButCannotWrite) {
  auto answer = login(daemon.token(), "/login?refresh=750");
  ASSERT_EQ(answer.status, 303) << answer.body;
  EXPECT_EQ(answer.header(http::field::location), "/?refresh=750");
  std::string set_cookie = answer.header(http::field::set_cookie);
  for (const char* attribute : {"volley_session=v1.", "HttpOnly", "SameSite=Strict", "Path=/"})
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find(daemon.token()), std::string::npos) << "the token is not the cookie";
  std::string cookie = cookie_pair(set_cookie);

  auto page = get("/", cookie);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("src=\"/assets/status.js\""), std::string::npos) << page.body;
  expect_page_headers(page);
  auto status = get("/v1/status", cookie);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.header(http::field::cache_control), "no-store");
  auto json = parse_answer(status.body);
  for (const char* key : {"daemon", "campaigns", "sites", "bounces", "throughput"})
    EXPECT_TRUE(json.as_object().contains(key)) << key << " in " << status.body;
  EXPECT_EQ(json.at("throughput").at("delivered").as_array().size(), 360u);
  EXPECT_EQ(json.at("daemon").at("delivery").as_string(), "off");

  // Read-only: no write and no other read, whatever the method.
  const std::pair<http::verb, const char*> denied[] = {
      {http::verb::post, "/v1/campaigns"},
      {http::verb::post, "/v1/campaigns/c1/pause"},
      {http::verb::post, "/v1/messages"},
      {http::verb::put, "/v1/suppressions/a%40b.test"},
      {http::verb::delete_, "/v1/suppressions/a%40b.test"},
      {http::verb::post, "/v1/policy/reload"},
      {http::verb::post, "/v1/status"},
      {http::verb::get, "/v1/campaigns"},
      {http::verb::get, "/v1/bounces"},
      {http::verb::get, "/metrics"}};
  std::string body = R"({"id":"sneaky","from":"a@b.test","message":"Subject: x\r\n\r\nx\r\n",)"
                     R"("recipients":[{"to":"c@d.test"}]})";
  for (const auto& [verb, target] : denied) {
    auto refused = raw_request(
        daemon.port(), verb, target,
        {{http::field::cookie, cookie}, {http::field::content_type, "application/json"}}, body);
    EXPECT_EQ(refused.status, 401) << target << ": " << refused.body;
    EXPECT_NE(refused.body.find("read-only"), std::string::npos) << refused.body;
  }
  auto unix_client = daemon.client();
  auto sneaky = unix_client.request("GET", "/v1/campaigns/sneaky");
  ASSERT_TRUE(sneaky);
  EXPECT_EQ(sneaky->status, 404) << "a cookie created a campaign";

  // The bearer token still does everything, with or without a cookie.
  auto bearer = raw_request(daemon.port(), http::verb::post, "/v1/campaigns",
                            {{http::field::authorization, "Bearer " + daemon.token()},
                             {http::field::cookie, cookie},
                             {http::field::content_type, "application/json"}},
                            body);
  EXPECT_EQ(bearer.status, 202) << bearer.body;
  auto bearer_status = raw_request(daemon.port(), http::verb::get, "/v1/status",
                                   {{http::field::authorization, "Bearer " + daemon.token()}});
  EXPECT_EQ(bearer_status.status, 200);
  EXPECT_NE(bearer_status.body.find("\"sneaky\""), std::string::npos) << bearer_status.body;
}

TEST_F(StatusPageHttp, TamperedOrClearedCookiesAreWorthNothing) {
  std::string cookie = signed_in_cookie();
  std::string tampered = cookie;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_EQ(get("/v1/status", tampered).status, 401);
  EXPECT_NE(get("/", tampered).body.find("name=\"token\""), std::string::npos);
  EXPECT_EQ(get("/v1/status", "volley_session=v1.1.abc").status, 401);

  auto out =
      raw_request(daemon.port(), http::verb::post, "/logout", {{http::field::cookie, cookie}});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.header(http::field::location), "/");
  std::string cleared = out.header(http::field::set_cookie);
  EXPECT_NE(cleared.find("volley_session=;"), std::string::npos) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
}

TEST_F(StatusPageHttp, AssetsRevalidateByETag) {
  auto first = get("/assets/status.js");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.header(http::field::content_type), "text/javascript; charset=utf-8");
  EXPECT_EQ(first.header(http::field::cache_control), "no-cache");
  std::string etag = first.header(http::field::etag);
  ASSERT_FALSE(etag.empty());
  auto again = raw_request(daemon.port(), http::verb::get, "/assets/status.js",
                           {{http::field::if_none_match, etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  auto changed = raw_request(daemon.port(), http::verb::get, "/assets/status.js",
                             {{http::field::if_none_match, "\"other\""}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, first.body);
}

TEST_F(StatusPageHttp, TheUnixSocketNeedsNoLogin) {
  auto client = daemon.client();
  auto page = client.request("GET", "/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("src=\"/assets/status.js\""), std::string::npos);
  auto status = client.request("GET", "/v1/status");
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200) << status->body;
}

// ---- in headless Chromium ----

constexpr const char* kChromium = "/usr/bin/chromium";

std::filesystem::path kept_temp_dir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "volley-status-page-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

TEST(StatusPageBrowser, ShowsARunningCampaignsProgressGrowingWithoutAReload) {
  ASSERT_TRUE(std::filesystem::exists(kChromium))
      << kChromium << " is missing: the status page test needs Debian's chromium "
      << "(apt-get install chromium python3-websocket; both are in scripts/packages.txt)";
  // Recipients named bounce* get a 550 from the sink: the page lists them as bounces.
  VolleySinkProcess sink({.args = {"--fault", "rcpt:550:rcpt~bounce"}});
  sink.start();
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml = delivery_toml_to(sink.address(), "max_recipients_per_transaction = 1\n",
                                            "[policy]\nfile = \"policy.toml\"\n");
  VolleydProcess daemon(settings);
  // 4 recipients a second: 240 take a minute, so the campaign is still running while the browser
  // watches, even on a slow machine.
  std::ofstream(daemon.dir() / "policy.toml")
      << "[defaults]\nrate = {limit = \"4/s\", burst = 1}\n";
  daemon.start();
  auto client = daemon.client();
  std::vector<std::string> recipients = numbered_recipients(240, "status.test");
  for (std::size_t i = 0; i < recipients.size(); i += 10)
    recipients[i] = "bounce" + std::to_string(i) + "@status.test";
  ASSERT_EQ(create_campaign(client, "spring-news", recipients), 240u);
  auto started = wait_for_campaign(
      client, "spring-news", [](const auto& s) { return count_of(s, "delivered") > 0; }, 60s);
  ASSERT_GT(count_of(started, "delivered"), 0u) << started << daemon.log();

  auto dir = kept_temp_dir();
  auto screenshot = dir / "status_page.png";
  CapturedCommand driver = capture_command(
      {"/usr/bin/python3", VOLLEY_SOURCE_DIR "/tests/integration/status_page_browser.py",
       "--chromium",       kChromium,
       "--base-url",       "http://127.0.0.1:" + std::to_string(daemon.port()),
       "--token-file",     (daemon.dir() / "control.token").string(),
       "--campaign",       "spring-news",
       "--expect-site",    sink.address(),
       "--expect-bounce",  "bounce0@status.test",
       "--screenshot",     screenshot.string(),
       "--refresh",        "500",
       "--timeout",        "60",
       "--chromium-log",   (dir / "chromium.log").string()},
      std::chrono::seconds(400));
  std::cout << "status page screenshot: " << screenshot.string() << "\n";
  ASSERT_FALSE(driver.timed_out) << driver.err;
  ASSERT_EQ(driver.exit_code, 0) << driver.err << "\nstdout: " << driver.out
                                 << "\nchromium log: " << (dir / "chromium.log").string();
  auto seen = parse_answer(driver.out);
  ASSERT_TRUE(seen.is_object()) << driver.out;
  EXPECT_TRUE(seen.at("login_form").as_bool());
  EXPECT_TRUE(seen.at("signed_in").as_bool());
  EXPECT_TRUE(seen.at("refresh_kept").as_bool());
  const auto& first = seen.at("first");
  const auto& later = seen.at("later");
  EXPECT_EQ(first.at("id").as_string(), "spring-news");
  EXPECT_GT(first.at("progress").to_number<double>(), 0.0);
  EXPECT_LT(first.at("progress").to_number<double>(), 100.0);
  EXPECT_EQ(first.at("total").to_number<int>(), 240);
  EXPECT_GT(later.at("delivered").to_number<int>(), first.at("delivered").to_number<int>());
  EXPECT_GT(later.at("progress").to_number<double>(), first.at("progress").to_number<double>());
  EXPECT_EQ(later.at("marker").as_string(), "same-document") << "the page reloaded";
  EXPECT_NE(std::string(seen.at("site").as_string()).find(sink.address()), std::string::npos);
  EXPECT_GT(seen.at("chart_bars").to_number<int>(), 0);
  EXPECT_NE(std::string(seen.at("bounce").as_string()).find("bounce0@status.test"),
            std::string::npos);
  EXPECT_EQ(seen.at("daemon_state").as_string(), "running");
  EXPECT_TRUE(seen.at("problems").as_array().empty()) << seen.at("problems");
  EXPECT_TRUE(seen.at("signed_out").as_bool());
  EXPECT_GT(std::filesystem::file_size(screenshot), 10000u) << screenshot;
}

} // namespace
