// Amazon SES bounce/complaint notifications: a JSON document (optionally wrapped in an SNS
// envelope whose "Message" is the JSON as a string) with notificationType Bounce or Complaint,
// the bounced/complained recipients, their status and diagnostic code.
// Pure; never throws (malformed JSON is "not a notification"), never reads more than 1 MiB.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol::bounce {

struct SesRecipient {
  std::string address;
  std::string status;     // "5.1.1" or ""
  std::string diagnostic; // diagnosticCode
  std::string action;
};

struct SesNotification {
  bool complaint = false;      // else a bounce
  bool permanent = true;       // bounceType Permanent (Transient/Undetermined: false)
  std::string bounce_sub_type; // lower case: general, noemail, suppressed, mailboxfull, ...
  std::string feedback_type;   // complaintFeedbackType
  std::string reporting_mta;
  std::string source;     // mail.source: the envelope sender we used
  std::string message_id; // mail.messageId
  std::vector<SesRecipient> recipients;
};

// body: a text part that starts with '{' (after blanks).
std::optional<SesNotification> read_ses_notification(std::string_view body);

} // namespace volley::protocol::bounce
