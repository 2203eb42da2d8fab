// ControlApi: the control API router (shared API.md v1). Turns a request (method, target, body)
// into spool operations and a JSON response; recipient uploads are recognised here and streamed by
// the session. Must never answer 2xx for a write before the spool committed it, nor block on disk
// (spool reads are LMDB read transactions: memory-mapped, no fsync).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/campaign_merge_fields.hpp"
#include "engine/delivery_metrics.hpp"
#include "engine/event_metrics.hpp"
#include "engine/recipient_upload.hpp"
#include "engine/status_access.hpp"
#include "engine/throughput_history.hpp"
#include "protocol/api_requests.hpp"
#include "protocol/request_target.hpp"
#include "queue/spool.hpp"

namespace volley::engine {

class BounceIntake;

struct ControlApiOptions {
  protocol::DecodeLimits limits;
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t upload_batch = 4096;
};

struct ControlResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers{}; // more fields: Set-Cookie, CSP...
};

// What the session knows about a request besides method, target and body.
struct ControlRequestContext {
  ControlAccess access = ControlAccess::full; // decided by the session (status_access.hpp)
  std::string if_none_match;                  // for the status page's assets
};

using Respond = std::function<void(ControlResponse)>;

class ControlApi {
public:
  ControlApi(queue::Spool& spool, ControlApiOptions options);

  // A request whose body has been read whole. respond is called exactly once, on any thread. The
  // session has already checked that context.access permits the request.
  void handle(std::string_view method, std::string_view target, std::string body, Respond respond,
              const ControlRequestContext& context = {});

  // For POST /v1/campaigns/{id}/recipients: the campaign id if the upload may start, or the error
  // to answer (404 unknown campaign, 409 cancelled). nullopt when the request is not an upload.
  std::optional<Result<std::string>> match_upload(std::string_view method,
                                                  std::string_view target) const;

  // Options for an upload to campaign_id, with the merge fields its recipients' vars must hold.
  RecipientUploadOptions upload_options(const std::string& campaign_id);
  // The delivery engine's counters and site snapshot (GET /v1/queues, /metrics); null = not
  // running.
  void set_delivery_metrics(const DeliveryMetrics* metrics) { delivery_ = metrics; }
  // Event log and webhook counters for /metrics; null = no event log.
  void set_event_metrics(const EventMetrics* metrics) { events_ = metrics; }
  // POST /v1/bounces/raw: a bounce, complaint or unsubscribe message a CRM collected.
  void set_bounce_intake(BounceIntake* intake) { bounce_intake_ = intake; }
  // POST /v1/policy/reload: the summary of the new policy, or why the old one stays.
  void set_policy_reload(std::function<Result<std::string>()> reload) {
    reload_policy_ = std::move(reload);
  }
  // The control token, for the status page's login form (POST /login); "" = no login needed.
  void set_login_token(std::string token) { login_token_ = std::move(token); }
  // Adds the delivery counters' increase since the last call to the status page's one-hour
  // throughput history (called by the control server's timer and on each GET /v1/status).
  void sample_throughput(std::int64_t now_ms);
  queue::Spool& spool() { return spool_; }

  static ControlResponse error_response(const Error& error);
  static ControlResponse json_response(unsigned status, const std::string& json);

private:
  void create_campaign(std::string body, Respond respond);
  void receive_raw_bounce(std::string body, Respond respond);
  void send_message(std::string body, Respond respond);
  void change_campaign_state(const std::string& id, const std::string& action, Respond respond);
  void put_suppression(const std::string& address, std::string body, Respond respond);
  void delete_suppression(const std::string& address, Respond respond);
  ControlResponse list_suppressions(const std::optional<std::string>& after,
                                    const std::optional<std::string>& limit) const;
  ControlResponse list_bounces(const std::optional<std::string>& campaign,
                               const std::optional<std::string>& after,
                               const std::optional<std::string>& limit) const;
  ControlResponse health() const;
  ControlResponse metrics() const;
  ControlResponse queues() const;
  std::string delivery_metrics_text() const;
  // The status page (control_api_status.cpp).
  ControlResponse status_page(const protocol::RequestTarget& target,
                              const ControlRequestContext& context) const;
  ControlResponse status_asset_response(const std::string& name,
                                        const ControlRequestContext& context) const;
  ControlResponse login(const protocol::RequestTarget& target, const std::string& body) const;
  ControlResponse logout() const;
  ControlResponse status();

  queue::Spool& spool_;
  ControlApiOptions options_;
  const DeliveryMetrics* delivery_ = nullptr;
  const EventMetrics* events_ = nullptr;
  std::function<Result<std::string>()> reload_policy_;
  BounceIntake* bounce_intake_ = nullptr;
  CampaignMergeFields merge_fields_;
  std::string login_token_;
  ThroughputHistory throughput_;
  std::int64_t started_ms_ = 0;
};

} // namespace volley::engine
