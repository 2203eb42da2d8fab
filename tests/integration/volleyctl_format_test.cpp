// volleyctl's pure output parts: counts, durations, rates, timestamps and ages; colour that takes
// no width in tables; a column cut to the terminal width; the queue table sorted by depth and the
// site lookup; the progress meter of `campaign watch` (rates, ETA, lines, summary). No daemon.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tools/campaign_progress_meter.hpp"
#include "tools/cli_format.hpp"
#include "tools/cli_table.hpp"
#include "tools/volleyctl_output.hpp"
#include "tools/volleyctl_queue_view.hpp"

namespace volley::tools {
namespace {

boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

TEST(VolleyctlFormat, CountsDurationsRatesAndPercentages) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1000), "1,000");
  EXPECT_EQ(format_count(1234567), "1,234,567");
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(45.4), "45s");
  EXPECT_EQ(format_duration(200), "3m 20s");
  EXPECT_EQ(format_duration(7500), "2h 05m");
  EXPECT_EQ(format_duration(3 * 86400 + 4 * 3600), "3d 04h");
  EXPECT_EQ(format_duration(-5), "0s");
  EXPECT_EQ(format_rate(0), "0/s");
  EXPECT_EQ(format_rate(12.345), "12.3/s");
  EXPECT_EQ(format_rate(20758.4), "20,758/s");
  EXPECT_EQ(format_percent(999, 1000), "99%");
  EXPECT_EQ(format_percent(1000, 1000), "100%");
  EXPECT_EQ(format_percent(0, 0), "100%");
}

