// Shared field decoders for control API requests (see api_request_fields.hpp). Every size is
// checked against DecodeLimits; never echoes more than a short, escaped piece of client text.
#include "protocol/api_request_fields.hpp"

#include "protocol/json_text.hpp"

namespace volley::protocol::api_fields {

namespace json = boost::json;

namespace {

Error invalid_request(std::string message) {
  return make_error(error_code::invalid_request, std::move(message));
}

std::optional<Error> check_tag_sizes(std::string_view key, std::string_view value,
                                     const DecodeLimits& limits) {
  if (key.empty())
    return invalid_request("\"tags\" has an empty key");
  const std::string path = "\"tags\"." + json_text::quote_for_message(key);
  if (key.size() > limits.max_tag_bytes) {
    return invalid_request(path + " key is " + std::to_string(key.size()) +
                           " bytes; the limit is " + std::to_string(limits.max_tag_bytes));
  }
  if (value.size() > limits.max_tag_bytes) {
    return invalid_request(path + " is " + std::to_string(value.size()) + " bytes; the limit is " +
                           std::to_string(limits.max_tag_bytes));
  }
  return std::nullopt;
}

} // namespace

const json::value* find(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return value && !value->is_null() ? value : nullptr;
}

std::string path_of(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

Error missing(std::string_view name) {
  return invalid_request(path_of(name) + " is missing");
}

Error wrong_type(std::string_view path, std::string_view expected, const json::value& got) {
  return invalid_request(std::string(path) + " must be " + std::string(expected) + ", not " +
                         json_text::kind_name(got));
}

std::optional<Error> decode_sender(const json::object& body, Mailbox& out) {
  const json::value* from = find(body, "from");
  if (!from)
    return missing("from");
  if (!from->is_string())
    return wrong_type("\"from\"", "an address string", *from);
  Result<Mailbox> mailbox = parse_mailbox(json_text::view(from->get_string()));
  if (!mailbox) {
    return make_error(error_code::invalid_address, "\"from\": " + mailbox.error().message);
  }
  out = std::move(mailbox.value());
  return std::nullopt;
}

std::optional<Error> decode_message_text(const json::object& body, const DecodeLimits& limits,
                                         std::string& out) {
  const json::value* message = find(body, "message");
  if (!message)
    return missing("message");
  if (!message->is_string())
    return wrong_type("\"message\"", "a string", *message);
  const json::string& text = message->get_string();
  if (text.empty())
    return invalid_request("\"message\" is empty; send the raw RFC 5322 message");
  if (text.size() > limits.max_message_bytes) {
    return make_error(error_code::too_large,
                      "\"message\" is " + std::to_string(text.size()) + " bytes; the limit is " +
                          std::to_string(limits.max_message_bytes) + " bytes");
  }
  out.assign(text.data(), text.size());
  return std::nullopt;
}

std::optional<Error> decode_tags(const json::object& body, const DecodeLimits& limits, Tags& out) {
  const json::value* tags = find(body, "tags");
  if (!tags)
    return std::nullopt;
  if (!tags->is_object())
    return wrong_type("\"tags\"", "an object of strings", *tags);
  const json::object& members = tags->get_object();
  if (members.size() > limits.max_tags) {
    return invalid_request("\"tags\" has " + std::to_string(members.size()) +
                           " entries; the limit is " + std::to_string(limits.max_tags));
  }
  out.reserve(members.size());
  for (const json::key_value_pair& member : members) {
    const std::string_view key = member.key();
    std::string value;
    if (!json_text::scalar_to_string(member.value(), value)) {
      return wrong_type("\"tags\"." + json_text::quote_for_message(key), "a string",
                        member.value());
    }
    if (auto error = check_tag_sizes(key, value, limits))
      return error;
    out.emplace_back(std::string(key), std::move(value));
  }
  return std::nullopt;
}

} // namespace volley::protocol::api_fields
