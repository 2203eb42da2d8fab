// EventPipeline (see event_pipeline.hpp). The log's seqs continue above the webhook cursor too, so
// a deleted log never makes new events look acknowledged.
#include "engine/event_pipeline.hpp"

#include <spdlog/spdlog.h>

#include "engine/secret_file.hpp"
#include "engine/webhook_cursor.hpp"
#include "policy/webhook_url.hpp"

namespace volley::engine {
namespace {

WebhookSenderOptions sender_options(const policy::EventsConfig& config) {
  auto url = policy::parse_webhook_url(config.webhook);
  if (!url)
    throw std::runtime_error("[events] webhook: " + url.error().message);
  SecretFile secret = load_or_create_secret_file(config.webhook_secret_file, "webhook secret");
  if (secret.generated)
    spdlog::info("generated webhook secret in {} (mode 0600): give the CRM the same text to "
                 "check X-Volley-Signature",
                 config.webhook_secret_file);
  WebhookSenderOptions o;
  o.log_path = config.log_file;
  o.keep = config.keep;
  o.url = std::move(url.value());
  o.secret = secret.value;
  o.ca_file = config.webhook_ca_file;
  o.batch_size = config.batch_size;
  o.batch_delay = std::chrono::milliseconds(config.batch_delay_ms);
  o.retry_min = std::chrono::milliseconds(config.retry_min_ms);
  o.retry_max = std::chrono::milliseconds(config.retry_max_ms);
  o.timeout = std::chrono::milliseconds(config.timeout_ms);
  return o;
}

} // namespace

EventPipeline::EventPipeline(const policy::EventsConfig& config) {
  if (config.log_file.empty()) {
    spdlog::info("event log off ([events] log_file = \"\")");
    return;
  }
  EventLogOptions options;
  options.path = config.log_file;
  options.rotate_size = config.rotate_size;
  options.keep = config.keep;
  options.kinds = event_kinds_from_names(config.kinds);
  if (auto cursor = load_webhook_cursor(webhook_cursor_path(config.log_file)))
    options.seq_floor = cursor->acked_seq;
  log_ = std::make_unique<EventLog>(std::move(options), &metrics_);
  if (config.webhook.empty())
    return;
  webhook_ = std::make_unique<WebhookSender>(sender_options(config), &metrics_);
  log_->on_written([sender = webhook_.get()] { sender->wake(); });
  webhook_->start();
}

EventPipeline::~EventPipeline() {
  stop();
}

void EventPipeline::stop() {
  if (log_)
    log_->stop();
  if (webhook_)
    webhook_->stop();
}

} // namespace volley::engine
