// is_auto_reply and looks_like_delivery_report (see auto_reply_detection.hpp).
// Must never: say auto-reply for a message from the mailer daemon or with a failure subject.
#include "protocol/auto_reply_detection.hpp"

#include "protocol/bounce_text.hpp"

namespace volley::protocol::bounce {
namespace {

bool subject_says_auto_reply(std::string_view subject) {
  return contains_any(subject, {"out of office",
                                "out of the office",
                                "out-of-office",
                                "automatic reply",
                                "auto reply",
                                "auto-reply",
                                "autoreply",
                                "auto response",
                                "auto-response",
                                "autoresponse",
                                "automated response",
                                "automatic response",
                                "vacation",
                                "away from the office",
                                "away from my desk",
                                "on leave",
                                "on holiday",
                                "abwesenheit",
                                "absence",
                                "i am away",
                                "i'm away",
                                "currently away",
                                "away until",
                                "away from"}) ||
         subject.starts_with("auto:") || subject.starts_with("autoreply:");
}

bool body_says_auto_reply(std::string_view body) {
  return contains_any(
      body, {"out of the office", "out of office", "on vacation", "currently away", "i am away",
             "i'm away", "i will be away", "on annual leave", "on leave until",
             "limited access to email", "limited access to e-mail", "will respond to your message",
             "will reply to your message", "upon my return", "when i return", "automatic reply",
             "this is an automated reply", "this is an automatic reply", "auto-reply"});
}

} // namespace

bool looks_like_delivery_report(const MimeEntity& message) {
  const std::string from = lower_ascii(message.field("from"));
  const std::string subject = lower_ascii(message.field("subject"));
  if (message.has_field("x-failed-recipients") ||
      message.content_type_parameter("report-type") == "delivery-status")
    return true;
  if (contains_any(from, {"mailer-daemon", "postmaster", "mail delivery", "mail-daemon",
                          "maildaemon", "mailer daemon", "mail administrator", "post_master"}))
    return true;
  return contains_any(subject, {"undeliver",
                                "delivery status",
                                "delivery failure",
                                "delivery failed",
                                "failure notice",
                                "failed delivery",
                                "returned mail",
                                "mail delivery",
                                "non-delivery",
                                "nondelivery",
                                "not delivered",
                                "delivery problem",
                                "could not be delivered",
                                "delivery notification",
                                "bounce",
                                "undelivered",
                                "rejected",
                                "warning: could not send",
                                "delayed mail",
                                "delivery delayed",
                                "delivery has failed"});
}

bool is_auto_reply(const MimeEntity& message) {
  if (looks_like_delivery_report(message))
    return false;
  const std::string auto_submitted = lower_ascii(message.field("auto-submitted"));
  if (auto_submitted.starts_with("auto-replied"))
    return true;
  if (message.has_field("x-autoreply") || message.has_field("x-autorespond") ||
      message.has_field("x-autoresponder") || message.has_field("x-vacation"))
    return true;
  const std::string precedence = lower_ascii(trim_blanks(message.field("precedence")));
  if (precedence == "auto_reply" || precedence == "auto-reply")
    return true;
  const std::string subject = lower_ascii(message.field("subject"));
  if (subject_says_auto_reply(subject))
    return true;
  // Auto-Submitted: auto-generated (or Microsoft's suppress mark) plus vacation wording.
  const bool machine_sent = auto_submitted.starts_with("auto-") ||
                            message.has_field("x-auto-response-suppress") || precedence == "bulk" ||
                            precedence == "junk";
  if (!machine_sent)
    return false;
  std::string text;
  visit_entities(message, [&](const MimeEntity& entity) {
    if (entity.media_type == "text/plain" && text.size() < 20000)
      text += lower_ascii(entity.body.substr(0, 4000));
  });
  return body_says_auto_reply(text);
}

} // namespace volley::protocol::bounce
