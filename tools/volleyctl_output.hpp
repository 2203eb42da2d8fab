// Human renderings of volleyd's JSON answers for volleyctl: tables for lists, key/value blocks for
// single objects, "error: code: message" for failures. Counts carry thousands separators, times
// are shortened or shown as ages, states are coloured when the style allows it. Pure (JSON and the
// current time in, text out); never throws on answers of an unexpected shape — missing fields
// print as empty.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/cli_format.hpp"

namespace volley::tools {

// A JSON scalar as text: strings unquoted, numbers and booleans as written, null/absent as "".
std::string json_field_text(const boost::json::value* value);
// The member `key` of `object` (null when it is not an object or has no such member), and its text.
const boost::json::value* field(const boost::json::value& object, std::string_view key);
std::string text_of(const boost::json::value& object, std::string_view key);
std::uint64_t json_field_count(const boost::json::value& object, std::string_view key);
// The "next" cursor of a list answer, or nullopt when it is null or absent.
std::optional<std::string> json_next_cursor(const boost::json::value& answer);

// "error: <code>: <message>" from an error answer; falls back to "error: HTTP <status>: <body>".
std::string render_error_answer(int status, std::string_view body);

// Recipients of a campaign answer in a final state (delivered, bounced, suppressed, expired,
// cancelled) and still to go (queued, in flight, deferred); total is "total" or their sum.
struct CampaignProgress {
  std::uint64_t done = 0, left = 0, total = 0;
};
CampaignProgress campaign_progress(const boost::json::value& campaign);

// ID STATE TOTAL DONE QUEUED IN_FLIGHT DELIVERED DEFERRED BOUNCED SUPPRESSED EXPIRED CANCELLED
// CREATED (an age when now_ms > 0, else the time).
std::string render_campaign_table(const boost::json::value& answer, const TerminalStyle& style = {},
                                  std::int64_t now_ms = 0);
// The ids of a campaign list, one per line.
std::string render_campaign_ids(const boost::json::value& answer);
std::string render_campaign_status(const boost::json::value& answer,
                                   const TerminalStyle& style = {}, std::int64_t now_ms = 0);
// "<accepted> accepted, <n> duplicates, <n> suppressed, <n> rejected" and the first 10 rejections.
std::string render_recipient_counts(const boost::json::value& answer);
std::string render_rejections(const boost::json::value& answer, std::size_t max_rows = 10);
std::string render_suppressions(const boost::json::value& answer, const TerminalStyle& style = {});
// AT RECIPIENT KIND STATUS CODE REASON DIAGNOSTIC (+ CAMPAIGN when show_campaign); the diagnostic
// is cut to the style's width. Takes a bounce list answer or a bare array of records.
std::string render_bounces(const boost::json::value& answer, const TerminalStyle& style = {},
                           bool show_campaign = true);
// GET /healthz: status and spool figures with units.
std::string render_health(const boost::json::value& answer, const TerminalStyle& style = {});
// Nested objects flattened to "a.b  value" lines (small answers of unknown shape).
std::string render_flat_object(const boost::json::value& answer);

} // namespace volley::tools
