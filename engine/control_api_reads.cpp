// Read-only control API answers: suppression and bounce listings with cursors, health, metrics.
// Never writes to the spool; every answer comes from one consistent read snapshot per call.
#include <charconv>
#include <initializer_list>
#include <string_view>

#include "engine/api_json.hpp"
#include "engine/bounce_intake.hpp"
#include "engine/control_api.hpp"
#include "engine/prometheus_text.hpp"

namespace volley::engine {
namespace {

constexpr std::size_t default_page = 100;
constexpr std::size_t max_page = 10000;

Result<std::uint64_t> parse_count(const std::optional<std::string>& text, const char* name,
                                  std::uint64_t fallback, std::uint64_t maximum) {
  if (!text || text->empty())
    return fallback;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value > maximum) {
    return make_error(error_code::invalid_request, std::string("query parameter \"") + name +
                                                       "\" must be an integer from 0 to " +
                                                       std::to_string(maximum) + ", got \"" +
                                                       *text + "\"");
  }
  return value;
}

// Injected recipients, recipients by state (summed over campaigns) and the spool's size and
// commits with their duration histogram.
void write_spool_metrics(PrometheusText& out, const queue::SpoolStats& stats,
                         const std::vector<queue::CampaignInfo>& campaigns) {
  out.counter("volley_recipients_injected_total",
              "Recipients stored in the spool since start (incl. suppressed; not duplicates).",
              stats.recipients_injected);
  queue::CampaignCounts t;
  for (const auto& c : campaigns)
    t += c.counts;
  out.family("volley_recipients", MetricType::gauge, "Recipients in the spool by state.");
  const std::pair<const char*, std::uint64_t> states[] = {{"queued", t.queued},
                                                          {"in_flight", t.in_flight},
                                                          {"delivered", t.delivered},
                                                          {"deferred", t.deferred},
                                                          {"bounced_hard", t.bounced_hard},
                                                          {"bounced_soft", t.bounced_soft},
                                                          {"suppressed", t.suppressed},
                                                          {"expired", t.expired},
                                                          {"cancelled", t.cancelled}};
  for (const auto& [name, value] : states)
    out.sample(value, {{"state", name}});
  out.gauge("volley_spool_size_bytes", "Bytes of LMDB pages in use.",
            static_cast<double>(stats.used_bytes));
  out.gauge("volley_spool_map_size_bytes", "Current LMDB map size (grows up to spool.max_size).",
            static_cast<double>(stats.map_bytes));
  out.gauge("volley_spool_queued_requests", "Write requests waiting for the spool writer.",
            static_cast<double>(stats.queued_requests));
  out.counter("volley_spool_commits_total", "Write transactions committed (group commits).",
              stats.commits);
  out.counter("volley_spool_requests_committed_total", "Requests acknowledged after a commit.",
              stats.requests_committed);
  out.family("volley_spool_commit_duration_seconds", MetricType::histogram,
             "Duration of each spool commit, fsync included.");
  out.histogram(stats.commit_duration);
}

// The samples of volley_bounces_total for one source: every (kind, reason) seen so far.
void write_bounce_samples(PrometheusText& out, std::string_view source,
                          const BounceCounters& counters,
                          std::initializer_list<std::string_view> kinds = {"hard", "soft"}) {
  for (std::string_view kind : kinds) {
    const std::size_t k = BounceCounters::kind_index(kind);
    for (std::size_t r = 0; r < BounceCounters::kReasons.size(); ++r) {
      if (std::uint64_t n = counters.value(k, r); n > 0)
        out.sample(n,
                   {{"source", source}, {"kind", kind}, {"reason", BounceCounters::kReasons[r]}});
    }
  }
}

} // namespace

ControlResponse ControlApi::list_suppressions(const std::optional<std::string>& after,
                                              const std::optional<std::string>& limit) const {
  auto count = parse_count(limit, "limit", default_page, max_page);
  if (!count)
    return error_response(count.error());
  auto entries = spool_.suppressions(after.value_or(""), *count);
  boost::json::array records;
  for (const auto& e : entries)
    records.push_back(suppression_json(e));
  boost::json::value next = nullptr;
  if (*count > 0 && entries.size() == *count)
    next = entries.back().address;
  return json_response(200, boost::json::serialize(boost::json::object{
                                {"records", std::move(records)}, {"next", next}}));
}

ControlResponse ControlApi::list_bounces(const std::optional<std::string>& campaign,
                                         const std::optional<std::string>& after,
                                         const std::optional<std::string>& limit) const {
  auto count = parse_count(limit, "limit", default_page, max_page);
  if (!count)
    return error_response(count.error());
  auto cursor = parse_count(after, "after", 0, UINT64_MAX);
  if (!cursor)
    return error_response(cursor.error());
  auto records = spool_.bounces(campaign.value_or(""), *cursor, *count);
  boost::json::array out;
  for (const auto& r : records)
    out.push_back(bounce_json(r));
  boost::json::value next = nullptr;
  if (*count > 0 && records.size() == *count)
    next = records.back().seq;
  return json_response(200, boost::json::serialize(
                                boost::json::object{{"records", std::move(out)}, {"next", next}}));
}

ControlResponse ControlApi::health() const {
  auto stats = spool_.stats();
  boost::json::object spool{{"commits", stats.commits},
                            {"map_bytes", stats.map_bytes},
                            {"used_bytes", stats.used_bytes},
                            {"queued_requests", stats.queued_requests},
                            {"last_commit_us", stats.last_commit_us}};
  return json_response(200, boost::json::serialize(boost::json::object{
                                {"status", "ok"}, {"spool", std::move(spool)}}));
}

ControlResponse ControlApi::metrics() const {
  PrometheusText out;
  write_spool_metrics(out, spool_.stats(), spool_.campaigns());
  out.family("volley_bounces_total", MetricType::counter,
             "Bounces since start by source (sync = SMTP reply during delivery, dsn, arf), kind "
             "and reason category; expiries are counted as outcomes, not here.");
  if (delivery_)
    write_bounce_samples(out, "sync", delivery_->bounces);
  if (bounce_intake_) {
    write_bounce_samples(out, "dsn", bounce_intake_->counters(), {"hard", "soft"});
    write_bounce_samples(out, "arf", bounce_intake_->counters(), {"complaint"});
  }
  std::string body = out.take();
  body += delivery_metrics_text();
  if (events_)
    body += events_->prometheus_text();
  ControlResponse response;
  response.body = std::move(body);
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  return response;
}

} // namespace volley::engine
