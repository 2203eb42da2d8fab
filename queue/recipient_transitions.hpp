// RecipientTransitions: state changes of stored recipients in a write transaction (claim, outcomes,
// cancel, restart recovery), keeping the due/in_flight indexes and campaign counters in step.
// Must never leave a queued/deferred recipient without exactly one due entry, nor give a due entry
// to any other state.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "queue/spool_codec.hpp"
#include "queue/spool_schema.hpp"
#include "queue/spool_types.hpp"

namespace volley::queue {

// When soft bounces of one address make it a hard bounce.
struct SoftBounceLimit {
  std::uint32_t count = 0; // 0 = soft bounces never become hard
  std::int64_t window_ms = 0;
};

class RecipientTransitions {
public:
  RecipientTransitions(MDB_txn* txn, const SpoolDbs& dbs, SoftBounceLimit soft = {})
      : txn_(txn), dbs_(dbs), soft_(soft) {}

  // Moves up to `max` due (<= now_ms) recipients of active campaigns to in_flight, oldest first.
  std::vector<ClaimedRecipient> claim_due(std::int64_t now_ms, std::size_t max);
  // Applies outcomes of in_flight recipients; others are skipped. Stores bounce records.
  void record_outcomes(const std::vector<DeliveryOutcome>& outcomes, std::int64_t now_ms);
  // A bounce reported after delivery (see Spool::record_reported_bounces); returns the stored
  // record. Call flush_counters() after the last one.
  BounceRecord record_reported(const ReportedBounce& bounce, std::int64_t now_ms);
  // Moves every queued/deferred recipient of the campaign to cancelled (in_flight ones stay).
  void cancel_waiting(std::uint32_t campaign_seq, CampaignCounters& counters);
  // Returns every in_flight recipient to queued, due at now_ms (cancelled if its campaign is).
  std::uint64_t recover_in_flight(std::int64_t now_ms);
  // Writes the counters of every campaign touched; call once at the end of the request.
  void flush_counters();

private:
  struct CampaignSlot {
    CampaignInfo info;
    CampaignCounters counters;
    bool dirty = false;
  };
  CampaignSlot& campaign(std::uint32_t seq);
  // Reads the recipient into value_ and decodes it; false if absent.
  bool load(const RecipientKey& key, RecipientView& view);
  void move_count(CampaignSlot& slot, RecipientState from, RecipientState to);
  // A hard bounce suppresses the address; a soft one counts, and enough of them suppress it too.
  void note_bounce_for_address(const std::string& address_key, bool suppress,
                               const BounceRecord& record, std::int64_t now_ms);
  // Assigns the next bounce seq (and the time, if unset) and appends the record.
  BounceRecord append_bounce(BounceRecord bounce, std::int64_t now_ms);
  BounceRecord store_bounce(BounceRecord bounce, const CampaignSlot& slot,
                            const RecipientView& view, std::int64_t now_ms);

  MDB_txn* txn_;
  const SpoolDbs& dbs_;
  SoftBounceLimit soft_;
  std::unordered_map<std::uint32_t, CampaignSlot> campaigns_;
  std::string value_;
};

} // namespace volley::queue