TEST(VolleyctlFormat, TimestampsAndAges) {
  EXPECT_EQ(format_timestamp("2026-11-23T10:00:00.123Z"), "2026-11-23 10:00:00");
  EXPECT_EQ(format_timestamp("yesterday"), "yesterday");
  auto at = parse_rfc3339_ms("2026-11-23T10:00:00.123Z");
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(*at, 1795428000123);
  EXPECT_EQ(parse_rfc3339_ms("2026-11-23T11:00:00+01:00"), 1795428000000);
  EXPECT_EQ(parse_rfc3339_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_FALSE(parse_rfc3339_ms("2026-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(parse_rfc3339_ms("2026-11-23 10:00").has_value());
  EXPECT_EQ(format_age(1000, 1500), "just now");
  EXPECT_EQ(format_age(0, 300'000), "5m 00s ago");
  EXPECT_EQ(format_age(90'000, 0), "in 1m 30s");
}

TEST(VolleyctlFormat, ColourIsOptionalAndTakesNoWidth) {
  EXPECT_EQ(paint("active", TextColor::green, false), "active");
  EXPECT_EQ(paint("active", TextColor::green, true), "\x1b[32mactive\x1b[0m");
  EXPECT_EQ(display_width("\x1b[31mcancelled\x1b[0m"), 9u);
  TextTable table({"ID", "STATE", "N"});
  table.add_row({"c-1", paint("active", TextColor::green, true), "1"});
  table.add_row({"c-22", "paused", "2"});
  EXPECT_EQ(table.render(), "ID    STATE   N\n"
                            "c-1   \x1b[32mactive\x1b[0m  1\n"
                            "c-22  paused  2\n");
  EXPECT_EQ(cut_to_width("abcdef", 4), "abc…");
  EXPECT_EQ(cut_to_width("abc", 4), "abc");
  EXPECT_EQ(cut_to_width("\x1b[31mabcdef\x1b[0m", 4), "\x1b[31mabc\x1b[0m…");
}

TEST(VolleyctlFormat, ATableColumnShrinksToTheTerminalWidth) {
  TextTable table({"SITE", "LAST ERROR"});
  table.fit_to_width(1, 30, 5);
  table.add_row({"mx:a.example", "451 4.7.1 greylisted, try again in five minutes"});
  std::string out = table.render();
  for (const std::string& line :
       {std::string("SITE          LAST ERROR"), std::string("mx:a.example  451 4.7.1 greyl…")})
    EXPECT_NE(out.find(line + "\n"), std::string::npos) << out;
  TextTable unlimited({"A", "B"});
  unlimited.fit_to_width(1, 0);
  unlimited.add_row({"x", std::string(200, 'y')});
  EXPECT_EQ(unlimited.render().size(), 4u + 1 + 3 + 200 + 1);
}

TEST(VolleyctlFormat, CampaignTableAndStatus) {
  auto answer = json(R"({"campaigns":[{"id":"c-1","state":"active","total":12000,
      "created_at":"2026-11-23T10:00:00.000Z","counts":{"queued":5000,"in_flight":1000,
      "delivered":5000,"deferred":500,"bounced_hard":300,"bounced_soft":200,"suppressed":0,
      "expired":0,"cancelled":0}}]})");
  std::string table = render_campaign_table(answer, {}, 1795428300000);
  EXPECT_EQ(table, "ID   STATE    TOTAL  DONE  QUEUED  IN_FLIGHT  DELIVERED  DEFERRED  BOUNCED  "
                   "SUPPRESSED  EXPIRED  CANCELLED  CREATED\n"
                   "c-1  active  12,000   45%   5,000      1,000      5,000       500      500  "
                   "         0        0          0  5m 00s ago\n");
  EXPECT_EQ(render_campaign_ids(answer), "c-1\n");
  auto progress = campaign_progress(answer.at("campaigns").at(0));
  EXPECT_EQ(progress.done, 5500u);
  EXPECT_EQ(progress.left, 6500u);
  std::string status = render_campaign_status(answer.at("campaigns").at(0), {}, 1795428300000);
  EXPECT_NE(status.find("\ncreated       2026-11-23 10:00:00 (5m 00s ago)\n"), std::string::npos)
      << status;
  EXPECT_NE(status.find("\nprogress      5,500 of 12,000 done (45%), 6,500 to go\n"),
            std::string::npos)
      << status;
}

TEST(VolleyctlFormat, QueueTableIsSortedByDepthAndSitesAreFoundByDomainOrHost) {
  auto answer = json(R"({"delivery":"on","jobs_in_memory":1300,"connections_open":5,"sites":[
      {"site":"mx:mx1.small.example","queued":3,"connections":1,"idle_connections":1,
       "domains":["small.example"],"rate":null,"rate_factor":1.0,"throttle":null,
       "suspended_until_ms":null,"last_error":null,"delivered":10,"deferred":0,"bounced":0},
      {"site":"mx:gmail-smtp-in.l.google.com,alt1.gmail-smtp-in.l.google.com","queued":1297,
       "connections":4,"idle_connections":0,"domains":["gmail.com","googlemail.com"],
       "rate":"100/s","rate_factor":0.5,"throttle":"gmail-421","suspended_until_ms":null,
       "last_error":"421-4.7.28 rate limited","delivered":2000,"deferred":12,"bounced":1},
      {"site":"route:127.0.0.1:2525","queued":0,"connections":0,"idle_connections":0,
       "domains":["a.test"],"rate":null,"rate_factor":1.0,"throttle":null,
       "suspended_until_ms":2000000000000,"last_error":"connection refused","delivered":0,
       "deferred":4,"bounced":0}]})");
  std::string table = render_queue_table(answer, {}, 1999999958000);
  EXPECT_EQ(table,
            "3 site(s), 1,300 recipient(s) in memory, 5 connection(s) open\n"
            "SITE                              DOMAINS        QUEUED  CONN  RATE        STATE     "
            "              DELIVERED  DEFERRED  BOUNCED  LAST ERROR\n"
            "mx:gmail-smtp-in.l.google.com +1  gmail.com +1    1,297   4/0  100/s ×0.5  throttled "
            "by gmail-421      2,000        12        1  421-4.7.28 rate limited\n"
            "mx:mx1.small.example              small.example       3   1/1  unlimited   ok        "
            "                     10         0        0\n"
            "route:127.0.0.1:2525              a.test              0   0/0  unlimited   suspended "
            "for 42s               0         4        0  connection refused\n");
  EXPECT_EQ(find_sites(answer, "googlemail.com").size(), 1u);
  EXPECT_EQ(find_sites(answer, "ALT1.gmail-smtp-in.l.google.com.").size(), 1u);
  EXPECT_EQ(find_sites(answer, "route:127.0.0.1:2525").size(), 1u);
  EXPECT_EQ(find_sites(answer, "mx").size(), 2u); // a part of two site names
  EXPECT_TRUE(find_sites(answer, "nowhere.example").empty());
  std::string detail = render_site_detail(*find_sites(answer, "gmail.com").at(0), {}, 0);
  EXPECT_NE(detail.find("domains        gmail.com, googlemail.com\n"), std::string::npos) << detail;
  EXPECT_NE(detail.find("rate           100/s ×0.5\n"), std::string::npos) << detail;
  EXPECT_NE(detail.find("throttle rule  gmail-421\n"), std::string::npos) << detail;
}

WatchSample sample(double at, std::uint64_t delivered, std::uint64_t queued,
                   std::string state = "active") {
  std::string text = R"({"id":"c","state":")" + state + R"(","total":100,"counts":{"queued":)" +
                     std::to_string(queued) + R"(,"in_flight":0,"delivered":)" +
                     std::to_string(delivered) +
                     R"(,"deferred":0,"bounced_hard":0,"bounced_soft":0,"suppressed":0,)"
                     R"("expired":0,"cancelled":0}})";
  return watch_sample(json(text), at);
}

TEST(VolleyctlFormat, ProgressMeterRatesEtaAndLines) {
  CampaignProgressMeter meter;
  meter.add(sample(0, 0, 100));
  EXPECT_EQ(meter.interval_rate(), 0);
  EXPECT_FALSE(meter.eta_seconds().has_value());
  EXPECT_FALSE(meter.finished());
  meter.add(sample(1, 10, 90));
  meter.add(sample(2, 40, 60));
  EXPECT_DOUBLE_EQ(meter.interval_rate(), 30);
  ASSERT_TRUE(meter.eta_seconds().has_value());
  EXPECT_DOUBLE_EQ(*meter.eta_seconds(), 3); // 60 left at 20/s over the window
  EXPECT_EQ(meter.log_line(), "0:02  active  40%  40/100 done  delivered 40  deferred 0  "
                              "bounced 0  suppressed 0  queued 60  in flight 0  30.0 msgs/s  "
                              "ETA 0:03");
  auto lines = meter.terminal_lines(100, false);
  EXPECT_EQ(lines[0].rfind("active  [", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("]  40%   40/100  30.0 msgs/s  ETA 0:03"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("[################------------------------]"), std::string::npos)
      << lines[0]; // the bar takes the room left, up to 40
  EXPECT_EQ(display_width(meter.terminal_lines(70, false)[0]), 69u); // ... fitting the width
  EXPECT_EQ(lines[1],
            "  delivered 40  deferred 0  bounced 0  suppressed 0  queued 60  in flight 0");
  for (const std::string& narrow : meter.terminal_lines(40, true))
    EXPECT_LE(display_width(narrow), 39u) << narrow;
  meter.add(sample(4, 100, 0));
  EXPECT_TRUE(meter.finished());
  std::string summary = meter.summary("c", {});
  EXPECT_EQ(summary.rfind("campaign c: nothing left to send after 4s (state active)\n", 0), 0u)
      << summary;
  EXPECT_NE(summary.find("\n  delivered   100\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\n  average     25.0 msgs/s while watched\n"), std::string::npos)
      << summary;
  CampaignProgressMeter cancelled;
  cancelled.add(sample(0, 5, 95, "cancelled"));
  EXPECT_TRUE(cancelled.finished());
}

} // namespace
} // namespace volley::tools
