// The status page's one-hour outcome history (see throughput_history.hpp). Pure: no clock, no I/O.
#include "engine/throughput_history.hpp"

#include <algorithm>
#include <stdexcept>

namespace volley::engine {
namespace {

std::uint64_t increase(std::uint64_t now, std::uint64_t before) {
  return now >= before ? now - before : now; // went down: the engine restarted from zero
}

} // namespace

ThroughputHistory::ThroughputHistory(std::int64_t bucket_ms, std::size_t bucket_count)
    : bucket_ms_(bucket_ms), slots_(bucket_count) {
  if (bucket_ms <= 0 || bucket_count == 0)
    throw std::invalid_argument("ThroughputHistory needs a positive bucket width and count");
}

std::int64_t ThroughputHistory::bucket_index(std::int64_t ms) const {
  // Floor division: times before 1970 are not expected, but must not land in a wrong slot.
  std::int64_t index = ms / bucket_ms_;
  if (ms % bucket_ms_ < 0)
    --index;
  return index;
}

void ThroughputHistory::sample(std::int64_t now_ms, const ThroughputCounts& totals) {
  std::lock_guard lock(mutex_);
  if (!have_baseline_) {
    have_baseline_ = true;
    last_ = totals;
    newest_index_ = bucket_index(now_ms);
    return;
  }
  ThroughputCounts delta{increase(totals.delivered, last_.delivered),
                         increase(totals.deferred, last_.deferred),
                         increase(totals.bounced, last_.bounced)};
  last_ = totals;
  std::int64_t index = std::max(bucket_index(now_ms), newest_index_);
  newest_index_ = index;
  auto count = static_cast<std::int64_t>(slots_.size());
  Slot& slot = slots_[static_cast<std::size_t>(((index % count) + count) % count)];
  if (slot.index != index) {
    slot.index = index; // an hour-old bucket (or none): start afresh
    slot.counts = {};
  }
  slot.counts.delivered += delta.delivered;
  slot.counts.deferred += delta.deferred;
  slot.counts.bounced += delta.bounced;
}

ThroughputWindow ThroughputHistory::window(std::int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  ThroughputWindow out;
  out.bucket_ms = bucket_ms_;
  std::int64_t newest = std::max(bucket_index(now_ms), newest_index_);
  out.end_ms = (newest + 1) * bucket_ms_;
  auto count = static_cast<std::int64_t>(slots_.size());
  out.buckets.reserve(slots_.size());
  for (std::int64_t index = newest - count + 1; index <= newest; ++index) {
    const Slot& slot = slots_[static_cast<std::size_t>(((index % count) + count) % count)];
    out.buckets.push_back(slot.index == index ? slot.counts : ThroughputCounts{});
  }
  return out;
}

} // namespace volley::engine
