// read_ses_notification (see ses_notification.hpp), with Boost.JSON.
// Must never: throw, or report a Delivery notification as a bounce.
#include "protocol/ses_notification.hpp"

#include "protocol/bounce_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace volley::protocol::bounce {
namespace {

constexpr std::size_t kMaxJson = 1 << 20;

std::string string_at(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || !value->is_string())
    return {};
  return std::string(value->get_string());
}

const boost::json::object* object_at(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_object())
    return std::nullopt;
  return std::move(value.get_object());
}

void read_recipients(const boost::json::object& part, std::string_view list_key,
                     SesNotification& out) {
  const boost::json::value* list = part.if_contains(list_key);
  if (list == nullptr || !list->is_array())
    return;
  for (const boost::json::value& item : list->get_array()) {
    if (!item.is_object())
      continue;
    const auto& entry = item.get_object();
    SesRecipient recipient;
    recipient.address = address_from_field(string_at(entry, "emailAddress"));
    recipient.status = find_status_code(string_at(entry, "status"));
    recipient.diagnostic = string_at(entry, "diagnosticCode");
    recipient.action = lower_ascii(string_at(entry, "action"));
    if (!recipient.address.empty())
      out.recipients.push_back(std::move(recipient));
  }
}

} // namespace

std::optional<SesNotification> read_ses_notification(std::string_view body) {
  body = trim_blanks(body);
  if (!body.starts_with("{") || body.size() > kMaxJson)
    return std::nullopt;
  body = body.substr(0, body.rfind('}') + 1); // a MIME epilogue may follow
  std::string unfolded;                       // long lines folded by a relay: drop "LF SP"
  unfolded.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && i + 1 < body.size() && (body[i + 1] == ' ' || body[i + 1] == '\t'))
      ++i;
    else if (body[i] != '\n')
      unfolded += body[i];
  }
  auto root = parse_object(unfolded);
  if (!root)
    return std::nullopt;
  if (string_at(*root, "Type") == "Notification") { // SNS envelope
    root = parse_object(string_at(*root, "Message"));
    if (!root)
      return std::nullopt;
  }
  const std::string type = lower_ascii(string_at(*root, "notificationType"));
  SesNotification out;
  if (const auto* mail = object_at(*root, "mail")) {
    out.source = address_from_field(string_at(*mail, "source"));
    out.message_id = string_at(*mail, "messageId");
  }
  if (type == "bounce") {
    const auto* bounce = object_at(*root, "bounce");
    if (bounce == nullptr)
      return std::nullopt;
    out.permanent = lower_ascii(string_at(*bounce, "bounceType")) == "permanent";
    out.bounce_sub_type = lower_ascii(string_at(*bounce, "bounceSubType"));
    out.reporting_mta = std::string(trim_blanks(string_at(*bounce, "reportingMTA")));
    read_recipients(*bounce, "bouncedRecipients", out);
    return out;
  }
  if (type == "complaint") {
    const auto* complaint = object_at(*root, "complaint");
    if (complaint == nullptr)
      return std::nullopt;
    out.complaint = true;
    out.feedback_type = lower_ascii(string_at(*complaint, "complaintFeedbackType"));
    read_recipients(*complaint, "complainedRecipients", out);
    return out;
  }
  return std::nullopt;
}

} // namespace volley::protocol::bounce
