// EventPipeline: what [events] asks for, assembled at start — the event log (when log_file is set)
// and the webhook sender (when webhook is set, with its secret loaded or generated at first start),
// sharing one EventMetrics. stop() writes out every emitted event, then stops the sender (its
// cursor keeps the place). Throws std::runtime_error at start when a file cannot be used; never
// starts a webhook without its log.
#pragma once

#include <memory>

#include "engine/event_log.hpp"
#include "engine/event_metrics.hpp"
#include "engine/webhook_sender.hpp"
#include "policy/events_config.hpp"

namespace volley::engine {

class EventPipeline {
public:
  explicit EventPipeline(const policy::EventsConfig& config);
  ~EventPipeline(); // stop()

  // Null when the event log is off (log_file = "").
  EventLog* log() { return log_.get(); }
  const EventMetrics& metrics() const { return metrics_; }
  void stop();

private:
  EventMetrics metrics_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<WebhookSender> webhook_;
};

} // namespace volley::engine
