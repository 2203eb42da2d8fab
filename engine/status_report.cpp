// GET /v1/status's parts (see status_report.hpp). Never writes to the spool or the engine.
#include "engine/status_report.hpp"

#include <algorithm>
#include <tuple>

#include "engine/api_json.hpp"

namespace volley::engine {
namespace {

std::uint64_t pending(const queue::CampaignCounts& c) {
  return c.queued + c.in_flight + c.deferred;
}

boost::json::object campaign_row(const queue::CampaignInfo& info) {
  std::uint64_t total = info.counts.total();
  std::uint64_t done = total - pending(info.counts);
  return {{"id", info.id},
          {"state", queue::to_string(info.state)},
          {"created_at", format_rfc3339_ms(info.created_ms)},
          {"total", total},
          {"done", done},
          {"progress", total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total)},
          {"counts", counts_json(info.counts)}};
}

// /v1/queues' site entry, plus whether the site rests now (suspended_until_ms only then).
boost::json::object site_row(const SiteStatus& s, std::int64_t now_ms) {
  boost::json::object row = site_json(s);
  bool suspended = s.suspended_until_ms > now_ms;
  row["suspended"] = suspended;
  row["suspended_until_ms"] =
      suspended ? boost::json::value(s.suspended_until_ms) : boost::json::value(nullptr);
  return row;
}

} // namespace

boost::json::object status_campaigns_json(std::vector<queue::CampaignInfo> campaigns,
                                          std::size_t limit) {
  queue::CampaignCounts messages;
  std::uint64_t message_count = 0;
  std::erase_if(campaigns, [&](const queue::CampaignInfo& c) {
    if (c.kind != "message")
      return false;
    messages += c.counts;
    ++message_count;
    return true;
  });
  auto key = [](const queue::CampaignInfo& c) {
    // Work left first, then active before paused before cancelled, then the newest.
    return std::make_tuple(pending(c.counts) == 0, static_cast<int>(c.state), -c.created_ms);
  };
  std::size_t shown = std::min(limit, campaigns.size());
  std::partial_sort(campaigns.begin(), campaigns.begin() + static_cast<std::ptrdiff_t>(shown),
                    campaigns.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  boost::json::array rows;
  for (std::size_t i = 0; i < shown; ++i)
    rows.push_back(campaign_row(campaigns[i]));
  std::uint64_t total = messages.total();
  boost::json::object transactional{{"messages", message_count},
                                    {"total", total},
                                    {"done", total - pending(messages)},
                                    {"counts", counts_json(messages)}};
  return {{"total", campaigns.size()},
          {"shown", std::move(rows)},
          {"transactional", std::move(transactional)}};
}

boost::json::object status_sites_json(std::vector<SiteStatus> sites, std::int64_t now_ms,
                                      std::size_t limit) {
  std::size_t shown = std::min(limit, sites.size());
  std::partial_sort(sites.begin(), sites.begin() + static_cast<std::ptrdiff_t>(shown), sites.end(),
                    [](const SiteStatus& a, const SiteStatus& b) {
                      return std::tie(b.queued, b.connections, a.site) <
                             std::tie(a.queued, a.connections, b.site);
                    });
  boost::json::array rows;
  for (std::size_t i = 0; i < shown; ++i)
    rows.push_back(site_row(sites[i], now_ms));
  return {{"total", sites.size()}, {"shown", std::move(rows)}};
}

boost::json::object throughput_json(const ThroughputWindow& window) {
  boost::json::array delivered, deferred, bounced;
  for (const ThroughputCounts& b : window.buckets) {
    delivered.push_back(b.delivered);
    deferred.push_back(b.deferred);
    bounced.push_back(b.bounced);
  }
  return {{"bucket_seconds", window.bucket_ms / 1000},
          {"end_ms", window.end_ms},
          {"delivered", std::move(delivered)},
          {"deferred", std::move(deferred)},
          {"bounced", std::move(bounced)}};
}

std::vector<queue::BounceRecord> newest_bounces(const queue::Spool& spool, std::size_t limit) {
  if (limit == 0 || spool.bounces("", 0, 1).empty())
    return {};
  // Invariant: a record with seq > low exists, none with seq > high.
  std::uint64_t low = 0, high = UINT64_MAX;
  while (high - low > 1) {
    std::uint64_t middle = low + (high - low) / 2;
    if (spool.bounces("", middle, 1).empty())
      high = middle;
    else
      low = middle;
  }
  // high is the newest seq. Sequence numbers may have gaps: read a few times the limit before it.
  std::uint64_t span = static_cast<std::uint64_t>(limit) * 4;
  std::uint64_t from = high > span ? high - span : 0;
  auto records = spool.bounces("", from, limit * 4);
  if (records.size() > limit)
    records.erase(records.begin(), records.end() - static_cast<std::ptrdiff_t>(limit));
  std::reverse(records.begin(), records.end());
  return records;
}

} // namespace volley::engine
