// Recipient state transitions (see recipient_transitions.hpp). Every transition updates, in this
// order, the indexes (due / in_flight), the record, and the in-memory counters flushed per request.
// Must never change a record's state without moving its count.
#include "queue/recipient_transitions.hpp"

#include <cstring>
#include <limits>

#include "queue/campaign_table.hpp"
#include "queue/lmdb_env.hpp"

namespace volley::queue {
namespace {

bool is_waiting(RecipientState s) {
  return s == RecipientState::queued || s == RecipientState::deferred;
}

RecipientState state_of(OutcomeKind kind) {
  switch (kind) {
  case OutcomeKind::delivered:
    return RecipientState::delivered;
  case OutcomeKind::deferred:
    return RecipientState::deferred;
  case OutcomeKind::bounced_hard:
    return RecipientState::bounced_hard;
  case OutcomeKind::bounced_soft:
    return RecipientState::bounced_soft;
  case OutcomeKind::expired:
    return RecipientState::expired;
  case OutcomeKind::returned:
    return RecipientState::queued;
  case OutcomeKind::suppressed:
    return RecipientState::suppressed;
  }
  return RecipientState::delivered;
}

[[noreturn]] void corrupt(const char* what, std::uint32_t campaign_seq, std::uint64_t seq) {
  throw LmdbFailure(MDB_CORRUPTED, std::string(what) + " (campaign " +
                                       std::to_string(campaign_seq) + ", recipient " +
                                       std::to_string(seq) + ")");
}

} // namespace

RecipientTransitions::CampaignSlot& RecipientTransitions::campaign(std::uint32_t seq) {
  auto it = campaigns_.find(seq);
  if (it != campaigns_.end())
    return it->second;
  CampaignTable table(txn_, dbs_);
  auto info = table.read(seq);
  if (!info)
    corrupt("recipient of an unknown campaign", seq, 0);
  CampaignSlot slot;
  slot.counters = table.counters(seq);
  slot.info = std::move(*info);
  return campaigns_.emplace(seq, std::move(slot)).first->second;
}

bool RecipientTransitions::load(const RecipientKey& key, RecipientView& view) {
  std::string_view stored;
  if (!lmdb_get(txn_, dbs_.recipients, key.view(), stored))
    return false;
  value_.assign(stored);
  if (!decode_recipient(value_, view))
    throw LmdbFailure(MDB_CORRUPTED, "recipient record");
  return true;
}

void RecipientTransitions::move_count(CampaignSlot& slot, RecipientState from, RecipientState to) {
  --count_of(slot.counters.counts, from);
  ++count_of(slot.counters.counts, to);
  slot.dirty = true;
}

void RecipientTransitions::flush_counters() {
  CampaignTable table(txn_, dbs_);
  for (auto& [seq, slot] : campaigns_) {
    if (slot.dirty)
      table.write_counters(seq, slot.counters);
    slot.dirty = false;
  }
}

std::vector<ClaimedRecipient> RecipientTransitions::claim_due(std::int64_t now_ms,
                                                              std::size_t max) {
  std::vector<DueEntry> picked;
  {
    LmdbCursor due(txn_, dbs_.due);
    for (bool more = max > 0 && due.first(); more && picked.size() < max; more = due.next()) {
      DueEntry e;
      if (!parse_due_key(due.key(), e))
        throw LmdbFailure(MDB_CORRUPTED, "due index key");
      if (e.due_ms > now_ms)
        break;
      if (campaign(e.campaign_seq).info.state != CampaignState::active)
        continue; // paused
      picked.push_back(e);
    }
  }
  std::vector<ClaimedRecipient> claimed;
  claimed.reserve(picked.size());
  for (const DueEntry& e : picked) {
    lmdb_del(txn_, dbs_.due, due_key(e.due_ms, e.campaign_seq, e.seq).view());
    auto key = recipient_key(e.campaign_seq, e.seq);
    RecipientView r;
    if (!load(key, r) || !is_waiting(r.state) || r.next_attempt_ms != e.due_ms) {
      corrupt("due entry without a waiting recipient", e.campaign_seq, e.seq);
    }
    CampaignSlot& slot = campaign(e.campaign_seq);
    ClaimedRecipient& c = claimed.emplace_back();
    c.campaign_seq = e.campaign_seq;
    c.seq = e.seq;
    c.campaign_id = slot.info.id;
    c.address.assign(r.address);
    c.crm_id.assign(r.crm_id);
    c.vars_json.assign(r.vars_json);
    c.attempts = r.attempts;
    c.due_ms = e.due_ms;
    move_count(slot, r.state, RecipientState::in_flight);
    patch_recipient_header(value_, RecipientState::in_flight, r.attempts, r.next_attempt_ms);
    lmdb_put(txn_, dbs_.recipients, key.view(), value_);
    lmdb_put(txn_, dbs_.in_flight, key.view(), "");
  }
  flush_counters();
  return claimed;
}

void RecipientTransitions::record_outcomes(const std::vector<DeliveryOutcome>& outcomes,
                                           std::int64_t now_ms) {
  for (const DeliveryOutcome& o : outcomes) {
    auto key = recipient_key(o.campaign_seq, o.seq);
    RecipientView r;
    if (!load(key, r) || r.state != RecipientState::in_flight)
      continue;
    CampaignSlot& slot = campaign(o.campaign_seq);
    lmdb_del(txn_, dbs_.in_flight, key.view());
    RecipientState next = state_of(o.kind);
    std::int64_t next_attempt = r.next_attempt_ms;
    std::uint16_t attempts = r.attempts;
    bool attempted = o.kind != OutcomeKind::expired && o.kind != OutcomeKind::returned &&
                     o.kind != OutcomeKind::suppressed;
    if (attempted && attempts < std::numeric_limits<std::uint16_t>::max())
      ++attempts;
    if (next == RecipientState::deferred || next == RecipientState::queued) {
      if (slot.info.state == CampaignState::cancelled) {
        next = RecipientState::cancelled;
      } else {
        next_attempt = o.next_attempt_ms;
        lmdb_put(txn_, dbs_.due, due_key(next_attempt, o.campaign_seq, o.seq).view(), "");
      }
    }
    if (o.bounce) {
      store_bounce(*o.bounce, slot, r, now_ms);
      note_bounce_for_address(o.address_key, o.suppress, *o.bounce, now_ms);
    }
    move_count(slot, RecipientState::in_flight, next);
    patch_recipient_header(value_, next, attempts, next_attempt);
    lmdb_put(txn_, dbs_.recipients, key.view(), value_);
  }
  flush_counters();
}

BounceRecord RecipientTransitions::record_reported(const ReportedBounce& b, std::int64_t now_ms) {
  BounceRecord stored;
  RecipientView r;
  auto key = recipient_key(b.campaign_seq, b.recipient_seq);
  if (b.campaign_seq != 0 && b.recipient_seq != 0 && load(key, r)) {
    CampaignSlot& slot = campaign(b.campaign_seq);
    if (b.record.kind != "complaint" && r.state == RecipientState::delivered) {
      // The message was accepted, then bounced after all: no longer counted as delivered.
      RecipientState next =
          b.record.kind == "hard" ? RecipientState::bounced_hard : RecipientState::bounced_soft;
      move_count(slot, RecipientState::delivered, next);
      patch_recipient_header(value_, next, r.attempts, r.next_attempt_ms);
      lmdb_put(txn_, dbs_.recipients, key.view(), value_);
    }
    stored = store_bounce(b.record, slot, r, now_ms);
  } else {
    // Not one of ours that we can name (no verified token): kept as reported, never suppressing.
    return append_bounce(b.record, now_ms);
  }
  note_bounce_for_address(b.address_key, b.suppress, stored, now_ms);
  return stored;
}

void RecipientTransitions::note_bounce_for_address(const std::string& address_key, bool suppress,
                                                   const BounceRecord& record,
                                                   std::int64_t now_ms) {
  if (address_key.empty())
    return;
  std::string_view existing;
  if (lmdb_get(txn_, dbs_.suppressions, address_key, existing))
    return; // already suppressed: keep the first reason
  if (suppress) {
    SuppressionEntry entry{address_key, record.kind == "complaint" ? "complaint" : record.reason,
                           record.source, now_ms};
    lmdb_put(txn_, dbs_.suppressions, address_key, encode_suppression(entry));
    lmdb_del(txn_, dbs_.soft_bounces, address_key);
    return;
  }
  if (soft_.count == 0)
    return;
  // value: u32 count, i64 first soft bounce (ms) of the current window, little-endian.
  std::uint32_t count = 0;
  std::int64_t since = now_ms;
  std::string_view stored;
  if (lmdb_get(txn_, dbs_.soft_bounces, address_key, stored) && stored.size() == 12) {
    std::memcpy(&count, stored.data(), 4);
    std::memcpy(&since, stored.data() + 4, 8);
    if (now_ms - since > soft_.window_ms) {
      count = 0;
      since = now_ms;
    }
  }
  ++count;
  if (count >= soft_.count) {
    SuppressionEntry entry{address_key,
                           "repeated soft bounces (" + std::to_string(count) +
                               ", last: " + record.reason + ")",
                           record.source, now_ms};
    lmdb_put(txn_, dbs_.suppressions, address_key, encode_suppression(entry));
    lmdb_del(txn_, dbs_.soft_bounces, address_key);
    return;
  }
  std::string value(12, '\0');
  std::memcpy(value.data(), &count, 4);
  std::memcpy(value.data() + 4, &since, 8);
  lmdb_put(txn_, dbs_.soft_bounces, address_key, value);
}

BounceRecord RecipientTransitions::store_bounce(BounceRecord bounce, const CampaignSlot& slot,
                                                const RecipientView& view, std::int64_t now_ms) {
  if (bounce.campaign.empty())
    bounce.campaign = slot.info.id;
  if (bounce.recipient.empty())
    bounce.recipient.assign(view.address);
  if (bounce.recipient_id.empty())
    bounce.recipient_id.assign(view.crm_id);
  return append_bounce(std::move(bounce), now_ms);
}

BounceRecord RecipientTransitions::append_bounce(BounceRecord bounce, std::int64_t now_ms) {
  bounce.seq = next_meta_seq(txn_, dbs_.meta, "next_bounce_seq", 1);
  if (bounce.at_ms == 0)
    bounce.at_ms = now_ms;
  std::string value;
  encode_bounce(value, bounce);
  lmdb_put(txn_, dbs_.bounces, seq_key(bounce.seq).view(), value, MDB_APPEND);
  return bounce;
}

void RecipientTransitions::cancel_waiting(std::uint32_t campaign_seq, CampaignCounters& counters) {
  LmdbCursor cursor(txn_, dbs_.recipients);
  std::string value;
  for (bool more = cursor.seek(recipient_key(campaign_seq, 0).view()); more; more = cursor.next()) {
    std::uint32_t cseq = 0;
    std::uint64_t seq = 0;
    RecipientView r;
    if (!parse_recipient_key(cursor.key(), cseq, seq)) {
      throw LmdbFailure(MDB_CORRUPTED, "recipient key");
    }
    if (cseq != campaign_seq)
      break;
    if (!decode_recipient(cursor.value(), r))
      corrupt("recipient record", cseq, seq);
    if (!is_waiting(r.state))
      continue;
    if (!lmdb_del(txn_, dbs_.due, due_key(r.next_attempt_ms, cseq, seq).view())) {
      corrupt("waiting recipient without a due entry", cseq, seq);
    }
    --count_of(counters.counts, r.state);
    ++counters.counts.cancelled;
    value.assign(cursor.value());
    patch_recipient_header(value, RecipientState::cancelled, r.attempts, r.next_attempt_ms);
    cursor.overwrite(value);
  }
}

std::uint64_t RecipientTransitions::recover_in_flight(std::int64_t now_ms) {
  std::vector<RecipientKey> keys;
  {
    LmdbCursor cursor(txn_, dbs_.in_flight);
    for (bool more = cursor.first(); more; more = cursor.next()) {
      RecipientKey& k = keys.emplace_back();
      if (cursor.key().size() != k.bytes.size())
        throw LmdbFailure(MDB_CORRUPTED, "in_flight key");
      cursor.key().copy(k.bytes.data(), k.bytes.size());
    }
  }
  std::uint64_t recovered = 0;
  for (const RecipientKey& key : keys) {
    lmdb_del(txn_, dbs_.in_flight, key.view());
    std::uint32_t cseq = 0;
    std::uint64_t seq = 0;
    RecipientView r;
    parse_recipient_key(key.view(), cseq, seq);
    if (!load(key, r) || r.state != RecipientState::in_flight)
      continue; // stale index entry
    CampaignSlot& slot = campaign(cseq);
    RecipientState next = slot.info.state == CampaignState::cancelled ? RecipientState::cancelled
                                                                      : RecipientState::queued;
    std::int64_t due = next == RecipientState::queued ? now_ms : r.next_attempt_ms;
    if (next == RecipientState::queued) {
      lmdb_put(txn_, dbs_.due, due_key(due, cseq, seq).view(), "");
    }
    move_count(slot, RecipientState::in_flight, next);
    patch_recipient_header(value_, next, r.attempts, due);
    lmdb_put(txn_, dbs_.recipients, key.view(), value_);
    ++recovered;
  }
  flush_counters();
  return recovered;
}

} // namespace volley::queue
