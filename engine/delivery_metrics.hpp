// Counters, histograms and a per-site snapshot the delivery engine publishes for /metrics and
// GET /v1/queues. Counters and histograms are relaxed atomics written by the delivery thread (no
// lock, no allocation per observation) and read by control threads; the site snapshot is replaced
// whole under a mutex. Must never be written from a control thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "engine/bounce_counters.hpp"
#include "protocol/duration_histogram.hpp"

namespace volley::engine {

// volley_delivery_latency_seconds: from a recipient becoming due (injected, or its retry time) to
// the 250 for it; 10 ms to 1 day.
inline constexpr std::array<std::uint64_t, 20> kDeliveryLatencyBoundsUs = {
    10'000,        50'000,        100'000,        250'000,        500'000,
    1'000'000,     2'500'000,     5'000'000,      10'000'000,     30'000'000,
    60'000'000,    120'000'000,   300'000'000,    600'000'000,    1'800'000'000,
    3'600'000'000, 7'200'000'000, 14'400'000'000, 43'200'000'000, 86'400'000'000};
// volley_smtp_transaction_duration_seconds: MAIL FROM sent to the reply after the final dot.
inline constexpr std::array<std::uint64_t, 16> kTransactionBoundsUs = {
    1'000,   2'500,     5'000,     10'000,    25'000,     50'000,     100'000,    250'000,
    500'000, 1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000, 120'000'000};

struct SiteStatus {
  std::string site;         // "mx:mx1.a.test,mx2.a.test" or "route:127.0.0.1:2525"
  std::string tls;          // TLS mode
  std::uint64_t queued = 0; // jobs waiting in memory for a connection
  std::uint64_t connections = 0;
  std::uint64_t idle_connections = 0;
  std::uint64_t delivered = 0, deferred = 0, bounced = 0;
  std::int64_t suspended_until_ms = 0; // > now: site rests after all its MX hosts failed
  std::string last_error;              // last failure reply, with the MX it came from
  std::vector<std::string> domains;    // some domains routed to this site (bounded list)
  std::string group;                   // rate policy provider group ("" = none)
  std::string rate;                    // configured site rate ("" = unlimited)
  double rate_per_second = 0;          // the same as a number (0 = unlimited)
  double rate_factor = 1.0;            // < 1 while a slow_down rule is in force
  std::string throttle;                // the last throttle rule that acted, while in force
};

struct DeliveryMetrics {
  // Outcomes; bounced counts every bounce, hard and soft (see bounces for the kinds).
  std::atomic<std::uint64_t> claimed{0}, delivered{0}, deferred{0}, bounced{0}, expired{0},
      suppressed{0}, returned{0};
  // tls_sessions: STARTTLS handshakes completed. transactions = transactions_tls +
  // transactions_plain (completed SMTP transactions, by whether the session was encrypted).
  std::atomic<std::uint64_t> connections_opened{0}, connections_failed{0}, connections_open{0},
      tls_sessions{0}, transactions{0}, throttle_actions{0};
  std::atomic<std::uint64_t> transactions_tls{0}, transactions_plain{0};
  // throttle_actions by the rule's action (they sum to throttle_actions).
  std::atomic<std::uint64_t> throttle_suspends{0}, throttle_slow_downs{0}, throttle_bounces{0};
  std::atomic<std::uint64_t> jobs_in_memory{0}, dns_lookups{0};
  BounceCounters bounces; // final 5xx replies (and merge field failures) by kind and reason
  protocol::DurationHistogram delivery_latency{kDeliveryLatencyBoundsUs};
  protocol::DurationHistogram transaction_duration{kTransactionBoundsUs};

  void publish(std::vector<SiteStatus> sites) {
    std::lock_guard lock(mutex_);
    sites_ = std::move(sites);
  }
  std::vector<SiteStatus> sites() const {
    std::lock_guard lock(mutex_);
    return sites_;
  }

private:
  mutable std::mutex mutex_;
  std::vector<SiteStatus> sites_;
};

} // namespace volley::engine
