// JSON renderings of campaigns, counts, uploads, suppressions and bounce records (API.md names).
// Never renames a field that API.md defines; additions only.
#include "engine/api_json.hpp"

#include <ctime>

namespace volley::engine {

std::string format_rfc3339_ms(std::int64_t unix_ms) {
  std::int64_t millis = ((unix_ms % 1000) + 1000) % 1000; // floor, also before 1970
  std::time_t seconds = static_cast<std::time_t>((unix_ms - millis) / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

boost::json::object counts_json(const queue::CampaignCounts& c) {
  return {{"queued", c.queued},
          {"in_flight", c.in_flight},
          {"delivered", c.delivered},
          {"deferred", c.deferred},
          {"bounced_hard", c.bounced_hard},
          {"bounced_soft", c.bounced_soft},
          {"suppressed", c.suppressed},
          {"expired", c.expired},
          {"cancelled", c.cancelled}};
}

boost::json::object campaign_json(const queue::CampaignInfo& info) {
  boost::json::object tags;
  for (const auto& [key, value] : info.tags)
    tags[key] = value;
  boost::json::object out{{"id", info.id},
                          {"kind", info.kind},
                          {"state", queue::to_string(info.state)},
                          {"from", info.from},
                          {"created_at", format_rfc3339_ms(info.created_ms)},
                          {"message_bytes", info.message_bytes},
                          {"total", info.counts.total()},
                          {"counts", counts_json(info.counts)},
                          {"tags", std::move(tags)}};
  if (info.not_before_ms > 0)
    out["not_before"] = format_rfc3339_ms(info.not_before_ms);
  out["expires_after_seconds"] = info.expires_after_s;
  if (!info.unsubscribe_url.empty())
    out["unsubscribe_url"] = info.unsubscribe_url;
  return out;
}

boost::json::array rejections_json(const std::vector<protocol::RecipientRejection>& rejected) {
  boost::json::array out;
  out.reserve(rejected.size());
  for (const auto& r : rejected) {
    out.push_back(boost::json::object{{"index", r.index}, {"to", r.to}, {"error", r.error}});
  }
  return out;
}

boost::json::object upload_summary_json(const UploadSummary& s) {
  return {{"accepted", s.accepted},
          {"duplicates", s.duplicates},
          {"suppressed", s.suppressed},
          {"rejected_count", s.rejected_count},
          {"rejected", rejections_json(s.rejected)}};
}

boost::json::object suppression_json(const queue::SuppressionEntry& e) {
  return {{"address", e.address},
          {"reason", e.reason},
          {"source", e.source},
          {"at", format_rfc3339_ms(e.at_ms)}};
}

boost::json::object bounce_json(const queue::BounceRecord& b) {
  return {{"seq", b.seq},
          {"campaign", b.campaign},
          {"recipient", b.recipient},
          {"recipient_id", b.recipient_id},
          {"kind", b.kind},
          {"status", b.status},
          {"smtp_code", b.smtp_code},
          {"reason", b.reason},
          {"diagnostic", b.diagnostic},
          {"remote_mta", b.remote_mta},
          {"source", b.source},
          {"at", format_rfc3339_ms(b.at_ms)}};
}

boost::json::object site_json(const SiteStatus& s) {
  boost::json::array domains;
  for (const auto& d : s.domains)
    domains.emplace_back(d);
  boost::json::object o{{"site", s.site},
                        {"tls", s.tls},
                        {"queued", s.queued},
                        {"connections", s.connections},
                        {"idle_connections", s.idle_connections},
                        {"delivered", s.delivered},
                        {"deferred", s.deferred},
                        {"bounced", s.bounced},
                        {"domains", std::move(domains)}};
  o["suspended_until_ms"] = s.suspended_until_ms > 0 ? boost::json::value(s.suspended_until_ms)
                                                     : boost::json::value(nullptr);
  o["last_error"] =
      s.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(s.last_error);
  auto text_or_null = [](const std::string& text) {
    return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
  };
  o["group"] = text_or_null(s.group);
  o["rate"] = text_or_null(s.rate); // null = no rate limit
  o["rate_factor"] = s.rate_factor; // < 1 while a slow_down rule is in force
  o["throttle"] = text_or_null(s.throttle);
  return o;
}

} // namespace volley::engine
