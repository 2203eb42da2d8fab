// InboundSmtpClientRates: messages per minute per client address for the inbound SMTP listeners
// (one token bucket per address, bursts up to a minute's worth). One listener thread only; the
// table is bounded: beyond kMaxClients addresses it starts afresh (a flood of addresses can only
// reset limits, never grow memory).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "engine/token_bucket.hpp"

namespace volley::engine {

class InboundSmtpClientRates {
public:
  static constexpr std::size_t kMaxClients = 10000;

  explicit InboundSmtpClientRates(std::uint64_t per_minute) : per_minute_(per_minute) {}

  // Takes one message of `client`'s allowance; false when it is used up.
  bool try_take(const std::string& client) {
    const std::int64_t now = now_ms();
    if (buckets_.size() >= kMaxClients && !buckets_.contains(client))
      buckets_.clear();
    auto [it, added] = buckets_.try_emplace(client);
    if (added)
      it->second = TokenBucket(static_cast<double>(per_minute_) / 60.0,
                               static_cast<double>(per_minute_), now);
    return it->second.try_take(now);
  }

private:
  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  std::uint64_t per_minute_;
  std::unordered_map<std::string, TokenBucket> buckets_;
};

} // namespace volley::engine
