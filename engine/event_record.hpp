// Event: one line of the event log (delivered, deferred, bounced, expired, suppressed, complaint)
// and its JSON text. Plain data and pure formatting: never touches files or the network, and never
// writes invalid JSON (text that is not UTF-8 is repaired with U+FFFD).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "queue/spool_types.hpp"

namespace volley::engine {

enum class EventKind : std::uint8_t {
  delivered,
  deferred,
  bounced,
  expired,
  suppressed,
  complaint
};
constexpr std::size_t event_kind_count = 6;

std::string_view event_name(EventKind kind);
std::optional<EventKind> event_kind_from_name(std::string_view name);

struct Event {
  EventKind kind = EventKind::delivered;
  std::int64_t at_ms = 0; // 0 = when it is written
  std::string campaign;
  std::string recipient;
  std::string recipient_id; // the CRM's id ("" = none given)
  std::uint32_t attempts = 0;
  // What happened, for bounced / deferred / expired / complaint; not written when reply_kind is "".
  std::string reply_kind; // "hard" | "soft" | "complaint" (written as "kind")
  std::string status;     // enhanced status "5.1.1"
  int smtp_code = 0;
  std::string reason; // category ("bad_mailbox", "expired", ...)
  std::string diagnostic;
  std::string remote_mta;
  std::string source; // "sync" | "dsn" | "arf"
};

// An event carrying a bounce record's fields (reply_kind = record.kind).
Event event_from_bounce(EventKind kind, const queue::BounceRecord& record, std::uint32_t attempts);

// {"seq":..,"at":"2026-01-02T03:04:05.678Z","event":..,...} without a trailing newline.
std::string event_json(const Event& event, std::uint64_t seq);

// The seq of one event line, or nullopt when the line is not a JSON object with a numeric seq
// (the whole line is parsed: a line that passes is safe to embed in a JSON array).
std::optional<std::uint64_t> event_line_seq(std::string_view line);

} // namespace volley::engine
