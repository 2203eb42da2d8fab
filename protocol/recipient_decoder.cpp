// Recipient decoding: one object to a RecipientInput (type checks, vars serialisation, CRM id,
// address) and the NDJSON line entry point: SAX fast path first, then this DOM decoder
// (thread-local parser and arena) for anything the fast path leaves. Never builds error text on
// success.
#include "protocol/recipient_decoder.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>

#include "protocol/json_text.hpp"
#include "protocol/recipient_line_handler.hpp"
#include "protocol/utf8.hpp"

namespace volley::protocol {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxEchoedToBytes = 320;

Error type_error(const RecipientLocation& where, const std::string& field,
                 std::string_view expected, const json::value& got) {
  std::string message = where.prefix() + field + " must be " + std::string(expected) + ", not ";
  const bool out_of_range = got.is_double() && !std::isfinite(got.get_double());
  message += out_of_range ? "a number out of range" : json_text::kind_name(got);
  return make_error(error_code::invalid_request, std::move(message));
}

// Writes the vars object as compact JSON with every value as a string; "" for an empty object.
std::optional<Error> serialize_vars(const json::object& vars, const RecipientLocation& where,
                                    std::string& out) {
  if (vars.empty())
    return std::nullopt;
  out += '{';
  for (const json::key_value_pair& member : vars) {
    if (out.size() > 1)
      out += ',';
    json_text::append_quoted(out, member.key());
    out += ':';
    if (!json_text::append_scalar_as_string(out, member.value())) {
      return type_error(where, "\"vars\"." + json_text::quote_for_message(member.key()), "a string",
                        member.value());
    }
  }
  out += '}';
  return std::nullopt;
}

std::optional<Error> decode_crm_id(const json::value& id, const RecipientLocation& where,
                                   std::string& out) {
  if (id.is_string() || id.is_int64() || id.is_uint64()) {
    json_text::scalar_to_string(id, out);
    return std::nullopt;
  }
  const char* expected = id.is_double() ? "a string or an integer (send large or fractional ids as "
                                          "strings)"
                                        : "a string or an integer";
  return type_error(where, "\"id\"", expected, id);
}

Error too_large(std::string_view field, std::size_t size, std::size_t limit) {
  return make_error(error_code::too_large, std::string(field) + " is " + std::to_string(size) +
                                               " bytes; the limit is " + std::to_string(limit));
}

struct RecipientFields {
  const json::value* to = nullptr;
  const json::value* vars = nullptr;
  const json::value* id = nullptr;
};

// One pass over the members; null counts as absent; unknown members are ignored.
RecipientFields find_recipient_fields(const json::object& object) {
  RecipientFields fields;
  for (const json::key_value_pair& member : object) {
    const json::value* value = member.value().is_null() ? nullptr : &member.value();
    const std::string_view key = member.key();
    if (key == "to") {
      fields.to = value;
    } else if (key == "vars") {
      fields.vars = value;
    } else if (key == "id") {
      fields.id = value;
    }
  }
  return fields;
}

} // namespace

std::string RecipientLocation::prefix() const {
  if (array_name.empty())
    return {};
  return "\"" + std::string(array_name) + "\"[" + std::to_string(index) + "].";
}

Result<RecipientInput> decode_recipient_object(const json::object& object,
                                               const DecodeLimits& limits,
                                               const RecipientLocation& where,
                                               std::string* to_on_error) {
  const RecipientFields fields = find_recipient_fields(object);
  if (to_on_error)
    to_on_error->clear();
  if (fields.to && !fields.to->is_string())
    return type_error(where, "\"to\"", "a string", *fields.to);
  if (fields.to && to_on_error) {
    *to_on_error = utf8::truncate(json_text::view(fields.to->get_string()), kMaxEchoedToBytes);
  }
  if (fields.vars && !fields.vars->is_object()) {
    return type_error(where, "\"vars\"", "an object of strings", *fields.vars);
  }
  RecipientInput recipient;
  if (fields.vars) {
    if (auto error = serialize_vars(fields.vars->get_object(), where, recipient.vars_json)) {
      return *error;
    }
  }
  if (fields.id) {
    if (auto error = decode_crm_id(*fields.id, where, recipient.crm_id))
      return *error;
  }
  if (recipient.vars_json.size() > limits.max_vars_bytes) {
    return too_large("\"vars\" serialized", recipient.vars_json.size(), limits.max_vars_bytes);
  }
  if (recipient.crm_id.size() > limits.max_recipient_id_bytes) {
    return too_large("\"id\"", recipient.crm_id.size(), limits.max_recipient_id_bytes);
  }
  if (!fields.to)
    return make_error(error_code::invalid_address, "\"to\" is missing");
  recipient.to = json_text::view(fields.to->get_string());
  Result<Mailbox> mailbox = parse_mailbox(recipient.to);
  if (!mailbox)
    return mailbox.error();
  recipient.mailbox = std::move(mailbox.value());
  return recipient;
}

namespace {

// Per-thread parser and arena for NDJSON lines: after the first lines no allocation is needed to
// parse a typical line; the arena is emptied after every line.
struct LineParserState {
  static constexpr std::size_t kArenaBytes = std::size_t{16} * 1024;
  std::unique_ptr<unsigned char[]> arena_buffer{new unsigned char[kArenaBytes]};
  json::monotonic_resource arena{arena_buffer.get(), kArenaBytes};
  json::parser parser;

  void clear() {
    parser.reset();
    arena.release();
  }
};

LineParserState& line_parser_state() {
  thread_local LineParserState state;
  return state;
}

Result<RecipientInput> decode_line_with(json::parser& parser, std::string_view line,
                                        const DecodeLimits& limits, std::string* to_on_error) {
  Result<json::value> parsed =
      json_text::parse_complete(parser, line, json_text::Position::column_only);
  if (!parsed)
    return parsed.error();
  if (!parsed->is_object()) {
    return make_error(error_code::invalid_request,
                      std::string("line must be a JSON object like {\"to\": \"user@example.com\"}, "
                                  "not ") +
                          json_text::kind_name(*parsed));
  }
  return decode_recipient_object(parsed->get_object(), limits, RecipientLocation{}, to_on_error);
}

} // namespace

Result<RecipientInput> decode_recipient_line(std::string_view line, const DecodeLimits& limits,
                                             std::string* to_on_error) {
  if (to_on_error)
    to_on_error->clear();
  RecipientInput recipient;
  if (decode_recipient_line_fast(line, limits, recipient))
    return recipient;
  LineParserState& state = line_parser_state();
  state.clear();
  state.parser.reset(json::storage_ptr(&state.arena));
  Result<RecipientInput> result = decode_line_with(state.parser, line, limits, to_on_error);
  state.clear();
  return result;
}

Result<RecipientInput> decode_recipient_line(std::string_view line, const DecodeLimits& limits) {
  return decode_recipient_line(line, limits, nullptr);
}

} // namespace volley::protocol
