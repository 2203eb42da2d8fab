// read_feedback_report (see arf_report.hpp).
// Must never: take a delivery-status report or an auto-reply for a complaint.
#include "protocol/arf_report.hpp"

#include "protocol/bounce_text.hpp"
#include "protocol/dsn_fields.hpp"

#include <algorithm>

namespace volley::protocol::bounce {
namespace {

void add_unique(std::vector<std::string>& list, std::string address) {
  if (!address.empty() && std::find(list.begin(), list.end(), address) == list.end())
    list.push_back(std::move(address));
}

// The attached original message, if any (message/rfc822 or text/rfc822-headers child).
const MimeEntity* attached_original(const MimeEntity& message) {
  const MimeEntity* found = nullptr;
  visit_entities(message, [&](const MimeEntity& entity) {
    if (found == nullptr && !entity.parts.empty() &&
        (entity.media_type == "message/rfc822" || entity.media_type == "text/rfc822-headers" ||
         entity.media_type == "message/rfc822-headers"))
      found = &entity.parts.front();
  });
  return found;
}

// The message/feedback-report body parsed as fields (same syntax as a header section).
FeedbackReport read_arf_fields(const MimeEntity& report_part, const MimeEntity& message) {
  const MimeEntity fields = parse_mime_message(report_part.body);
  FeedbackReport report;
  report.feedback_type = lower_ascii(trim_blanks(fields.field("feedback-type")));
  for (std::string_view value : fields.fields_named("original-rcpt-to"))
    add_unique(report.recipients, address_from_field(value));
  for (std::string_view value : fields.fields_named("removal-recipient"))
    add_unique(report.recipients, address_from_field(value));
  report.original_mail_from = address_from_field(fields.field("original-mail-from"));
  report.reporting_mta = std::string(value_after_type(fields.field("reporting-mta")));
  if (report.reporting_mta.empty())
    report.reporting_mta = std::string(fields.field("user-agent"));
  if (report.recipients.empty())
    if (const MimeEntity* original = attached_original(message))
      add_unique(report.recipients, address_from_field(original->field("to")));
  return report;
}

std::optional<FeedbackReport> read_jmrp(const MimeEntity& message) {
  const MimeEntity* original = attached_original(message);
  if (original == nullptr || !original->has_field("x-hmxmroriginalrecipient"))
    return std::nullopt;
  FeedbackReport report;
  report.feedback_type = "abuse";
  add_unique(report.recipients, address_from_field(original->field("x-hmxmroriginalrecipient")));
  report.original_mail_from = address_from_field(original->field("return-path"));
  return report;
}

// A List-Unsubscribe mailto request: "Subject: unsubscribe", a short text body, no report.
std::optional<FeedbackReport> read_unsubscribe_request(const MimeEntity& message) {
  if (lower_ascii(trim_blanks(message.field("subject"))) != "unsubscribe" ||
      message.media_type.starts_with("multipart/"))
    return std::nullopt;
  FeedbackReport report;
  report.feedback_type = "unsubscribe";
  add_unique(report.recipients, address_from_field(message.field("from")));
  return report;
}

} // namespace

std::optional<FeedbackReport> read_feedback_report(const MimeEntity& message) {
  const MimeEntity* report_part = nullptr;
  visit_entities(message, [&](const MimeEntity& entity) {
    if (report_part == nullptr && entity.media_type == "message/feedback-report")
      report_part = &entity;
  });
  if (report_part != nullptr)
    return read_arf_fields(*report_part, message);
  if (auto jmrp = read_jmrp(message))
    return jmrp;
  return read_unsubscribe_request(message);
}

} // namespace volley::protocol::bounce
