// Control API (v1, see shared API.md) request bodies decoded from JSON into plain structs, with
// validation. Pure: bytes in, values or an Error out. Errors name the JSON line/column or the
// field. Never trusts sizes from the client: every string is bounded by DecodeLimits.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/address.hpp"
#include "protocol/result.hpp"

namespace volley::protocol {

struct DecodeLimits {
  // Raw RFC 5322 message; larger -> too_large (413).
  std::size_t max_message_bytes = 10 * 1024 * 1024;
  std::size_t max_vars_bytes = 16 * 1024; // one recipient's "vars" object, serialized
  std::size_t max_recipient_id_bytes = 256;
  std::size_t max_inline_recipients = 100000; // "recipients" array in POST /v1/campaigns
  std::size_t max_tags = 64;
  std::size_t max_tag_bytes = 256; // each key and each value of "tags"
};

struct RecipientInput {
  std::string to;        // as the client sent it
  Mailbox mailbox;       // parsed
  std::string vars_json; // "" or a serialized JSON object of string values
  std::string crm_id;    // the CRM's own id ("id"), "" if absent
};

struct RecipientRejection {
  std::uint64_t index = 0; // array index (inline) or 0-based line number (NDJSON)
  std::string to;          // what was sent ("" if absent / unparseable)
  std::string error;       // why, e.g. "domain label longer than 63 octets"
};

using Tags = std::vector<std::pair<std::string, std::string>>;

struct CampaignCreateRequest {
  std::string id; // "" = let the server assign one; else [A-Za-z0-9._:-]{1,64}
  Mailbox from;
  std::string message;                   // raw RFC 5322 text, may hold {{name}} merge fields
  std::vector<std::string> merge_fields; // MergeTemplate::fields() of message; empty = static
  std::vector<RecipientInput> recipients;
  // Invalid entries of "recipients" (the request is still accepted).
  std::vector<RecipientRejection> rejected;
  Tags tags;
  std::int64_t not_before_ms = 0;   // unix ms; 0 = now
  std::int64_t expires_after_s = 0; // 0 = server default
  // "" or the http(s) URL of the campaign's List-Unsubscribe (may hold {{name}} merge fields);
  // refused when the message has its own List-Unsubscribe field.
  std::string unsubscribe_url;
};

struct MessageRequest { // POST /v1/messages: one transactional message
  Mailbox from;
  std::vector<RecipientInput> to; // every address must be valid, else the whole request is 400
  std::string message;
  std::vector<std::string> merge_fields; // as in CampaignCreateRequest
  Tags tags;
};

struct SuppressionRequest { // PUT /v1/suppressions/{addr}
  std::string reason;       // free text, may be empty
};

// Each returns bad_json with "line L, column C: <what>" for unparseable input, invalid_request
// naming the field for wrong types/values, invalid_address for a bad "from", too_large for an
// oversized message.
//
// Decoding rules shared by all requests (where the API text is silent):
// - Lines count "\n" from 1; columns count UTF-8 characters from 1. An empty body is bad_json.
// - Unknown fields are ignored; an optional field set to null is treated as absent.
// - "vars" and "tags" values must be strings; numbers and booleans are accepted and converted to
//   their JSON text as a string (42 -> "42", 2.5 -> "2.5", true -> "true"); null, arrays and
//   objects are type errors. An empty "vars" object gives vars_json "". Duplicate keys: the last
//   one wins.
// - Recipient "id": a string, or an integer converted to decimal (CRMs send numeric ids); a
//   fractional or out-of-range number is a type error. "" counts as absent.
// - Inline "recipients": an entry that is not an object, has no valid "to", or whose "vars"/"id"
//   exceed their limits goes to `rejected` (to = the "to" string if there was one, cut to 320
//   bytes); an entry field of the wrong JSON type fails the whole request with invalid_request
//   naming the path, e.g. "recipients"[12]."vars"."name" must be a string, not an array.
// - "to" of a message: strings or recipient objects; any invalid entry fails the request,
//   naming the index ("to"[3]: ...). At most max_inline_recipients entries.
// - "message" must be a non-empty string that compiles as a merge template (compile_merge_template;
//   its error, prefixed with "message": , is the invalid_request). A recipient whose "vars" lack a
//   field the message uses is rejected like an invalid address: into `rejected` (campaign) or the
//   whole request fails naming "to"[i] (message); the text is missing_merge_field_error().
// - "message" must be a non-empty string. "expires_after" must be a duration string > 0.
// - Campaign "id": string satisfying is_valid_campaign_id. "tags": at most max_tags entries, keys
//   non-empty, keys and values at most max_tag_bytes.
Result<CampaignCreateRequest> decode_campaign_create(std::string_view body,
                                                     const DecodeLimits& limits);
Result<MessageRequest> decode_message_request(std::string_view body, const DecodeLimits& limits);
// An empty body means no reason. "reason" must be a string of at most 1024 bytes.
Result<SuppressionRequest> decode_suppression_request(std::string_view body);

// One NDJSON line of POST /v1/campaigns/{id}/recipients: {"to": addr, "vars"?: {..}, "id"?: str}.
// The error message is meant for RecipientRejection::error (column given for JSON syntax errors).
// Error codes: bad_json (syntax), invalid_request (wrong types), invalid_address ("to" missing or
// invalid), too_large ("vars"/"id" over the limit). A thread_local SAX parser decodes typical lines
// without a DOM (a thread_local DOM parser and arena handle the rest and all errors), so it
// allocates only for the result; safe to call from any number of threads.
Result<RecipientInput> decode_recipient_line(std::string_view line, const DecodeLimits& limits);
// Same; on failure *to_on_error receives the line's "to" string (cut to 320 bytes) or "" - use it
// for RecipientRejection::to.
Result<RecipientInput> decode_recipient_line(std::string_view line, const DecodeLimits& limits,
                                             std::string* to_on_error);

// "72h", "30m", "45s", "3d", "1h30m" -> seconds. Errors for empty, negative, unknown unit,
// overflow. Units are d, h, m, s (lower case), each used at most once, largest first; "0s" is 0.
Result<std::int64_t> parse_duration_seconds(std::string_view text);
// RFC 3339 date-time ("2026-11-23T10:00:00Z", "...+01:00", fractional seconds) -> unix
// milliseconds. Accepts 't'/'z' and a space separator (RFC 3339 5.6 note); fractions are truncated
// to ms; second 60 (leap second) is accepted and counts as the next minute's first second.
Result<std::int64_t> parse_rfc3339_ms(std::string_view text);
// Campaign ids: 1..64 chars of [A-Za-z0-9._:-].
bool is_valid_campaign_id(std::string_view id);

} // namespace volley::protocol
