// Field decoders shared by the control API request decoders ("from", "message", "tags", lookups and
// type errors). Internal to protocol/. Errors name the field as a JSON path ("tags"."k").
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/api_requests.hpp"

namespace volley::protocol::api_fields {

// The member's value, or nullptr when absent or null.
const boost::json::value* find(const boost::json::object& object, std::string_view name);

Error missing(std::string_view name); // invalid_request: "from" is missing
// invalid_request: <path> must be <expected>, not <kind of got>
Error wrong_type(std::string_view path, std::string_view expected, const boost::json::value& got);
std::string path_of(std::string_view name); // "\"name\""

// Required "from": a string holding a valid mailbox (invalid_address otherwise).
std::optional<Error> decode_sender(const boost::json::object& body, Mailbox& out);
// Required "message": a non-empty string of at most limits.max_message_bytes (too_large otherwise).
std::optional<Error> decode_message_text(const boost::json::object& body,
                                         const DecodeLimits& limits, std::string& out);
// Optional "tags": an object of at most limits.max_tags string (or number/boolean) values.
std::optional<Error> decode_tags(const boost::json::object& body, const DecodeLimits& limits,
                                 Tags& out);

} // namespace volley::protocol::api_fields
