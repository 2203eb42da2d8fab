// Read-only control API answers: suppression and bounce listings with cursors, health, metrics.
// Never writes to the spool; every answer comes from one consistent read snapshot per call.
#include <charconv>
#include <sstream>

#include "engine/api_json.hpp"
#include "engine/control_api.hpp"

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
  auto stats = spool_.stats();
  queue::CampaignCounts totals;
  for (const auto& c : spool_.campaigns()) {
    totals.queued += c.counts.queued;
    totals.in_flight += c.counts.in_flight;
    totals.delivered += c.counts.delivered;
    totals.deferred += c.counts.deferred;
    totals.bounced_hard += c.counts.bounced_hard;
    totals.bounced_soft += c.counts.bounced_soft;
    totals.suppressed += c.counts.suppressed;
    totals.expired += c.counts.expired;
    totals.cancelled += c.counts.cancelled;
  }
  std::ostringstream out;
  out << "# HELP volley_spool_commits_total Write transactions committed (group commits).\n"
      << "# TYPE volley_spool_commits_total counter\n"
      << "volley_spool_commits_total " << stats.commits << "\n"
      << "# HELP volley_spool_requests_committed_total Requests acknowledged after a commit.\n"
      << "# TYPE volley_spool_requests_committed_total counter\n"
      << "volley_spool_requests_committed_total " << stats.requests_committed << "\n"
      << "# HELP volley_spool_map_bytes Current LMDB map size.\n"
      << "# TYPE volley_spool_map_bytes gauge\n"
      << "volley_spool_map_bytes " << stats.map_bytes << "\n"
      << "# HELP volley_spool_used_bytes Bytes of LMDB pages in use.\n"
      << "# TYPE volley_spool_used_bytes gauge\n"
      << "volley_spool_used_bytes " << stats.used_bytes << "\n"
      << "# HELP volley_spool_last_commit_seconds Duration of the last commit incl. fsync.\n"
      << "# TYPE volley_spool_last_commit_seconds gauge\n"
      << "volley_spool_last_commit_seconds " << static_cast<double>(stats.last_commit_us) / 1e6
      << "\n"
      << "# HELP volley_recipients Recipients in the spool by state.\n"
      << "# TYPE volley_recipients gauge\n";
  const std::pair<const char*, std::uint64_t> states[] = {{"queued", totals.queued},
                                                          {"in_flight", totals.in_flight},
                                                          {"delivered", totals.delivered},
                                                          {"deferred", totals.deferred},
                                                          {"bounced_hard", totals.bounced_hard},
                                                          {"bounced_soft", totals.bounced_soft},
                                                          {"suppressed", totals.suppressed},
                                                          {"expired", totals.expired},
                                                          {"cancelled", totals.cancelled}};
  for (const auto& [name, value] : states) {
    out << "volley_recipients{state=\"" << name << "\"} " << value << "\n";
  }
  out << delivery_metrics_text();
  if (events_)
    out << events_->prometheus_text();
  return ControlResponse{200, out.str(), "text/plain; version=0.0.4"};
}

} // namespace volley::engine
