// DedupTail: linear-probing multimap with power-of-two capacity, load factor <= 1/2.
// Must never lose an entry on growth or trim (both rebuild from the old slots).
#include "queue/dedup_tail.hpp"

#include <algorithm>

namespace volley::queue {

void DedupTail::insert(std::uint64_t hash, std::uint64_t seq) {
  if (any_of(hash, [seq](std::uint64_t s) { return s == seq; }))
    return;
  if ((size_ + 1) * 2 > slots_.size())
    grow();
  place(Entry{hash, seq});
  ++size_;
}

void DedupTail::place(const Entry& e) {
  std::size_t i = slot_of(e.hash);
  while (slots_[i].seq != 0)
    i = (i + 1) & mask();
  slots_[i] = e;
}

void DedupTail::grow() {
  std::vector<Entry> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, Entry{});
  for (const Entry& e : old) {
    if (e.seq != 0)
      place(e);
  }
}

void DedupTail::trim_through(std::uint64_t seq) {
  trimmed_through = seq;
  std::size_t kept = 0;
  for (const Entry& e : slots_)
    kept += e.seq > seq ? 1 : 0;
  std::size_t capacity = 16; // shrink with the entries: a merged tail of millions must not stay
  while (capacity < 2 * kept)
    capacity *= 2;
  std::vector<Entry> old;
  old.swap(slots_);
  slots_.assign(std::min(capacity, old.size()), Entry{});
  size_ = 0;
  for (const Entry& e : old) {
    if (e.seq > seq) {
      place(e);
      ++size_;
    }
  }
}

std::vector<DedupTail::Entry> DedupTail::entries() const {
  std::vector<Entry> out;
  out.reserve(size_);
  for (const Entry& e : slots_) {
    if (e.seq != 0)
      out.push_back(e);
  }
  return out;
}

} // namespace volley::queue
