// Control API (v1, see shared API.md) request bodies decoded from JSON into plain structs, with
// validation. Pure: bytes in, values or an Error out. Errors name the JSON line/column or the field.
// Never trusts sizes from the client: every string is bounded by DecodeLimits.
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
  std::size_t max_message_bytes = 10 * 1024 * 1024;  // raw RFC 5322 message; larger -> too_large (413)
  std::size_t max_vars_bytes = 16 * 1024;             // one recipient's "vars" object, serialized
  std::size_t max_recipient_id_bytes = 256;
  std::size_t max_inline_recipients = 100000;  // "recipients" array in POST /v1/campaigns
  std::size_t max_tags = 64;
};

struct RecipientInput {
  std::string to;         // as the client sent it
  Mailbox mailbox;        // parsed
  std::string vars_json;  // "" or a serialized JSON object of string values
  std::string crm_id;     // the CRM's own id ("id"), "" if absent
};

struct RecipientRejection {
  std::uint64_t index = 0;  // array index (inline) or 0-based line number (NDJSON)
  std::string to;           // what was sent ("" if absent / unparseable)
  std::string error;        // why, e.g. "domain label longer than 63 octets"
};

using Tags = std::vector<std::pair<std::string, std::string>>;

struct CampaignCreateRequest {
  std::string id;  // "" = let the server assign one; else [A-Za-z0-9._:-]{1,64}
  Mailbox from;
  std::string message;  // raw RFC 5322 text, may hold {{name}} merge fields
  std::vector<RecipientInput> recipients;
  std::vector<RecipientRejection> rejected;  // invalid entries of "recipients" (request still accepted)
  Tags tags;
  std::int64_t not_before_ms = 0;    // unix ms; 0 = now
  std::int64_t expires_after_s = 0;  // 0 = server default
};

struct MessageRequest {  // POST /v1/messages: one transactional message
  Mailbox from;
  std::vector<RecipientInput> to;  // every address must be valid, else the whole request is 400
  std::string message;
  Tags tags;
};

struct SuppressionRequest {  // PUT /v1/suppressions/{addr}
  std::string reason;        // free text, may be empty
};

// Each returns bad_json with "line L, column C: <what>" for unparseable input, invalid_request naming
// the field for wrong types/values, invalid_address for a bad "from", too_large for an oversized
// message.
Result<CampaignCreateRequest> decode_campaign_create(std::string_view body, const DecodeLimits& limits);
Result<MessageRequest> decode_message_request(std::string_view body, const DecodeLimits& limits);
Result<SuppressionRequest> decode_suppression_request(std::string_view body);

// One NDJSON line of POST /v1/campaigns/{id}/recipients: {"to": addr, "vars"?: {..}, "id"?: str}.
// The error message is meant for RecipientRejection::error (column given for JSON syntax errors).
Result<RecipientInput> decode_recipient_line(std::string_view line, const DecodeLimits& limits);

// "72h", "30m", "45s", "3d", "1h30m" -> seconds. Errors for empty, negative, unknown unit, overflow.
Result<std::int64_t> parse_duration_seconds(std::string_view text);
// RFC 3339 date-time ("2026-11-23T10:00:00Z", "...+01:00", fractional seconds) -> unix milliseconds.
Result<std::int64_t> parse_rfc3339_ms(std::string_view text);
// Campaign ids: 1..64 chars of [A-Za-z0-9._:-].
bool is_valid_campaign_id(std::string_view id);

}  // namespace volley::protocol
