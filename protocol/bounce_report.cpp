// parse_bounce_message and to_string (see bounce_report.hpp). The order of the checks is the
// rule: a complaint report, then an RFC 3464 report, then an SES notification, then a failure
// text under a bounce-like header, then an auto-reply, then a failure text under any header;
// anything else is not a bounce.
// Must never: throw on odd input, or call an auto-reply or a delay notice a hard bounce.
#include "protocol/bounce_report.hpp"

#include "protocol/arf_report.hpp"
#include "protocol/auto_reply_detection.hpp"
#include "protocol/bounce_mime_entity.hpp"
#include "protocol/bounce_report_builders.hpp"
#include "protocol/bounce_text.hpp"
#include "protocol/bounce_text_patterns.hpp"

#include <algorithm>

namespace volley::protocol {
namespace {

using bounce::MimeEntity;

void add_candidate(std::vector<std::string>& list, std::string address) {
  if (address.empty())
    return;
  const std::string lower = bounce::lower_ascii(address);
  for (const std::string& known : list)
    if (bounce::lower_ascii(known) == lower)
      return;
  list.push_back(std::move(address));
}

// The quoted original after the failure text's marker, as a header section, when no original
// is attached as a MIME part.
MimeEntity quoted_original(const MimeEntity& root) {
  const std::string text = bounce::report_text(root);
  const std::string_view section = bounce::failure_section(text);
  if (section.size() >= text.size())
    return {};
  std::string rest = text.substr(section.size());
  const std::size_t first_field = rest.find('\n');
  rest.erase(0, first_field == std::string::npos ? rest.size() : first_field + 1);
  while (!rest.empty() && (rest.front() == '\n' || rest.front() == ' '))
    rest.erase(0, 1);
  return bounce::parse_mime_message(rest);
}

void add_original_details(const MimeEntity& root, BounceReport& report,
                          std::vector<std::string>& exclude) {
  const MimeEntity* attached = bounce::returned_original(root);
  const MimeEntity quoted = attached == nullptr ? quoted_original(root) : MimeEntity{};
  const MimeEntity& original = attached != nullptr ? *attached : quoted;
  for (std::string_view name : {"return-path", "x-postfix-sender", "sender"})
    add_candidate(report.verp_candidates, bounce::address_from_field(original.field(name)));
  for (std::string_view name : {"return-path", "from", "sender"})
    exclude.push_back(bounce::lower_ascii(bounce::address_from_field(original.field(name))));
  if (report.original_message_id.empty())
    report.original_message_id = std::string(bounce::trim_blanks(original.field("message-id")));
}

// Envelope recipient of the bounce first (the VERP address it was sent to), then its To.
std::vector<std::string> own_addresses(const MimeEntity& root, BounceReport& report) {
  std::vector<std::string> exclude;
  for (std::string_view name : {"x-original-to", "delivered-to", "envelope-to", "to"})
    for (std::string_view value : root.fields_named(name))
      add_candidate(report.verp_candidates, bounce::address_from_field(value));
  // Not X-Original-To / Delivered-To: some agents put the failed address there.
  for (std::string_view name : {"to", "from", "return-path", "cc"})
    for (std::string_view value : root.fields_named(name))
      for (const bounce::FoundAddress& found : bounce::find_addresses(value))
        exclude.push_back(bounce::lower_ascii(found.address));
  return exclude;
}

void set_complaint(const bounce::FeedbackReport& feedback, BounceReport& report) {
  report.type = BounceMessageType::arf;
  report.feedback_type = feedback.feedback_type.empty() ? "abuse" : feedback.feedback_type;
  report.reporting_mta = feedback.reporting_mta;
  add_candidate(report.verp_candidates, feedback.original_mail_from);
  std::vector<std::string> recipients = feedback.recipients;
  if (recipients.empty())
    recipients.emplace_back();
  for (std::string& address : recipients) {
    BouncedRecipient recipient;
    recipient.recipient = std::move(address);
    recipient.reason = bounce_reason::feedback;
    recipient.kind = "complaint";
    report.recipients.push_back(std::move(recipient));
  }
}

void set_auto_reply(const MimeEntity& root, BounceReport& report) {
  report.type = BounceMessageType::auto_reply;
  BouncedRecipient recipient;
  recipient.recipient = bounce::address_from_field(root.field("from"));
  recipient.reason = bounce_reason::vacation;
  recipient.kind = "auto_reply";
  recipient.diagnostic = bounce::collapse_whitespace(root.field("subject"));
  report.recipients.push_back(std::move(recipient));
}

const MimeEntity* delivery_status_part(const MimeEntity& root) {
  for (std::string_view type : {"message/delivery-status", "message/global-delivery-status"})
    if (const MimeEntity* part = bounce::find_entity(root, type))
      return part;
  return nullptr;
}

// Fills report from the parsed message in the order described at the top of this file.
void classify_message(const MimeEntity& root, BounceReport& report) {
  std::vector<std::string> exclude = own_addresses(root, report);
  add_original_details(root, report, exclude);
  const bool header_says_bounce = bounce::looks_like_delivery_report(root);
  if (!header_says_bounce)
    if (auto feedback = bounce::read_feedback_report(root))
      return set_complaint(*feedback, report);
  const MimeEntity* status = delivery_status_part(root);
  const std::string fields =
      status != nullptr ? status->body : bounce::inline_delivery_status(root);
  if (!fields.empty() && bounce::add_dsn_recipients(root, fields, report)) {
    report.type = BounceMessageType::dsn;
    return;
  }
  if (bounce::add_ses_recipients(root, report))
    return;
  if (header_says_bounce && bounce::add_text_recipients(root, exclude, true, report)) {
    report.type = BounceMessageType::non_standard;
    return;
  }
  if (bounce::is_auto_reply(root))
    return set_auto_reply(root, report);
  if (bounce::add_text_recipients(root, exclude, false, report))
    report.type = BounceMessageType::non_standard;
}

} // namespace

const char* to_string(BounceMessageType type) {
  switch (type) {
  case BounceMessageType::dsn:
    return "dsn";
  case BounceMessageType::non_standard:
    return "non_standard";
  case BounceMessageType::arf:
    return "arf";
  case BounceMessageType::auto_reply:
    return "auto_reply";
  case BounceMessageType::not_bounce:
    break;
  }
  return "not_bounce";
}

Result<BounceReport> parse_bounce_message(std::string_view raw) {
  if (bounce::trim_blanks(raw).empty())
    return make_error(error_code::invalid_request,
                      "bounce message is empty: pass the whole RFC 5322 message, headers first");
  const MimeEntity root = bounce::parse_mime_message(raw);
  if (root.fields.empty())
    return make_error(error_code::invalid_request,
                      "bounce message has no header section: the first line must be a header "
                      "field such as \"From: ...\"; pass the whole RFC 5322 message");
  BounceReport report;
  classify_message(root, report);
  return report;
}

} // namespace volley::protocol
