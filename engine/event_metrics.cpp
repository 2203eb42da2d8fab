// EventMetrics text (see event_metrics.hpp). Never reads anything but the atomics.
#include "engine/event_metrics.hpp"

namespace volley::engine {

std::uint64_t EventMetrics::lag() const {
  if (!webhook_on.load())
    return 0;
  std::uint64_t last = last_seq.load();
  std::uint64_t acked = acked_seq.load();
  return last > acked ? last - acked : 0;
}

std::string EventMetrics::prometheus_text() const {
  std::string out;
  out += "# HELP volley_events_written_total Events appended to the event log since start.\n"
         "# TYPE volley_events_written_total counter\n"
         "volley_events_written_total " +
         std::to_string(written.load()) + "\n";
  out += "# HELP volley_webhook_batches_total Event batches POSTed to the webhook, by result.\n"
         "# TYPE volley_webhook_batches_total counter\n"
         "volley_webhook_batches_total{result=\"ok\"} " +
         std::to_string(batches_ok.load()) +
         "\n"
         "volley_webhook_batches_total{result=\"failed\"} " +
         std::to_string(batches_failed.load()) + "\n";
  out += "# HELP volley_webhook_lag_events Events written but not yet acknowledged by the "
         "webhook.\n"
         "# TYPE volley_webhook_lag_events gauge\n"
         "volley_webhook_lag_events " +
         std::to_string(lag()) + "\n";
  return out;
}

} // namespace volley::engine
