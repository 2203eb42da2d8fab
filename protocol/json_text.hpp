// JSON text helpers for the control API decoders: complete-text parsing with a line/column error
// position, JSON string escaping, value descriptions for error messages. Pure; never throws on bad
// input (only std::bad_alloc can escape).
#pragma once

#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol::json_text {

enum class Position {
  line_and_column, // request bodies: "line 3, column 17: syntax error"
  column_only,     // one NDJSON line: "column 17: syntax error"
};

// Parses text as exactly one JSON value (surrounding whitespace allowed) with a parser the caller
// has reset() to the storage the value should live in. Errors are bad_json; columns count UTF-8
// characters from 1, lines count "\n" from 1.
Result<boost::json::value> parse_complete(boost::json::parser& parser, std::string_view text,
                                          Position position);

// "line L, column C" / "column C" for a byte offset into text.
std::string describe_offset(std::string_view text, std::size_t offset, Position position);

// Appends text as a JSON string literal (quotes included). text must be valid UTF-8.
void append_quoted(std::string& out, std::string_view text);

// Appends a string, number or boolean as a JSON string literal (42 -> "42", true -> "true").
// Returns false (appending nothing) for null, arrays, objects and non-finite numbers.
bool append_scalar_as_string(std::string& out, const boost::json::value& value);

// Same conversion into a plain string (replacing out).
bool scalar_to_string(const boost::json::value& value, std::string& out);

// "a string", "a number", "an array", ... for "must be X, not Y" messages.
const char* kind_name(const boost::json::value& value);

// Client text for an error message: JSON-quoted, cut to max_bytes on a UTF-8 boundary ("..." marks
// a cut), so messages stay short and printable whatever the client sent.
std::string quote_for_message(std::string_view text, std::size_t max_bytes = 64);

inline std::string_view view(const boost::json::string& text) {
  return {text.data(), text.size()};
}

} // namespace volley::protocol::json_text
