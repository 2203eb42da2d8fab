// RecipientIngest: stores new recipients of a campaign in a write transaction: dedup (rcpt_dedup
// for seq <= dedup_indexed_through, the in-memory DedupTail above it, merged in hash order when
// large), suppression check, record, due entry. Must never store an address twice in a campaign,
// trust a hint without checking the stored record, or allocate per recipient in its loop.
#pragma once

#include <functional>

#include <lmdb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "queue/address_hash.hpp"
#include "queue/dedup_tail.hpp"
#include "queue/lmdb_env.hpp"
#include "queue/spool_codec.hpp"
#include "queue/spool_schema.hpp"
#include "queue/spool_types.hpp"

namespace volley::queue {

// The writer's tails, by campaign seq. Dropping one (or all) is always safe: it is reloaded. The
// least recently used are dropped beyond max_tails (one-recipient "message" campaigns pile up).
struct DedupTails {
  std::unordered_map<std::uint32_t, DedupTail> by_campaign;
  std::uint64_t tick = 0;
  std::size_t max_tails = 256;
};

struct DedupSettings {
  AddressHashFn hash = nullptr;            // nullptr = address_hash
  std::size_t min_merge_entries = 1 << 18; // merge the tail once it has this many entries (or
                                           // a quarter of the indexed ones, whichever is more)
  std::size_t merge_parts = 16;            // a merge is written in this many transactions ...
  std::size_t min_merge_part = 1 << 16;    // ... of at least this many entries each
};

class RecipientIngest {
public:
  RecipientIngest(MDB_txn* txn, const SpoolDbs& dbs, DedupTails& tails, DedupSettings settings);

  // Adds `recipients` (in order) to campaign `campaign_seq`; queued ones become due at `due_ms`.
  // Updates `counters` (next_rcpt_seq, dedup_indexed_through, queued, suppressed) in memory.
  AddRecipientsResult add(std::uint32_t campaign_seq, std::int64_t due_ms,
                          const std::vector<NewRecipient>& recipients, CampaignCounters& counters);

private:
  DedupTail& tail_for(std::uint32_t campaign_seq, const CampaignCounters& counters);
  void evict_least_used();
  void load_tail(std::uint32_t campaign_seq, std::uint64_t after_seq, DedupTail& tail);
  void for_each_hash_after(std::uint32_t campaign_seq, std::uint64_t after_seq,
                           const std::function<void(std::uint64_t, std::uint64_t)>& visit);
  bool is_duplicate(std::uint32_t campaign_seq, const DedupTail& tail, std::uint64_t hash,
                    std::string_view canonical);
  // Whether recipient seq is stored with this canonical address; nullopt if it is not stored.
  std::optional<bool> stored_as(std::uint32_t campaign_seq, std::uint64_t seq,
                                std::string_view canonical);
  void start_merge(std::uint32_t campaign_seq, DedupTail& tail, const CampaignCounters& counters);
  void merge_next_part(std::uint32_t campaign_seq, DedupTail& tail, CampaignCounters& counters);
  void rebuild_slot_filter(std::uint32_t campaign_seq, std::uint64_t indexed, DedupTail& tail);
  std::string_view canonical_of(const RecipientView& r);
  bool is_suppressed(std::string_view canonical) const;
  void store(std::uint32_t campaign_seq, std::uint64_t seq, const NewRecipient& r,
             std::string_view canonical, RecipientState state, std::int64_t due_ms);

  MDB_txn* txn_;
  const SpoolDbs& dbs_;
  DedupTails& tails_;
  DedupSettings settings_;
  bool any_suppressions_;
  LmdbCursor recipients_;
  LmdbCursor due_;
  bool recipients_append_ = true;
  bool due_append_ = true;
  std::uint64_t indexed_through_ = 0; // of the campaign being added to
  std::string value_;                 // reused encoding buffer
  std::string canonical_;             // reused when a canonical address must be computed
};

} // namespace volley::queue
