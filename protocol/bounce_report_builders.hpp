// Internal steps of parse_bounce_message: finding the report's text and the returned original,
// and turning RFC 3464 groups, SES notifications and failure texts into BouncedRecipients.
// Pure; used only by bounce_report.cpp and its tests. Never adds a recipient that the message
// does not name (an unnamed failure gets recipient "").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/bounce_mime_entity.hpp"
#include "protocol/bounce_report.hpp"

namespace volley::protocol::bounce {

// The human-readable report: text/plain parts outside any returned message (text/html with tags
// dropped when there is no plain text), joined by blank lines.
std::string report_text(const MimeEntity& root);

// The first entity with this media type outside returned (attached) original messages.
const MimeEntity* find_entity(const MimeEntity& root, std::string_view media_type);

// The returned original's header entity (message/rfc822 or text/rfc822-headers), or nullptr.
const MimeEntity* returned_original(const MimeEntity& root);

// One failed recipient from its address, reported status (may be ""), diagnostic text and the
// hint that the report says the failure is temporary.
// context: the report's text about this recipient (for the failing SMTP command), may be "".
BouncedRecipient make_failed_recipient(std::string address, std::string status,
                                       std::string diagnostic, std::string remote_mta,
                                       bool temporary, std::string_view context);

// RFC 3464: one entry per failed/delayed recipient group of status_fields (a
// message/delivery-status body, or report text with the fields inline); false when it names none.
bool add_dsn_recipients(const MimeEntity& root, std::string_view status_fields,
                        BounceReport& report);
// The report text from its first inline "Final-Recipient:" field group on, "" if it has none.
std::string inline_delivery_status(const MimeEntity& root);
// Amazon SES JSON notifications; false when the message holds none.
bool add_ses_recipients(const MimeEntity& root, BounceReport& report);
// Failure texts; false when the text does not read like a bounce or names no failure.
bool add_text_recipients(const MimeEntity& root, const std::vector<std::string>& exclude,
                         bool header_says_bounce, BounceReport& report);

} // namespace volley::protocol::bounce
