// ThroughputHistory: delivery outcomes of the last hour in 10-second buckets (delivered, deferred,
// bounced), for the status page's chart. Fed with the delivery engine's cumulative counters: each
// sample() adds the increase since the previous sample to the bucket holding `now`. A fixed ring
// (360 buckets by default): memory never grows; buckets nobody sampled read as zero. Pure (the
// caller passes the clock) and thread-safe (one mutex). Must never read a clock or the engine
// itself.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace volley::engine {

// Counter values (cumulative since start) or increases (one bucket).
struct ThroughputCounts {
  std::uint64_t delivered = 0, deferred = 0, bounced = 0;
  bool operator==(const ThroughputCounts&) const = default;
};

struct ThroughputWindow {
  std::int64_t bucket_ms = 0;            // width of one bucket
  std::int64_t end_ms = 0;               // end of the newest bucket (exclusive)
  std::vector<ThroughputCounts> buckets; // oldest first; the last one holds `now`
};

class ThroughputHistory {
public:
  // bucket_ms > 0 and bucket_count > 0 (programmer error otherwise: std::invalid_argument).
  explicit ThroughputHistory(std::int64_t bucket_ms = 10'000, std::size_t bucket_count = 360);

  // Records the counters as they are at now_ms (unix ms). The first sample only sets the baseline.
  // A counter that went down (a restarted engine) starts a new baseline for that counter. A clock
  // that went back adds to the newest bucket instead of overwriting newer ones.
  void sample(std::int64_t now_ms, const ThroughputCounts& totals);

  // The bucket_count buckets ending with the one that holds now_ms, oldest first.
  ThroughputWindow window(std::int64_t now_ms) const;

  std::int64_t bucket_ms() const { return bucket_ms_; }

private:
  struct Slot {
    std::int64_t index = -1; // bucket number (time / bucket_ms) this slot holds; -1 = empty
    ThroughputCounts counts;
  };
  std::int64_t bucket_index(std::int64_t ms) const;

  const std::int64_t bucket_ms_;
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  bool have_baseline_ = false;
  ThroughputCounts last_;
  std::int64_t newest_index_ = -1;
};

} // namespace volley::engine
