// The [events] section of volleyd's configuration: the JSON-lines event log (delivered, deferred,
// bounced, expired, suppressed, complaint) with size-based rotation, and the webhook that POSTs
// batches of those events to a CRM. Plain data plus the reader; the webhook secret is read (or
// generated) by the engine at start. Never touches the network or the file system.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config_table_reader.hpp"

namespace volley::policy {

// The event names, in the order they are documented.
const std::vector<std::string_view>& event_kind_names();

struct EventsConfig {
  std::string log_file = "./var/events/events.jsonl"; // "" = no event log (and no webhook)
  std::uint64_t rotate_size = 64ull << 20;            // rotate events.jsonl beyond this size
  std::uint64_t keep = 10;                            // rotated files kept: .1 (newest) ... .keep
  std::string webhook;                                // "" = off; http(s)://host[:port]/path
  std::string webhook_secret_file = "./var/webhook.secret"; // HMAC key; generated (0600)
  std::string webhook_ca_file;        // https: CA certificates (PEM); "" = the system CA store
  std::uint64_t batch_size = 500;     // events per POST at most
  std::int64_t batch_delay_ms = 1000; // wait this long for a batch to fill
  std::int64_t retry_min_ms = 1000;   // first delay after a failed POST ...
  std::int64_t retry_max_ms = 300000; // ... doubling up to this
  std::int64_t timeout_ms = 10000;    // one POST: connect, send, answer
  std::vector<std::string> kinds{event_kind_names().begin(), event_kind_names().end()};
  bool operator==(const EventsConfig&) const = default;
};

SectionSchema events_section_schema();

// Reads and checks [events]; keys not in the file keep their value.
void read_events_section(ConfigTableReader& reader, EventsConfig& events);

} // namespace volley::policy
