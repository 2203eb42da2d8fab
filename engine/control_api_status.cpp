// The status page's answers: GET / (the page, or the login form without a session), its embedded
// assets, POST /login (token -> read-only session cookie), POST /logout, and GET /v1/status (the
// JSON the page polls). The session decided the access level before; every HTML answer carries a
// Content-Security-Policy that allows nothing but this origin. Never echoes request data into
// HTML, never puts the token in an answer.
#include <boost/json.hpp>
#include <chrono>
#include <string>

#include "engine/api_json.hpp"
#include "engine/control_api.hpp"
#include "engine/control_token.hpp"
#include "engine/status_assets.hpp"
#include "engine/status_report.hpp"
#include "engine/status_session_cookie.hpp"

namespace volley::engine {
namespace {

constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'";
constexpr std::string_view message_marker = "<!--volley:message-->";
constexpr std::string_view action_marker = "/login?volley:refresh";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_page_headers(ControlResponse& response, std::string_view cache_control) {
  response.headers.emplace_back("Content-Security-Policy", content_security_policy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Cache-Control", cache_control);
}

// The page's refresh interval in milliseconds from ?refresh=, if it is 1 to 6 digits.
std::string refresh_digits(const protocol::RequestTarget& target) {
  auto refresh = target.param("refresh");
  if (!refresh || refresh->empty() || refresh->size() > 6 ||
      refresh->find_first_not_of("0123456789") != std::string::npos)
    return {};
  return *refresh;
}

std::string replace_once(std::string text, std::string_view marker, std::string_view with) {
  if (auto at = text.find(marker); at != std::string::npos)
    text.replace(at, marker.size(), with);
  return text;
}

// The login form; `message` is one of this file's fixed texts (no request data), `refresh` digits.
ControlResponse login_page(unsigned status, std::string_view message, const std::string& refresh) {
  auto asset = status_asset("login.html");
  std::string html(asset ? asset->bytes : "<!doctype html><title>Volley</title>");
  std::string note;
  if (!message.empty())
    note = "<p class=\"login-message\" role=\"alert\">" + std::string(message) + "</p>";
  html = replace_once(std::move(html), message_marker, note);
  html = replace_once(std::move(html), action_marker,
                      refresh.empty() ? "/login" : "/login?refresh=" + refresh);
  ControlResponse response{status, std::move(html), "text/html; charset=utf-8"};
  add_page_headers(response, "no-store");
  return response;
}

ControlResponse see_other(std::string location) {
  ControlResponse response{303, "", "text/plain; charset=utf-8"};
  response.headers.emplace_back("Location", std::move(location));
  add_page_headers(response, "no-store");
  return response;
}

// The "token" field of an application/x-www-form-urlencoded body, or nullopt.
std::optional<std::string> form_token(std::string_view body) {
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (!pair.starts_with("token="))
      continue;
    auto value = protocol::percent_decode(pair.substr(6), true);
    if (!value)
      return std::nullopt;
    std::string token = std::move(value.value());
    auto first = token.find_first_not_of(" \t\r\n");
    auto last = token.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : token.substr(first, last - first + 1);
  }
  return std::nullopt;
}

} // namespace

ControlResponse ControlApi::status_page(const protocol::RequestTarget& target,
                                        const ControlRequestContext& context) const {
  if (context.access == ControlAccess::anonymous)
    return login_page(200, "", refresh_digits(target));
  return status_asset_response("index.html", context);
}

ControlResponse ControlApi::status_asset_response(const std::string& name,
                                                  const ControlRequestContext& context) const {
  auto asset = status_asset(name);
  if (!asset || name == "login.html") {
    return error_response(
        make_error(error_code::not_found, "no status page asset \"" + name + "\" in this volleyd"));
  }
  ControlResponse response{200, std::string(asset->bytes), std::string(asset->content_type)};
  if (!context.if_none_match.empty() && context.if_none_match == asset->etag) {
    response.status = 304;
    response.body.clear();
  }
  response.headers.emplace_back("ETag", asset->etag);
  add_page_headers(response, "no-cache"); // revalidate each time: the ETag makes that cheap
  return response;
}

ControlResponse ControlApi::login(const protocol::RequestTarget& target,
                                  const std::string& body) const {
  std::string refresh = refresh_digits(target);
  std::string home = refresh.empty() ? "/" : "/?refresh=" + refresh;
  if (login_token_.empty())
    return see_other(home); // no TCP authentication configured: nothing to log in to
  auto token = form_token(body);
  if (!token || token->empty()) {
    return login_page(400, "Enter the control token.", refresh);
  }
  if (!token_matches(*token, login_token_)) {
    return login_page(401,
                      "That is not the control token. Copy it from the file named by "
                      "control.token_file (default var/control.token).",
                      refresh);
  }
  auto now_s = now_ms() / 1000;
  ControlResponse response = see_other(home);
  response.headers.emplace_back(
      "Set-Cookie", status_session_set_cookie(issue_status_session(login_token_, now_s)));
  return response;
}

ControlResponse ControlApi::logout() const {
  ControlResponse response = see_other("/");
  response.headers.emplace_back("Set-Cookie", status_session_clear_cookie());
  return response;
}

void ControlApi::sample_throughput(std::int64_t now) {
  if (!delivery_)
    return;
  throughput_.sample(now, ThroughputCounts{delivery_->delivered.load(), delivery_->deferred.load(),
                                           delivery_->bounced.load()});
}

ControlResponse ControlApi::status() {
  std::int64_t now = now_ms();
  sample_throughput(now);
  StatusReportLimits limits;
  auto stats = spool_.stats();
  boost::json::object daemon{{"status", "ok"},
                             {"started_at", format_rfc3339_ms(started_ms_)},
                             {"uptime_seconds", (now - started_ms_) / 1000},
                             {"delivery", delivery_ ? "on" : "off"},
                             {"spool_used_bytes", stats.used_bytes},
                             {"spool_map_bytes", stats.map_bytes}};
  if (delivery_) {
    daemon["connections_open"] = delivery_->connections_open.load();
    daemon["jobs_in_memory"] = delivery_->jobs_in_memory.load();
  }
  boost::json::array bounces;
  for (const auto& record : newest_bounces(spool_, limits.bounces))
    bounces.push_back(bounce_json(record));
  boost::json::object answer{
      {"now_ms", now},
      {"daemon", std::move(daemon)},
      {"campaigns", status_campaigns_json(spool_.campaigns(), limits.campaigns)},
      {"sites", status_sites_json(delivery_ ? delivery_->sites() : std::vector<SiteStatus>{}, now,
                                  limits.sites)},
      {"bounces", std::move(bounces)},
      {"throughput", throughput_json(throughput_.window(now))}};
  ControlResponse response = json_response(200, boost::json::serialize(answer));
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

} // namespace volley::engine
