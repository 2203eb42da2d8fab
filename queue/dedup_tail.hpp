// DedupTail: in-memory (address hash -> recipient seq) hints for a campaign's recipients not yet
// merged into rcpt_dedup, plus a Bloom filter of its occupied rcpt_dedup slots. Flat multimap, no
// allocation per entry. Must never be trusted without checking the stored recipient (hints may be
// stale after an aborted request), nor used off the writer thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "queue/hash_bloom.hpp"

namespace volley::queue {

class DedupTail {
public:
  struct Entry {
    std::uint64_t hash = 0;
    std::uint64_t seq = 0; // 0 = empty slot (recipient seqs start at 1)
  };

  // Adds (hash, seq) unless that exact pair is present.
  void insert(std::uint64_t hash, std::uint64_t seq);
  // Calls fn(seq) for every entry with this hash until fn returns true; returns whether one did.
  template <class Fn> bool any_of(std::uint64_t hash, Fn&& fn) const {
    if (slots_.empty())
      return false;
    for (std::size_t i = slot_of(hash);; i = (i + 1) & mask()) {
      const Entry& e = slots_[i];
      if (e.seq == 0)
        return false;
      if (e.hash == hash && fn(e.seq))
        return true;
    }
  }
  // Drops every entry with seq <= seq (they are in rcpt_dedup now).
  void trim_through(std::uint64_t seq);
  std::size_t size() const { return size_; }
  // All entries (in no particular order).
  std::vector<Entry> entries() const;

  // dedup_indexed_through this tail was last trimmed against.
  std::uint64_t trimmed_through = 0;
  // Occupied rcpt_dedup slots of the campaign (the durable part), kept beside the tail.
  HashBloom indexed_slots;
  std::uint64_t last_used = 0; // DedupTails::tick of its last use

  // A merge into rcpt_dedup spread over several write transactions, one part each, so that no
  // transaction dirties more than about one part's key range of the index (LMDB keeps the pages a
  // transaction dirtied as heap memory for the life of the process). Its entries stay in the tail
  // until the last part has committed; dropping it is always safe (rewriting an entry is a no-op).
  struct Merge {
    std::vector<Entry> entries;      // recipients not yet indexed, sorted by (hash, seq)
    std::size_t next = 0;            // first entry not yet written
    std::size_t per_transaction = 0; // entries written per part
    std::uint64_t through_seq = 0;   // dedup_indexed_through once every entry is written
    std::uint64_t last_txn_id = 0;   // the write transaction that wrote the last part
  };
  std::optional<Merge> merge;

private:
  std::size_t mask() const { return slots_.size() - 1; }
  std::size_t slot_of(std::uint64_t hash) const {
    return static_cast<std::size_t>((hash * 0x9e3779b97f4a7c15ull) >> 17) & mask();
  }
  void place(const Entry& e);
  void grow();

  std::vector<Entry> slots_;
  std::size_t size_ = 0;
};

} // namespace volley::queue
