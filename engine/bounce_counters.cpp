// BounceCounters (see bounce_counters.hpp). Lookups are linear over the fixed tables: a bounce
// costs a few short string compares, never an allocation.
#include "engine/bounce_counters.hpp"

#include <algorithm>

namespace volley::engine {

std::size_t BounceCounters::kind_index(std::string_view kind) noexcept {
  return static_cast<std::size_t>(std::find(kKinds.begin(), kKinds.end(), kind) - kKinds.begin());
}

std::size_t BounceCounters::reason_index(std::string_view reason) noexcept {
  const auto found = std::find(kReasons.begin(), kReasons.end(), reason);
  return static_cast<std::size_t>((found == kReasons.end() ? kReasons.end() - 1 : found) -
                                  kReasons.begin());
}

void BounceCounters::count(std::string_view kind, std::string_view reason) noexcept {
  const std::size_t k = kind_index(kind);
  if (k == kKinds.size())
    return;
  counts_[k * kReasons.size() + reason_index(reason)].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t BounceCounters::total(std::string_view kind) const noexcept {
  const std::size_t k = kind_index(kind);
  std::uint64_t sum = 0;
  if (k == kKinds.size())
    return 0;
  for (std::size_t r = 0; r < kReasons.size(); ++r)
    sum += value(k, r);
  return sum;
}

} // namespace volley::engine
