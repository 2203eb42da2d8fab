// Event formatting (see event_record.hpp). Field order is fixed so that log lines are easy to
// read and to grep; receivers must not rely on it.
#include "engine/event_record.hpp"

#include <boost/json/parse.hpp>

#include "engine/api_json.hpp"
#include "protocol/json_text.hpp"
#include "protocol/utf8.hpp"

namespace volley::engine {
namespace {

constexpr std::string_view names[event_kind_count] = {"delivered", "deferred",   "bounced",
                                                      "expired",   "suppressed", "complaint"};

// A JSON string of text, with bytes that are not UTF-8 replaced by U+FFFD.
void append_text(std::string& out, std::string_view text) {
  if (protocol::utf8::find_invalid(text) == std::string_view::npos) {
    protocol::json_text::append_quoted(out, text);
    return;
  }
  std::string repaired;
  for (std::size_t pos = 0; pos < text.size();) {
    auto decoded = protocol::utf8::decode_at(text, pos);
    if (decoded.length == 0) {
      repaired += "\xEF\xBF\xBD";
      ++pos;
      continue;
    }
    repaired.append(text.substr(pos, decoded.length));
    pos += decoded.length;
  }
  protocol::json_text::append_quoted(out, repaired);
}

void append_field(std::string& out, std::string_view name, std::string_view text) {
  out += ",\"";
  out += name;
  out += "\":";
  append_text(out, text);
}

void append_number(std::string& out, std::string_view name, std::int64_t value) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

} // namespace

std::string_view event_name(EventKind kind) {
  return names[static_cast<std::size_t>(kind)];
}

std::optional<EventKind> event_kind_from_name(std::string_view name) {
  for (std::size_t i = 0; i < event_kind_count; ++i)
    if (names[i] == name)
      return static_cast<EventKind>(i);
  return std::nullopt;
}

Event event_from_bounce(EventKind kind, const queue::BounceRecord& record, std::uint32_t attempts) {
  Event event;
  event.kind = kind;
  event.at_ms = record.at_ms;
  event.campaign = record.campaign;
  event.recipient = record.recipient;
  event.recipient_id = record.recipient_id;
  event.attempts = attempts;
  event.reply_kind = record.kind;
  event.status = record.status;
  event.smtp_code = record.smtp_code;
  event.reason = record.reason;
  event.diagnostic = record.diagnostic;
  event.remote_mta = record.remote_mta;
  event.source = record.source;
  return event;
}

std::string event_json(const Event& event, std::uint64_t seq) {
  std::string out = "{\"seq\":" + std::to_string(seq);
  append_field(out, "at", format_rfc3339_ms(event.at_ms));
  append_field(out, "event", event_name(event.kind));
  append_field(out, "campaign", event.campaign);
  append_field(out, "recipient", event.recipient);
  append_field(out, "recipient_id", event.recipient_id);
  append_number(out, "attempts", event.attempts);
  if (!event.reply_kind.empty()) {
    append_field(out, "kind", event.reply_kind);
    append_field(out, "status", event.status);
    append_number(out, "smtp_code", event.smtp_code);
    append_field(out, "reason", event.reason);
    append_field(out, "diagnostic", event.diagnostic);
    append_field(out, "remote_mta", event.remote_mta);
    append_field(out, "source", event.source);
  }
  out += '}';
  return out;
}

std::optional<std::uint64_t> event_line_seq(std::string_view line) {
  boost::system::error_code ec;
  auto value = boost::json::parse(line, ec);
  if (ec || !value.is_object())
    return std::nullopt;
  const auto* seq = value.as_object().if_contains("seq");
  if (!seq || !seq->is_number())
    return std::nullopt;
  auto n = seq->to_number<std::uint64_t>(ec);
  return ec ? std::nullopt : std::optional<std::uint64_t>(n);
}

} // namespace volley::engine
