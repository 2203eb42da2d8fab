// The JSON of GET /v1/status, the one document the status page polls: campaigns with progress,
// the busiest destination sites, the newest bounces and the last hour's throughput. Pure value ->
// JSON, except newest_bounces(), which only reads the spool. Every list is bounded (limits below):
// the answer stays small however many campaigns, sites or bounces there are. Must never write.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/delivery_metrics.hpp"
#include "engine/throughput_history.hpp"
#include "queue/spool.hpp"

namespace volley::engine {

struct StatusReportLimits {
  std::size_t campaigns = 50;
  std::size_t sites = 20;
  std::size_t bounces = 20;
};

// {"total": n, "shown": [campaign…], "transactional": {"messages", "counts", "total", "done"}}:
// the campaigns (kind "campaign") that still have work first, then the newest; each with its
// counts, total, done (= no longer queued, in flight or deferred) and progress (done / total).
// Transactional messages (kind "message") are summed into one entry.
boost::json::object status_campaigns_json(std::vector<queue::CampaignInfo> campaigns,
                                          std::size_t limit);

// {"total": n, "shown": [site…]}: the sites with the most queued jobs (then connections) first.
boost::json::object status_sites_json(std::vector<SiteStatus> sites, std::int64_t now_ms,
                                      std::size_t limit);

// {"bucket_seconds", "end_ms", "delivered": [n…], "deferred": [n…], "bounced": [n…]}, oldest first.
boost::json::object throughput_json(const ThroughputWindow& window);

// The `limit` bounce records with the highest sequence numbers, newest first. Finds the newest by
// bisecting on the cursor (about 64 one-record reads), so it never scans the bounce table.
std::vector<queue::BounceRecord> newest_bounces(const queue::Spool& spool, std::size_t limit);

} // namespace volley::engine
