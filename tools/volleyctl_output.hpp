// Human renderings of volleyd's JSON answers for volleyctl: tables for lists, key/value blocks for
// single objects, "error: code: message" for failures. Pure (JSON in, text out); never throws on
// answers of an unexpected shape — missing fields print as empty.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace volley::tools {

// A JSON scalar as text: strings unquoted, numbers and booleans as written, null/absent as "".
std::string json_field_text(const boost::json::value* value);
std::uint64_t json_field_count(const boost::json::value& object, std::string_view key);
// The "next" cursor of a list answer, or nullopt when it is null or absent.
std::optional<std::string> json_next_cursor(const boost::json::value& answer);

// "error: <code>: <message>" from an error answer; falls back to "error: HTTP <status>: <body>".
std::string render_error_answer(int status, std::string_view body);

// ID STATE QUEUED IN_FLIGHT DELIVERED DEFERRED BOUNCED SUPPRESSED EXPIRED CANCELLED.
std::string render_campaign_table(const boost::json::value& answer);
std::string render_campaign_status(const boost::json::value& answer);
// "<accepted> accepted, <n> duplicates, <n> suppressed, <n> rejected" and the first 10 rejections.
std::string render_recipient_counts(const boost::json::value& answer);
std::string render_rejections(const boost::json::value& answer, std::size_t max_rows = 10);
std::string render_suppressions(const boost::json::value& answer);
std::string render_bounces(const boost::json::value& answer);
// GET /v1/queues: one row per destination site.
std::string render_queues(const boost::json::value& answer);
// Nested objects flattened to "a.b  value" lines (health and other small answers).
std::string render_flat_object(const boost::json::value& answer);

} // namespace volley::tools
