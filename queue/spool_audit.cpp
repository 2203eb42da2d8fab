// Spool consistency audit (see spool_audit.hpp). Must never throw on an inconsistency: it reports
// it.
#include "queue/spool_audit.hpp"

#include <map>

#include "queue/campaign_table.hpp"
#include "queue/lmdb_env.hpp"
#include "queue/spool_codec.hpp"

namespace volley::queue {
namespace {

constexpr std::size_t kMaxProblems = 100;

struct Tally {
  CampaignCounts counts;
  std::uint64_t max_seq = 0;
  std::uint64_t indexed_through = 0; // from the counters
  std::uint64_t indexed = 0;         // records with seq <= indexed_through
  bool known = false;                // the campaign has a record
};

struct Totals {
  std::uint64_t waiting = 0, in_flight = 0;
};

void note(std::vector<std::string>& problems, std::string text) {
  if (problems.size() < kMaxProblems)
    problems.push_back(std::move(text));
}

std::string where(std::uint32_t cseq, std::uint64_t seq) {
  return "campaign " + std::to_string(cseq) + " recipient " + std::to_string(seq);
}

// Index membership of one record; returns whether it is waiting (queued/deferred).
void check_indexes(MDB_txn* txn, const SpoolDbs& dbs, std::uint32_t cseq, std::uint64_t seq,
                   const RecipientView& r, Totals& totals, std::vector<std::string>& problems) {
  std::string_view unused;
  bool due = lmdb_get(txn, dbs.due, due_key(r.next_attempt_ms, cseq, seq).view(), unused);
  bool waiting = r.state == RecipientState::queued || r.state == RecipientState::deferred;
  if (waiting)
    ++totals.waiting;
  if (waiting && !due)
    note(problems, where(cseq, seq) + " is waiting without a due entry");
  if (!waiting && due)
    note(problems, where(cseq, seq) + " has a due entry but is not waiting");
  bool flying = lmdb_get(txn, dbs.in_flight, recipient_key(cseq, seq).view(), unused);
  if (r.state == RecipientState::in_flight)
    ++totals.in_flight;
  if ((r.state == RecipientState::in_flight) != flying) {
    note(problems, where(cseq, seq) + " in_flight index disagrees with its state");
  }
}

// One pass over all recipients: per-campaign tallies and index membership of each record.
void scan_recipients(MDB_txn* txn, const SpoolDbs& dbs, std::map<std::uint32_t, Tally>& tallies,
                     Totals& totals, std::vector<std::string>& problems) {
  LmdbCursor cursor(txn, dbs.recipients);
  for (bool more = cursor.first(); more; more = cursor.next()) {
    std::uint32_t cseq = 0;
    std::uint64_t seq = 0;
    RecipientView r;
    if (!parse_recipient_key(cursor.key(), cseq, seq) || !decode_recipient(cursor.value(), r)) {
      note(problems, "undecodable recipient entry");
      continue;
    }
    Tally& t = tallies[cseq];
    ++count_of(t.counts, r.state);
    t.max_seq = std::max(t.max_seq, seq);
    if (seq <= t.indexed_through)
      ++t.indexed;
    check_indexes(txn, dbs, cseq, seq, r, totals, problems);
  }
}

// rcpt_dedup: every recipient with seq <= dedup_indexed_through has exactly one entry; entries
// above it (a merge whose last part has not been written yet) must name a stored recipient seq.
void check_dedup_index(MDB_txn* txn, const SpoolDbs& dbs,
                       const std::map<std::uint32_t, Tally>& tallies,
                       std::map<std::uint32_t, CampaignCounters>& counters,
                       std::vector<std::string>& problems) {
  std::map<std::uint32_t, std::uint64_t> indexed;
  LmdbCursor cursor(txn, dbs.rcpt_dedup);
  for (bool more = cursor.first(); more; more = cursor.next()) {
    std::uint32_t cseq = 0;
    std::uint64_t slot = 0, seq = 0;
    if (!parse_recipient_key(cursor.key(), cseq, slot) || !parse_seq(cursor.value(), seq)) {
      note(problems, "undecodable rcpt_dedup entry");
      continue;
    }
    auto c = counters.find(cseq);
    if (c == counters.end() || seq == 0 || seq >= c->second.next_rcpt_seq) {
      note(problems, "rcpt_dedup entry of " + where(cseq, seq) + " names no stored recipient");
      continue;
    }
    if (seq <= c->second.dedup_indexed_through)
      ++indexed[cseq];
  }
  for (const auto& [cseq, t] : tallies) {
    if (t.known && indexed[cseq] != t.indexed) {
      note(problems, "rcpt_dedup has " + std::to_string(indexed[cseq]) + " entries of campaign " +
                         std::to_string(cseq) + " up to its dedup_indexed_through, expected " +
                         std::to_string(t.indexed));
    }
  }
}

} // namespace

std::vector<std::string> audit_spool(MDB_txn* txn, const SpoolDbs& dbs) {
  std::vector<std::string> problems;
  std::map<std::uint32_t, Tally> tallies;
  std::map<std::uint32_t, CampaignCounters> counters;
  CampaignTable table(txn, dbs);
  LmdbCursor cursor(txn, dbs.campaigns);
  for (bool more = cursor.first(); more; more = cursor.next()) {
    std::uint32_t cseq = 0;
    if (!parse_campaign_key(cursor.key(), cseq))
      continue;
    counters[cseq] = table.counters(cseq);
    tallies[cseq].indexed_through = counters[cseq].dedup_indexed_through;
    tallies[cseq].known = true;
  }
  Totals totals;
  scan_recipients(txn, dbs, tallies, totals, problems);
  for (const auto& [cseq, t] : tallies) {
    std::string name = "campaign " + std::to_string(cseq);
    if (!t.known) {
      note(problems, "recipients of unknown " + name);
      continue;
    }
    const CampaignCounters& c = counters[cseq];
    if (!(c.counts == t.counts))
      note(problems, name + " counters differ from its records");
    if (c.next_rcpt_seq <= t.max_seq)
      note(problems, name + " next_rcpt_seq is not past its last");
    if (c.dedup_indexed_through >= c.next_rcpt_seq) {
      note(problems, name + " dedup_indexed_through is past its last recipient");
    }
  }
  auto expect = [&](MDB_dbi dbi, std::uint64_t want, const char* name) {
    std::uint64_t have = lmdb_entries(txn, dbi);
    if (have != want) {
      note(problems, std::string(name) + " has " + std::to_string(have) + " entries, expected " +
                         std::to_string(want));
    }
  };
  expect(dbs.due, totals.waiting, "due");
  expect(dbs.in_flight, totals.in_flight, "in_flight");
  check_dedup_index(txn, dbs, tallies, counters, problems);
  return problems;
}

} // namespace volley::queue
