// LmdbSpool: the Spool implementation. Each write becomes a WriteRequest applied inside the
// writer's nested transaction; reads use their own read transactions. Must never write off the
// writer thread, nor keep state outside LMDB that an aborted request could leave wrong (the only
// such state, the dedup tails, holds verified hints and is dropped when a commit fails).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "queue/address_hash.hpp"
#include "queue/lmdb_env.hpp"
#include "queue/recipient_ingest.hpp"
#include "queue/spool.hpp"
#include "queue/spool_schema.hpp"
#include "queue/spool_writer.hpp"

namespace volley::queue {

// Test-only knobs; production code passes the defaults.
struct SpoolTestHooks {
  AddressHashFn address_hash = nullptr;    // nullptr = address_hash
  std::size_t dedup_min_merge_entries = 0; // 0 = DedupSettings default
  std::size_t dedup_max_tails = 0;         // 0 = DedupTails default
  std::size_t dedup_min_merge_part = 0;    // 0 = DedupSettings default
};

class LmdbSpool final : public Spool {
public:
  // Throws std::runtime_error (see Spool::open).
  explicit LmdbSpool(const SpoolOptions& options, SpoolTestHooks hooks = {});
  ~LmdbSpool() override;

  void stop() override;
  void create_campaign(NewCampaign campaign, std::vector<NewRecipient> recipients,
                       SpoolCallback<CampaignCreated> done) override;
  void add_recipients(std::string campaign_id, std::vector<NewRecipient> recipients,
                      SpoolCallback<AddRecipientsResult> done) override;
  void set_campaign_state(std::string campaign_id, CampaignAction action,
                          SpoolCallback<CampaignState> done) override;
  void put_suppression(SuppressionEntry entry, SpoolCallback<Unit> done) override;
  void delete_suppression(std::string canonical, SpoolCallback<bool> done) override;
  void claim_due(std::int64_t now_ms, std::size_t max,
                 SpoolCallback<std::vector<ClaimedRecipient>> done) override;
  void record_outcomes(std::vector<DeliveryOutcome> outcomes, SpoolCallback<Unit> done) override;
  void record_reported_bounces(std::vector<ReportedBounce> bounces,
                               SpoolCallback<std::vector<BounceRecord>> done) override;

  std::optional<CampaignInfo> campaign(std::string_view id) const override;
  std::vector<CampaignInfo> campaigns() const override;
  std::optional<std::string> campaign_message(std::string_view id) const override;
  std::optional<StoredRecipient> recipient(std::uint32_t campaign_seq,
                                           std::uint64_t seq) const override;
  // Holds one read snapshot for the whole walk: `visit` must not wait for a spool write (the writer
  // may need the snapshot gone to grow the map).
  void for_each_recipient(std::string_view campaign_id,
                          const std::function<bool(const StoredRecipient&)>& visit) const override;
  std::optional<SuppressionEntry> suppression(std::string_view canonical) const override;
  std::vector<SuppressionEntry> suppressions(std::string_view after,
                                             std::size_t limit) const override;
  std::vector<BounceRecord> bounces(std::string_view campaign, std::uint64_t after,
                                    std::size_t limit) const override;
  SpoolStats stats() const override;

  // Full-scan consistency check (see spool_audit.hpp); empty = consistent.
  std::vector<std::string> audit() const;
  // How many in_flight recipients open() returned to the queue.
  std::uint64_t recovered_at_open() const { return recovered_; }

private:
  template <class T, class Fn> void submit(std::size_t weight, Fn fn, SpoolCallback<T> done);
  std::uint64_t recover();
  SpoolWriterOptions writer_options();

  SpoolOptions options_;
  LmdbEnv env_;
  SpoolDbs dbs_;
  std::uint64_t recovered_ = 0;
  std::atomic<std::uint64_t> recipients_injected_{0}; // SpoolStats::recipients_injected
  DedupSettings dedup_;
  DedupTails tails_; // writer thread only
  SpoolWriter writer_;
};

} // namespace volley::queue
