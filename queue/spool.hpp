// Spool: the durable LMDB store of campaigns, bodies, recipients, the due-time index, counters,
// suppressions and bounce records. Writes go through ONE writer thread that batches queued requests
// into one write transaction (group commit), commits with fsync, and only then calls each request's
// callback. A request is all-or-nothing: it is applied in a nested transaction, so one failing
// request (map full, unknown campaign) never half-writes and never fails its neighbours. The map
// grows by itself up to SpoolOptions::max_map_bytes. Reads may happen on any thread (LMDB read
// transactions). Must never: acknowledge before the commit returned, call a callback while holding
// a lock, block a caller thread on disk I/O (except the *_sync test helpers and reads).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"
#include "queue/spool_types.hpp"

namespace volley::queue {

struct SpoolOptions {
  std::filesystem::path dir;                     // created if missing (data.mdb, lock.mdb)
  std::uint64_t initial_map_bytes = 64ull << 20; // first map size; grows by doubling
  std::uint64_t max_map_bytes = 1ull << 40;      // beyond this: spool_full (HTTP 507)
  std::size_t max_requests_per_commit = 4096;    // group commit batch bound
  std::size_t max_queued_requests = 65536;       // beyond this: unavailable (HTTP 503)
  bool durable = true;                           // false = MDB_NOSYNC (benchmarks only)
  std::int64_t default_expires_after_s = 72 * 3600;
  // Soft bounces of one address (mailbox full, expired, ...) within soft_bounce_window_s that make
  // it a hard bounce (suppressed, reason "repeated soft bounces"); 0 = never.
  std::uint32_t soft_bounce_limit = 5;
  std::int64_t soft_bounce_window_s = 30 * 86400;
};

template <class T> using SpoolCallback = std::function<void(Result<T>)>;

class Spool {
public:
  // Opens or creates the spool; checks/writes the schema header; returns in_flight recipients to
  // queued (due now). Throws std::runtime_error with a clear message on failure (permissions, newer
  // schema than this binary, corrupt file).
  static std::unique_ptr<Spool> open(const SpoolOptions& options);
  virtual ~Spool() = default;

  // Drains queued requests, commits them, stops the writer. Later requests fail with unavailable.
  virtual void stop() = 0;

  // ---- writes (asynchronous; callback runs on the writer thread after commit or on failure) ----
  // Errors: conflict (id exists), spool_full, disk_full, unavailable, internal.
  virtual void create_campaign(NewCampaign campaign, std::vector<NewRecipient> recipients,
                               SpoolCallback<CampaignCreated> done) = 0;
  // Errors: not_found, conflict (campaign cancelled), spool_full, disk_full, unavailable.
  virtual void add_recipients(std::string campaign_id, std::vector<NewRecipient> recipients,
                              SpoolCallback<AddRecipientsResult> done) = 0;
  // pause/resume/cancel. Cancel moves every queued/deferred recipient to cancelled. Errors:
  // not_found, conflict (resume of a cancelled campaign).
  virtual void set_campaign_state(std::string campaign_id, CampaignAction action,
                                  SpoolCallback<CampaignState> done) = 0;
  virtual void put_suppression(SuppressionEntry entry, SpoolCallback<Unit> done) = 0;
  // Result: true if it existed.
  virtual void delete_suppression(std::string canonical, SpoolCallback<bool> done) = 0;

  // Delivery side: moves up to max due (next_attempt <= now) queued/deferred recipients of active
  // campaigns to in_flight and returns them, oldest due first.
  virtual void claim_due(std::int64_t now_ms, std::size_t max,
                         SpoolCallback<std::vector<ClaimedRecipient>> done) = 0;
  // Applies outcomes of in_flight recipients (delivered / deferred with next attempt / bounced /
  // expired), updates counters, stores bounce records. Unknown or not-in-flight ids are skipped.
  virtual void record_outcomes(std::vector<DeliveryOutcome> outcomes, SpoolCallback<Unit> done) = 0;
  // Bounces reported after delivery (DSN, ARF): stores each record, suppresses or counts the
  // address, and moves a delivered recipient to bounced_hard / bounced_soft (a complaint leaves
  // it delivered). Result: the stored records (seq filled in).
  virtual void record_reported_bounces(std::vector<ReportedBounce> bounces,
                                       SpoolCallback<std::vector<BounceRecord>> done) = 0;

  // ---- reads (any thread, consistent snapshot) ----
  virtual std::optional<CampaignInfo> campaign(std::string_view id) const = 0;
  virtual std::vector<CampaignInfo> campaigns() const = 0;
  virtual std::optional<std::string> campaign_message(std::string_view id) const = 0;
  virtual std::optional<StoredRecipient> recipient(std::uint32_t campaign_seq,
                                                   std::uint64_t seq) const = 0;
  // Calls visit for each recipient of the campaign in arrival order; stops when visit returns
  // false.
  virtual void
  for_each_recipient(std::string_view campaign_id,
                     const std::function<bool(const StoredRecipient&)>& visit) const = 0;
  virtual std::optional<SuppressionEntry> suppression(std::string_view canonical) const = 0;
  // Sorted by address; entries strictly after `after`.
  virtual std::vector<SuppressionEntry> suppressions(std::string_view after,
                                                     std::size_t limit) const = 0;
  // Records with seq > after; campaign filter "" = all.
  virtual std::vector<BounceRecord> bounces(std::string_view campaign, std::uint64_t after,
                                            std::size_t limit) const = 0;
  virtual SpoolStats stats() const = 0;
};

// Blocking helpers for tests, tools and start-up code (never call on an io_context thread).
Result<CampaignCreated> create_campaign_sync(Spool& spool, NewCampaign campaign,
                                             std::vector<NewRecipient> recipients);
Result<AddRecipientsResult> add_recipients_sync(Spool& spool, std::string campaign_id,
                                                std::vector<NewRecipient> recipients);
Result<CampaignState> set_campaign_state_sync(Spool& spool, std::string campaign_id,
                                              CampaignAction action);
Result<std::vector<ClaimedRecipient>> claim_due_sync(Spool& spool, std::int64_t now_ms,
                                                     std::size_t max);
Result<Unit> record_outcomes_sync(Spool& spool, std::vector<DeliveryOutcome> outcomes);
Result<std::vector<BounceRecord>> record_reported_bounces_sync(Spool& spool,
                                                               std::vector<ReportedBounce> bounces);
Result<Unit> put_suppression_sync(Spool& spool, SuppressionEntry entry);
Result<bool> delete_suppression_sync(Spool& spool, std::string canonical);

} // namespace volley::queue
