// Control API request decoders: POST /v1/campaigns, POST /v1/messages, PUT /v1/suppressions/{addr}.
// JSON body in, validated struct or one precise Error out. Never half-decodes: on any error nothing
// of the request is returned.
#include "protocol/api_requests.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>

#include "protocol/api_request_fields.hpp"
#include "protocol/bulk_headers.hpp"
#include "protocol/json_text.hpp"
#include "protocol/merge_field_check.hpp"
#include "protocol/merge_template.hpp"
#include "protocol/recipient_decoder.hpp"
#include "protocol/utf8.hpp"

namespace volley::protocol {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxSuppressionReasonBytes = 1024;
constexpr std::size_t kMaxEchoedToBytes = 320;

Error invalid_request(std::string message) {
  return make_error(error_code::invalid_request, std::move(message));
}

// Parses a whole request body into an object living in the caller's arena.
Result<json::value> parse_body(std::string_view body, json::monotonic_resource& arena) {
  json::parser parser;
  parser.reset(json::storage_ptr(&arena));
  Result<json::value> parsed =
      json_text::parse_complete(parser, body, json_text::Position::line_and_column);
  if (parsed && !parsed->is_object()) {
    return invalid_request(std::string("request body must be a JSON object, not ") +
                           json_text::kind_name(*parsed));
  }
  return parsed;
}

Error too_many_entries(std::string_view field, std::size_t count, std::size_t limit) {
  return invalid_request(api_fields::path_of(field) + " has " + std::to_string(count) +
                         " entries; the limit is " + std::to_string(limit));
}

std::optional<Error> decode_campaign_id(const json::object& body, std::string& out) {
  const json::value* id = api_fields::find(body, "id");
  if (!id)
    return std::nullopt;
  if (!id->is_string())
    return api_fields::wrong_type("\"id\"", "a string", *id);
  const std::string_view text = json_text::view(id->get_string());
  if (!is_valid_campaign_id(text)) {
    return invalid_request("\"id\" " + json_text::quote_for_message(text) +
                           " is not a valid campaign id: use 1 to 64 of A-Z a-z 0-9 . _ : -");
  }
  out = text;
  return std::nullopt;
}

RecipientRejection reject_non_object(std::uint64_t index, const json::value& entry) {
  RecipientRejection rejection{index, {}, {}};
  if (entry.is_string()) {
    rejection.to = utf8::truncate(json_text::view(entry.get_string()), kMaxEchoedToBytes);
  }
  rejection.error =
      std::string("entry must be an object like {\"to\": \"user@example.com\"}, not ") +
      json_text::kind_name(entry);
  return rejection;
}

std::optional<Error> decode_inline_recipients(const json::object& body, const DecodeLimits& limits,
                                              CampaignCreateRequest& out) {
  const json::value* list = api_fields::find(body, "recipients");
  if (!list)
    return std::nullopt;
  if (!list->is_array())
    return api_fields::wrong_type("\"recipients\"", "an array", *list);
  const json::array& entries = list->get_array();
  if (entries.size() > limits.max_inline_recipients) {
    Error error = too_many_entries("recipients", entries.size(), limits.max_inline_recipients);
    error.message += "; upload larger lists as NDJSON to POST /v1/campaigns/{id}/recipients";
    return error;
  }
  out.recipients.reserve(entries.size());
  std::string to_on_error;
  for (std::size_t index = 0; index < entries.size(); ++index) {
    const json::value& entry = entries[index];
    if (!entry.is_object()) {
      out.rejected.push_back(reject_non_object(index, entry));
      continue;
    }
    const RecipientLocation where{"recipients", index};
    Result<RecipientInput> recipient =
        decode_recipient_object(entry.get_object(), limits, where, &to_on_error);
    if (recipient) {
      if (out.merge_fields.empty()) {
        out.recipients.push_back(std::move(recipient.value()));
      } else if (auto missing = first_missing_merge_field(out.merge_fields, recipient->vars_json)) {
        out.rejected.push_back(
            {index, std::move(recipient->to), missing_merge_field_error(*missing)});
      } else {
        out.recipients.push_back(std::move(recipient.value()));
      }
    } else if (recipient.error().code == error_code::invalid_request) {
      return recipient.error();
    } else {
      out.rejected.push_back({index, std::move(to_on_error), recipient.error().message});
    }
  }
  return std::nullopt;
}

std::optional<Error> decode_schedule(const json::object& body, CampaignCreateRequest& out) {
  if (const json::value* not_before = api_fields::find(body, "not_before")) {
    if (!not_before->is_string()) {
      return api_fields::wrong_type("\"not_before\"", "an RFC 3339 date-time string", *not_before);
    }
    Result<std::int64_t> ms = parse_rfc3339_ms(json_text::view(not_before->get_string()));
    if (!ms)
      return invalid_request("\"not_before\": " + ms.error().message);
    out.not_before_ms = ms.value();
  }
  if (const json::value* expires = api_fields::find(body, "expires_after")) {
    if (!expires->is_string()) {
      return api_fields::wrong_type("\"expires_after\"", "a duration string like \"72h\"",
                                    *expires);
    }
    Result<std::int64_t> seconds = parse_duration_seconds(json_text::view(expires->get_string()));
    if (!seconds)
      return invalid_request("\"expires_after\": " + seconds.error().message);
    if (seconds.value() == 0)
      return invalid_request("\"expires_after\" must be longer than 0s");
    out.expires_after_s = seconds.value();
  }
  return std::nullopt;
}

// One entry of a message's "to": an address string or a recipient object; any fault is fatal.
Result<RecipientInput> decode_message_recipient(const json::value& entry, std::uint64_t index,
                                                const DecodeLimits& limits) {
  const std::string where = "\"to\"[" + std::to_string(index) + "]";
  if (entry.is_string()) {
    RecipientInput recipient;
    recipient.to = json_text::view(entry.get_string());
    Result<Mailbox> mailbox = parse_mailbox(recipient.to);
    if (!mailbox)
      return make_error(error_code::invalid_address, where + ": " + mailbox.error().message);
    recipient.mailbox = std::move(mailbox.value());
    return recipient;
  }
  if (!entry.is_object()) {
    return api_fields::wrong_type(where, "an address string or a recipient object", entry);
  }
  Result<RecipientInput> recipient =
      decode_recipient_object(entry.get_object(), limits, RecipientLocation{"to", index}, nullptr);
  if (recipient || recipient.error().code == error_code::invalid_request)
    return recipient;
  return make_error(recipient.error().code.c_str(), where + ": " + recipient.error().message);
}

std::optional<Error> decode_message_recipients(const json::object& body, const DecodeLimits& limits,
                                               std::vector<RecipientInput>& out) {
  const json::value* list = api_fields::find(body, "to");
  if (!list)
    return api_fields::missing("to");
  if (!list->is_array())
    return api_fields::wrong_type("\"to\"", "an array of addresses", *list);
  const json::array& entries = list->get_array();
  if (entries.empty())
    return invalid_request("\"to\" is empty; give at least one address");
  if (entries.size() > limits.max_inline_recipients) {
    return too_many_entries("to", entries.size(), limits.max_inline_recipients);
  }
  out.reserve(entries.size());
  for (std::size_t index = 0; index < entries.size(); ++index) {
    Result<RecipientInput> recipient = decode_message_recipient(entries[index], index, limits);
    if (!recipient)
      return recipient.error();
    out.push_back(std::move(recipient.value()));
  }
  return std::nullopt;
}

// The message's merge fields into fields; invalid_request when it does not compile.
std::optional<Error> compile_merge_fields(std::string_view message,
                                          std::vector<std::string>& fields) {
  Result<MergeTemplate> compiled = compile_merge_template(message);
  if (!compiled)
    return invalid_request("\"message\": " + compiled.error().message);
  fields = compiled->fields();
  return std::nullopt;
}

// "unsubscribe_url", checked, and the merge fields of the message and the URL together.
std::optional<Error> decode_unsubscribe_url(const json::object& body, CampaignCreateRequest& out) {
  if (const json::value* url = api_fields::find(body, "unsubscribe_url")) {
    if (!url->is_string())
      return api_fields::wrong_type("\"unsubscribe_url\"", "a URL string", *url);
    out.unsubscribe_url = json_text::view(url->get_string());
    if (auto checked = check_unsubscribe_url(out.unsubscribe_url); !checked)
      return invalid_request("\"unsubscribe_url\": " + checked.error().message);
    if (has_header_field(out.message, "List-Unsubscribe")) {
      return invalid_request("\"unsubscribe_url\" is given but the message already has a "
                             "List-Unsubscribe field: drop one of the two");
    }
  }
  Result<std::vector<std::string>> fields =
      campaign_merge_field_names(out.message, out.unsubscribe_url);
  if (!fields)
    return fields.error();
  out.merge_fields = std::move(fields.value());
  return std::nullopt;
}

// A message's recipients must all have every merge field: the first that lacks one fails it.
std::optional<Error> check_message_vars(const MessageRequest& request) {
  if (request.merge_fields.empty())
    return std::nullopt;
  for (std::size_t index = 0; index < request.to.size(); ++index) {
    if (auto missing =
            first_missing_merge_field(request.merge_fields, request.to[index].vars_json)) {
      return invalid_request("\"to\"[" + std::to_string(index) +
                             "]: " + missing_merge_field_error(*missing));
    }
  }
  return std::nullopt;
}

} // namespace

