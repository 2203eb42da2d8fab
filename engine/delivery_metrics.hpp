// Counters and a per-site snapshot the delivery engine publishes for /metrics and GET /v1/queues.
// Counters are atomics written by the delivery thread and read by control threads; the site
// snapshot is replaced whole under a mutex. Must never be written from a control thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace volley::engine {

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
  double rate_factor = 1.0;            // < 1 while a slow_down rule is in force
  std::string throttle;                // the last throttle rule that acted, while in force
};

struct DeliveryMetrics {
  std::atomic<std::uint64_t> claimed{0}, delivered{0}, deferred{0}, bounced_hard{0}, expired{0},
      suppressed{0}, returned{0};
  std::atomic<std::uint64_t> connections_opened{0}, connections_failed{0}, connections_open{0},
      tls_sessions{0}, transactions{0}, throttle_actions{0};
  std::atomic<std::uint64_t> jobs_in_memory{0}, dns_lookups{0};

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
