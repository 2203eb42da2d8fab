// RFC 5965 feedback reports (ARF complaints) and the complaint formats close to it: the
// message/feedback-report fields (Feedback-Type, Original-Rcpt-To, Removal-Recipient,
// Original-Mail-From), Microsoft JMRP reports (an attached message carrying
// X-HmXmrOriginalRecipient) and List-Unsubscribe mailto requests ("Subject: unsubscribe").
// Pure; never reports a complaint for a message that has none of these shapes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "protocol/bounce_mime_entity.hpp"

namespace volley::protocol::bounce {

struct FeedbackReport {
  std::string feedback_type;           // lower case: abuse, fraud, auth-failure, unsubscribe, ...
  std::vector<std::string> recipients; // the complaining addresses, in order
  std::string original_mail_from;      // Original-Mail-From (the envelope sender we used)
  std::string reporting_mta;           // Reporting-MTA or User-Agent
};

std::optional<FeedbackReport> read_feedback_report(const MimeEntity& message);

} // namespace volley::protocol::bounce