Result<CampaignCreateRequest> decode_campaign_create(std::string_view body,
                                                     const DecodeLimits& limits) {
  json::monotonic_resource arena;
  Result<json::value> parsed = parse_body(body, arena);
  if (!parsed)
    return parsed.error();
  const json::object& object = parsed->get_object();
  CampaignCreateRequest request;
  if (auto error = decode_campaign_id(object, request.id))
    return *error;
  if (auto error = api_fields::decode_sender(object, request.from))
    return *error;
  if (auto error = api_fields::decode_message_text(object, limits, request.message))
    return *error;
  if (auto error = decode_unsubscribe_url(object, request))
    return *error;
  if (auto error = decode_inline_recipients(object, limits, request))
    return *error;
  if (auto error = api_fields::decode_tags(object, limits, request.tags))
    return *error;
  if (auto error = decode_schedule(object, request))
    return *error;
  return request;
}

Result<MessageRequest> decode_message_request(std::string_view body, const DecodeLimits& limits) {
  json::monotonic_resource arena;
  Result<json::value> parsed = parse_body(body, arena);
  if (!parsed)
    return parsed.error();
  const json::object& object = parsed->get_object();
  MessageRequest request;
  if (auto error = api_fields::decode_sender(object, request.from))
    return *error;
  if (auto error = decode_message_recipients(object, limits, request.to))
    return *error;
  if (auto error = api_fields::decode_message_text(object, limits, request.message))
    return *error;
  if (auto error = compile_merge_fields(request.message, request.merge_fields))
    return *error;
  if (auto error = check_message_vars(request))
    return *error;
  if (auto error = api_fields::decode_tags(object, limits, request.tags))
    return *error;
  return request;
}

Result<SuppressionRequest> decode_suppression_request(std::string_view body) {
  SuppressionRequest request;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return request;
  json::monotonic_resource arena;
  Result<json::value> parsed = parse_body(body, arena);
  if (!parsed)
    return parsed.error();
  const json::value* reason = api_fields::find(parsed->get_object(), "reason");
  if (!reason)
    return request;
  if (!reason->is_string())
    return api_fields::wrong_type("\"reason\"", "a string", *reason);
  if (reason->get_string().size() > kMaxSuppressionReasonBytes) {
    return invalid_request("\"reason\" is " + std::to_string(reason->get_string().size()) +
                           " bytes; the limit is " + std::to_string(kMaxSuppressionReasonBytes));
  }
  request.reason = json_text::view(reason->get_string());
  return request;
}

bool is_valid_campaign_id(std::string_view id) {
  if (id.empty() || id.size() > 64)
    return false;
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' || c == '-';
    if (!allowed)
      return false;
  }
  return true;
}

} // namespace volley::protocol
