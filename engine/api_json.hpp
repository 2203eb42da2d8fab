// Renders spool values and the delivery engine's site snapshot as the control API's JSON (field
// names fixed by shared API.md). Never reads the spool or the engine itself; pure value -> JSON.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/delivery_metrics.hpp"
#include "engine/recipient_upload.hpp"
#include "queue/spool_types.hpp"

namespace volley::engine {

std::string format_rfc3339_ms(std::int64_t unix_ms);
boost::json::object campaign_json(const queue::CampaignInfo& info);
boost::json::object counts_json(const queue::CampaignCounts& counts);
boost::json::array rejections_json(const std::vector<protocol::RecipientRejection>& rejected);
boost::json::object upload_summary_json(const UploadSummary& summary);
boost::json::object suppression_json(const queue::SuppressionEntry& entry);
boost::json::object bounce_json(const queue::BounceRecord& record);
// One destination site of GET /v1/queues (also the base of the status page's site rows).
boost::json::object site_json(const SiteStatus& status);

} // namespace volley::engine
