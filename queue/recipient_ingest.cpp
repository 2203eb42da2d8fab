// Recipient ingest (see recipient_ingest.hpp). Must never trust a hash: a matching tail hint or
// rcpt_dedup slot is a duplicate only if the stored recipient's canonical address is equal.
#include "queue/recipient_ingest.hpp"

#include <functional>

#include <algorithm>

namespace volley::queue {

RecipientIngest::RecipientIngest(MDB_txn* txn, const SpoolDbs& dbs, DedupTails& tails,
                                 DedupSettings settings)
    : txn_(txn), dbs_(dbs), tails_(tails), settings_(settings),
      any_suppressions_(lmdb_entries(txn, dbs.suppressions) > 0), recipients_(txn, dbs.recipients),
      due_(txn, dbs.due) {
  if (settings_.hash == nullptr)
    settings_.hash = &address_hash;
  value_.reserve(512);
}

AddRecipientsResult RecipientIngest::add(std::uint32_t campaign_seq, std::int64_t due_ms,
                                         const std::vector<NewRecipient>& recipients,
                                         CampaignCounters& counters) {
  AddRecipientsResult result;
  DedupTail& tail = tail_for(campaign_seq, counters);
  indexed_through_ = counters.dedup_indexed_through;
  for (const NewRecipient& r : recipients) {
    std::string_view canonical = r.canonical;
    if (canonical.empty()) {
      ascii_lower_into(r.address, canonical_);
      canonical = canonical_;
    }
    std::uint64_t hash = settings_.hash(canonical);
    if (is_duplicate(campaign_seq, tail, hash, canonical)) {
      ++result.duplicates;
      continue;
    }
    std::uint64_t seq = counters.next_rcpt_seq++;
    tail.insert(hash, seq);
    ++result.accepted;
    if (any_suppressions_ && is_suppressed(canonical)) {
      ++result.suppressed;
      ++counters.counts.suppressed;
      store(campaign_seq, seq, r, canonical, RecipientState::suppressed, 0);
    } else {
      ++counters.counts.queued;
      store(campaign_seq, seq, r, canonical, RecipientState::queued, due_ms);
    }
  }
  if (!tail.merge && tail.size() >= std::max<std::uint64_t>(settings_.min_merge_entries,
                                                            counters.dedup_indexed_through / 4)) {
    start_merge(campaign_seq, tail, counters);
  }
  if (tail.merge)
    merge_next_part(campaign_seq, tail, counters);
  return result;
}

// The campaign's tail, loaded on first use and trimmed to what this transaction sees as indexed.
DedupTail& RecipientIngest::tail_for(std::uint32_t campaign_seq, const CampaignCounters& counters) {
  auto& tails = tails_.by_campaign;
  auto it = tails.find(campaign_seq);
  if (it != tails.end() && it->second.trimmed_through > counters.dedup_indexed_through) {
    tails.erase(it); // trimmed against a merge that did not commit: rebuild
    it = tails.end();
  }
  if (it == tails.end()) {
    if (tails.size() >= tails_.max_tails)
      evict_least_used();
    it = tails.emplace(campaign_seq, DedupTail{}).first;
    load_tail(campaign_seq, counters.dedup_indexed_through, it->second);
    if (counters.dedup_indexed_through > 0) {
      rebuild_slot_filter(campaign_seq, counters.dedup_indexed_through, it->second);
    }
    it->second.trimmed_through = counters.dedup_indexed_through;
  } else if (it->second.trimmed_through != counters.dedup_indexed_through) {
    it->second.trim_through(counters.dedup_indexed_through);
  }
  it->second.last_used = ++tails_.tick;
  return it->second;
}

// Drops the less recently used half of the tails.
void RecipientIngest::evict_least_used() {
  auto& tails = tails_.by_campaign;
  std::vector<std::uint64_t> ticks;
  ticks.reserve(tails.size());
  for (const auto& [seq, tail] : tails)
    ticks.push_back(tail.last_used);
  auto middle = ticks.begin() + static_cast<std::ptrdiff_t>(ticks.size() / 2);
  std::nth_element(ticks.begin(), middle, ticks.end());
  std::erase_if(tails, [cut = *middle](const auto& entry) { return entry.second.last_used < cut; });
}

// Rebuilds a tail from the stored recipients with seq > after_seq (sequential read).
void RecipientIngest::load_tail(std::uint32_t campaign_seq, std::uint64_t after_seq,
                                DedupTail& tail) {
  for_each_hash_after(campaign_seq, after_seq,
                      [&](std::uint64_t hash, std::uint64_t seq) { tail.insert(hash, seq); });
}

// Calls visit(address hash, seq) for each stored recipient of the campaign with seq > after_seq,
// in seq order (one sequential cursor walk).
void RecipientIngest::for_each_hash_after(
    std::uint32_t campaign_seq, std::uint64_t after_seq,
    const std::function<void(std::uint64_t, std::uint64_t)>& visit) {
  LmdbCursor cursor(txn_, dbs_.recipients);
  for (bool more = cursor.seek(recipient_key(campaign_seq, after_seq + 1).view()); more;
       more = cursor.next()) {
    std::uint32_t cseq = 0;
    std::uint64_t seq = 0;
    RecipientView r;
    if (!parse_recipient_key(cursor.key(), cseq, seq) || cseq != campaign_seq)
      break;
    if (!decode_recipient(cursor.value(), r))
      throw LmdbFailure(MDB_CORRUPTED, "recipient record");
    visit(settings_.hash(canonical_of(r)), seq);
  }
}

bool RecipientIngest::is_duplicate(std::uint32_t campaign_seq, const DedupTail& tail,
                                   std::uint64_t hash, std::string_view canonical) {
  if (tail.any_of(hash, [&](std::uint64_t seq) {
        return stored_as(campaign_seq, seq, canonical).value_or(false); // absent = stale hint
      })) {
    return true;
  }
  // An empty first slot ends the probe chain: the filter says so without a B-tree lookup.
  if (indexed_through_ == 0 || !tail.indexed_slots.may_contain(hash))
    return false;
  for (std::uint64_t slot = hash;; ++slot) { // the durable index: probe until an empty slot
    std::string_view existing;
    if (!lmdb_get(txn_, dbs_.rcpt_dedup, dedup_key(campaign_seq, slot).view(), existing)) {
      return false;
    }
    std::uint64_t seq = 0;
    std::optional<bool> same;
    if (parse_seq(existing, seq))
      same = stored_as(campaign_seq, seq, canonical);
    if (!same) {
      throw LmdbFailure(MDB_CORRUPTED, "rcpt_dedup entry of campaign " +
                                           std::to_string(campaign_seq) + " points nowhere");
    }
    if (*same)
      return true;
    // A real 64-bit collision with another address: probe the next slot.
  }
}

std::optional<bool> RecipientIngest::stored_as(std::uint32_t campaign_seq, std::uint64_t seq,
                                               std::string_view canonical) {
  std::string_view stored;
  RecipientView view;
  if (!lmdb_get(txn_, dbs_.recipients, recipient_key(campaign_seq, seq).view(), stored)) {
    return std::nullopt;
  }
  if (!decode_recipient(stored, view))
    throw LmdbFailure(MDB_CORRUPTED, "recipient record");
  return same_canonical(view, canonical);
}

// Collects (hash, seq) of every recipient not yet indexed, read from the stored recipients
// themselves (so stale tail hints never reach the durable index), sorted by hash: the merge's
// parts then cover disjoint key ranges of rcpt_dedup.
void RecipientIngest::start_merge(std::uint32_t campaign_seq, DedupTail& tail,
                                  const CampaignCounters& counters) {
  DedupTail::Merge merge;
  merge.entries.reserve(counters.next_rcpt_seq - 1 - counters.dedup_indexed_through);
  for_each_hash_after(campaign_seq, counters.dedup_indexed_through,
                      [&](std::uint64_t hash, std::uint64_t seq) {
                        merge.entries.push_back({hash, seq});
                      });
  std::sort(merge.entries.begin(), merge.entries.end(), [](const auto& a, const auto& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.seq < b.seq;
  });
  std::size_t parts = std::max<std::size_t>(settings_.merge_parts, 1);
  merge.per_transaction =
      std::max<std::size_t>(settings_.min_merge_part, (merge.entries.size() + parts - 1) / parts);
  merge.through_seq = counters.next_rcpt_seq - 1;
  tail.merge = std::move(merge);
}

// Writes the merge's next part (at most one per write transaction) into rcpt_dedup in hash order
// (few, mostly sequential page writes). With the last part, dedup_indexed_through moves up; the
// tail is trimmed by the next request that sees that committed. A part whose request is rolled
// back drops the merge (SpoolWriterOptions::on_request_failed); a later one starts over.
void RecipientIngest::merge_next_part(std::uint32_t campaign_seq, DedupTail& tail,
                                      CampaignCounters& counters) {
  DedupTail::Merge& merge = *tail.merge;
  std::uint64_t txn_id = mdb_txn_id(txn_);
  if (merge.next > 0 && merge.last_txn_id == txn_id)
    return;
  std::size_t end = std::min(merge.entries.size(), merge.next + merge.per_transaction);
  for (std::size_t i = merge.next; i < end; ++i) {
    const DedupTail::Entry& e = merge.entries[i];
    SeqKey value = seq_key(e.seq);
    std::string_view existing;
    for (std::uint64_t slot = e.hash;; ++slot) { // probe past real collisions
      if (lmdb_put_new(txn_, dbs_.rcpt_dedup, dedup_key(campaign_seq, slot).view(), value.view(),
                       existing) ||
          existing == value.view()) {
        tail.indexed_slots.add(slot);
        break;
      }
    }
  }
  merge.next = end;
  merge.last_txn_id = txn_id;
  if (end < merge.entries.size())
    return;
  counters.dedup_indexed_through = merge.through_seq;
  tail.merge.reset();
  if (counters.dedup_indexed_through > tail.indexed_slots.capacity()) {
    rebuild_slot_filter(campaign_seq, counters.dedup_indexed_through, tail);
  }
}

// Sizes the slot filter for twice `indexed` entries and fills it from rcpt_dedup (sequential read).
void RecipientIngest::rebuild_slot_filter(std::uint32_t campaign_seq, std::uint64_t indexed,
                                          DedupTail& tail) {
  tail.indexed_slots.reset(2 * indexed);
  LmdbCursor cursor(txn_, dbs_.rcpt_dedup);
  for (bool more = cursor.seek(dedup_key(campaign_seq, 0).view()); more; more = cursor.next()) {
    std::uint32_t cseq = 0;
    std::uint64_t slot = 0;
    if (!parse_recipient_key(cursor.key(), cseq, slot) || cseq != campaign_seq)
      break;
    tail.indexed_slots.add(slot);
  }
}

std::string_view RecipientIngest::canonical_of(const RecipientView& r) {
  if (!r.canonical.empty())
    return r.canonical;
  ascii_lower_into(r.address, canonical_);
  return canonical_;
}

bool RecipientIngest::is_suppressed(std::string_view canonical) const {
  std::string_view unused;
  return lmdb_get(txn_, dbs_.suppressions, canonical, unused);
}

void RecipientIngest::store(std::uint32_t campaign_seq, std::uint64_t seq, const NewRecipient& r,
                            std::string_view canonical, RecipientState state, std::int64_t due_ms) {
  RecipientView view;
  view.state = state;
  view.next_attempt_ms = due_ms;
  view.address = r.address;
  view.crm_id = r.crm_id;
  view.vars_json = r.vars_json;
  if (!is_ascii_lower_of(r.address, canonical))
    view.canonical = canonical;
  encode_recipient(value_, view);
  recipients_.put(recipient_key(campaign_seq, seq).view(), value_, recipients_append_);
  if (state == RecipientState::queued) {
    due_.put(due_key(due_ms, campaign_seq, seq).view(), "", due_append_);
  }
}

} // namespace volley::queue
