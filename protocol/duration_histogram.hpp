// DurationHistogram: a fixed-bucket histogram of durations (spool commit time, delivery latency,
// SMTP transaction time) for /metrics. Upper bounds are fixed at construction, in microseconds,
// with an implicit +Inf bucket; a value lands in the first bucket whose bound is >= the value
// (Prometheus "le" semantics). observe() is wait-free from any thread: one relaxed fetch_add on the
// bucket and one on the sum (integer microseconds), no lock, no allocation. snapshot() turns the
// buckets into cumulative counts; it is not atomic across buckets (a concurrent observation may
// show in the count but not yet in the sum), which metrics tolerate. Header-only and free of I/O so
// queue/ and engine/ share it; the text format is written by engine/prometheus_text.
// Must never: allocate, lock or throw in observe().
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

namespace volley::protocol {

struct DurationHistogramSnapshot {
  std::vector<std::uint64_t> upper_bounds_us; // finite bounds, increasing
  std::vector<std::uint64_t> cumulative;      // observations <= upper_bounds_us[i]
  std::uint64_t count = 0;                    // all observations (the +Inf bucket)
  std::uint64_t sum_us = 0;                   // sum of all observations
};

class DurationHistogram {
public:
  static constexpr std::size_t kMaxBounds = 31;

  // upper_bounds_us: 1..kMaxBounds strictly increasing bounds. Throws std::invalid_argument
  // otherwise (a programmer error in a constant table).
  explicit DurationHistogram(std::span<const std::uint64_t> upper_bounds_us)
      : size_(upper_bounds_us.size()) {
    if (upper_bounds_us.empty() || upper_bounds_us.size() > kMaxBounds)
      throw std::invalid_argument("DurationHistogram: 1 to 31 bucket bounds required");
    if (std::adjacent_find(upper_bounds_us.begin(), upper_bounds_us.end(),
                           std::greater_equal<>()) != upper_bounds_us.end())
      throw std::invalid_argument("DurationHistogram: bucket bounds must strictly increase");
    std::copy(upper_bounds_us.begin(), upper_bounds_us.end(), bounds_.begin());
  }
  DurationHistogram(const DurationHistogram&) = delete;
  DurationHistogram& operator=(const DurationHistogram&) = delete;

  void observe_us(std::uint64_t us) noexcept {
    const auto end = bounds_.begin() + static_cast<std::ptrdiff_t>(size_);
    const auto index = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), end, us) -
                                                bounds_.begin()); // size_ = +Inf bucket
    counts_[index].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(us, std::memory_order_relaxed);
  }
  // Negative durations (a clock step) count as 0.
  template <class Rep, class Period>
  void observe(std::chrono::duration<Rep, Period> elapsed) noexcept {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    observe_us(us > 0 ? static_cast<std::uint64_t>(us) : 0);
  }

  std::span<const std::uint64_t> upper_bounds_us() const { return {bounds_.data(), size_}; }

  DurationHistogramSnapshot snapshot() const {
    DurationHistogramSnapshot s;
    s.upper_bounds_us.assign(bounds_.begin(), bounds_.begin() + static_cast<std::ptrdiff_t>(size_));
    s.cumulative.reserve(size_);
    for (std::size_t i = 0; i < size_; ++i) {
      s.count += counts_[i].load(std::memory_order_relaxed);
      s.cumulative.push_back(s.count);
    }
    s.count += counts_[size_].load(std::memory_order_relaxed);
    s.sum_us = sum_us_.load(std::memory_order_relaxed);
    return s;
  }

private:
  std::array<std::uint64_t, kMaxBounds> bounds_{};
  std::size_t size_;
  std::array<std::atomic<std::uint64_t>, kMaxBounds + 1> counts_{}; // per bucket, not cumulative
  std::atomic<std::uint64_t> sum_us_{0};
};

} // namespace volley::protocol
