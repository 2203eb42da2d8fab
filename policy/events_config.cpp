// Reading and checking [events] (see events_config.hpp). The webhook URL is checked with the same
// parser the engine uses, so what loads is what is called. Never accepts a webhook without an event
// log: the webhook sends what the log holds.
#include "policy/events_config.hpp"

#include <algorithm>

#include "policy/config_value_checks.hpp"
#include "policy/webhook_url.hpp"

namespace volley::policy {
namespace {

constexpr std::string_view events = "events";
constexpr std::uint64_t min_rotate_size = 4096;
constexpr std::uint64_t max_keep = 1000;
constexpr std::uint64_t max_batch_size = 100000;
constexpr std::int64_t hour_ms = 3'600'000;

void read_kinds(ConfigTableReader& reader, std::vector<std::string>& kinds) {
  std::vector<ConfigListItem> items;
  reader.read_string_list(events, "kinds", items,
                          "write each event name in quotes, e.g. \"bounced\"");
  if (!reader.present(events, "kinds") || reader.failed(events, "kinds"))
    return;
  const std::vector<std::string_view>& names = event_kind_names();
  std::vector<std::string> chosen;
  for (const ConfigListItem& item : items) {
    if (std::find(names.begin(), names.end(), item.text) == names.end()) {
      std::string suggestion = closest_name(item.text, names);
      reader.report_at(item.at, events, "kinds",
                       "`events.kinds`: unknown event \"" + item.text + "\"",
                       suggestion.empty() ? "use some of " + join_names(names)
                                          : "did you mean \"" + suggestion +
                                                "\"? (events: " + join_names(names) + ")");
      continue;
    }
    if (std::find(chosen.begin(), chosen.end(), item.text) == chosen.end())
      chosen.push_back(item.text);
  }
  kinds = std::move(chosen);
}

void check_webhook(ConfigTableReader& reader, const EventsConfig& config) {
  if (config.webhook.empty() || reader.failed(events, "webhook"))
    return;
  auto url = parse_webhook_url(config.webhook);
  if (!url) {
    reader.report(events, "webhook", "`events.webhook`: " + url.error().message, "");
    return;
  }
  if (config.log_file.empty() && !reader.failed(events, "log_file")) {
    reader.report(events, "webhook", "`events.webhook` is set but `events.log_file` is \"\"",
                  "the webhook sends what the event log holds: set log_file, e.g. "
                  "\"./var/events/events.jsonl\", or webhook = \"\"");
  }
  if (config.webhook_secret_file.empty() && !reader.failed(events, "webhook_secret_file")) {
    reader.report(events, "webhook_secret_file", "`events.webhook_secret_file` is empty",
                  "name the file holding the HMAC key of X-Volley-Signature, e.g. "
                  "\"./var/webhook.secret\" (generated at first start)");
  }
}

void check_values(ConfigTableReader& reader, const EventsConfig& config) {
  if (config.rotate_size < min_rotate_size && !reader.failed(events, "rotate_size")) {
    reader.report(events, "rotate_size", "`events.rotate_size` is smaller than 4KiB",
                  "rotate the event log at a size such as \"64MiB\"");
  }
  check_count_range(reader, events, "keep", config.keep, 0, max_keep,
                    "keep 0 to 1000 rotated files (default 10); events not yet sent to the "
                    "webhook are lost when their file is deleted");
  check_count_range(reader, events, "batch_size", config.batch_size, 1, max_batch_size,
                    "send 1 to 100000 events per POST (default 500)");
  check_duration_range(reader, events, "batch_delay", config.batch_delay_ms, 0, hour_ms, 1,
                       "use 0s to 1h, e.g. \"1s\"");
  check_duration_range(reader, events, "retry_min", config.retry_min_ms, 10, hour_ms, 1,
                       "use 10ms to 1h, e.g. \"1s\"");
  check_duration_range(reader, events, "retry_max", config.retry_max_ms, 10, 24 * hour_ms, 1,
                       "use 10ms to 24h, e.g. \"5m\"");
  check_not_larger(reader, config.retry_min_ms > config.retry_max_ms,
                   {events, "retry_min", describe_duration(config.retry_min_ms, 1)},
                   {events, "retry_max", describe_duration(config.retry_max_ms, 1)},
                   "retries start at retry_min and double up to retry_max");
  check_duration_range(reader, events, "timeout", config.timeout_ms, 100, hour_ms, 1,
                       "use 100ms to 1h, e.g. \"10s\"");
}

} // namespace

const std::vector<std::string_view>& event_kind_names() {
  static const std::vector<std::string_view> names{"delivered", "deferred",   "bounced",
                                                   "expired",   "suppressed", "complaint"};
  return names;
}

SectionSchema events_section_schema() {
  return {events,
          {"log_file", "rotate_size", "keep", "webhook", "webhook_secret_file", "webhook_ca_file",
           "batch_size", "batch_delay", "retry_min", "retry_max", "timeout", "kinds"}};
}

void read_events_section(ConfigTableReader& reader, EventsConfig& config) {
  reader.read_string(events, "log_file", config.log_file);
  reader.read_size(events, "rotate_size", config.rotate_size);
  reader.read_count(events, "keep", config.keep);
  reader.read_string(events, "webhook", config.webhook);
  reader.read_string(events, "webhook_secret_file", config.webhook_secret_file);
  reader.read_string(events, "webhook_ca_file", config.webhook_ca_file);
  reader.read_count(events, "batch_size", config.batch_size);
  reader.read_duration_ms(events, "batch_delay", config.batch_delay_ms);
  reader.read_duration_ms(events, "retry_min", config.retry_min_ms);
  reader.read_duration_ms(events, "retry_max", config.retry_max_ms);
  reader.read_duration_ms(events, "timeout", config.timeout_ms);
  read_kinds(reader, config.kinds);
  check_webhook(reader, config);
  check_values(reader, config);
}

} // namespace volley::policy
