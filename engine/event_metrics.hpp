// Counters of the event log and the CRM webhook for /metrics: events written, webhook batches by
// result, and how far the webhook lags behind the log. Atomics written by the event log's and the
// webhook's threads, read by control threads; never blocks.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace volley::engine {

struct EventMetrics {
  std::atomic<std::uint64_t> written{0};        // events appended to the log since start
  std::atomic<std::uint64_t> last_seq{0};       // seq of the last event written
  std::atomic<std::uint64_t> acked_seq{0};      // the webhook's acknowledged seq
  std::atomic<std::uint64_t> batches_ok{0};     // POSTs answered 2xx
  std::atomic<std::uint64_t> batches_failed{0}; // POSTs failed (non-2xx, timeout, refused)
  std::atomic<bool> webhook_on{false};

  // Events written but not yet acknowledged by the webhook (0 without a webhook).
  std::uint64_t lag() const;
  // Prometheus text: volley_events_written_total, volley_webhook_batches_total{result},
  // volley_webhook_lag_events.
  std::string prometheus_text() const;
};

} // namespace volley::engine
