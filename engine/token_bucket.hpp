// TokenBucket: a message-rate limit (tokens per second, bucket size) for a site, a domain or a
// campaign. Pure: the caller passes the time, so tests need no clock. Unlimited until configured.
// Must never hand out more than burst + rate × elapsed tokens over any interval.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace volley::engine {

class TokenBucket {
public:
  TokenBucket() = default; // unlimited
  TokenBucket(double per_second, double burst, std::int64_t now_ms)
      : rate_(per_second), burst_(std::max(1.0, burst)), tokens_(burst_), last_ms_(now_ms) {}

  bool limited() const { return rate_ > 0; }
  double rate() const { return rate_; }

  // Takes one token if there is one.
  bool try_take(std::int64_t now_ms) {
    if (!limited())
      return true;
    refill(now_ms);
    if (tokens_ < 1.0)
      return false;
    tokens_ -= 1.0;
    return true;
  }
  bool has_token(std::int64_t now_ms) {
    if (!limited())
      return true;
    refill(now_ms);
    return tokens_ >= 1.0;
  }
  // Milliseconds until one token is there (0 = now).
  std::int64_t ms_until_token(std::int64_t now_ms) {
    if (!limited())
      return 0;
    refill(now_ms);
    if (tokens_ >= 1.0)
      return 0;
    return static_cast<std::int64_t>(std::ceil((1.0 - tokens_) * 1000.0 / rate_));
  }
  // A new rate (slow-down and recovery); tokens already earned are kept, up to the new size.
  void set_rate(double per_second, double burst, std::int64_t now_ms) {
    refill(now_ms);
    rate_ = per_second;
    burst_ = std::max(1.0, burst);
    tokens_ = std::min(tokens_, burst_);
  }

private:
  void refill(std::int64_t now_ms) {
    if (now_ms > last_ms_) {
      tokens_ = std::min(burst_, tokens_ + rate_ * static_cast<double>(now_ms - last_ms_) / 1000.0);
      last_ms_ = now_ms;
    }
  }

  double rate_ = 0;
  double burst_ = 1;
  double tokens_ = 0;
  std::int64_t last_ms_ = 0;
};

} // namespace volley::engine
