// The wording of delivery failures, grouped by reason: the phrases real MTAs use in SMTP replies
// and bounce texts ("user unknown", "mailbox full", "blocked using ..."), checked in a fixed
// priority order, and the reason an RFC 3463 status code implies on its own.
// Pure. Never matches on a host or address name: callers pass text scrubbed by
// scrub_names_for_matching, where addresses and host names are replaced by placeholders.
#pragma once

#include <string>
#include <string_view>

#include "protocol/bounce_report.hpp"

namespace volley::protocol::bounce {

// Lower-cases text and replaces e-mail addresses with "<addr>" and dotted host names with
// "<host>", so that "nospam@x.test" or "mx.blocklist.test" cannot decide a reason.
std::string scrub_names_for_matching(std::string_view text);

// The first reason whose phrases occur in scrubbed text, "" if none.
std::string reason_from_text(std::string_view scrubbed);

struct StatusMeaning {
  std::string reason;    // "" when the code says nothing specific (x.0.0, unknown codes)
  bool decisive = false; // the code alone settles the reason, whatever the text says
};
StatusMeaning reason_from_status(std::string_view status);

// The SMTP command the failing reply answered, from the wording around it ("in reply to RCPT TO
// command", "after end of data", a ">>> DATA" transcript line before the "<<< 5xx" reply):
// "rcpt", "data", "mail" or "" when the text does not say.
std::string failed_smtp_command(std::string_view text);

// classify_bounce with the failing command known (context: the bounce text around the reply,
// where "in reply to ... command" is written; may be the same as text). A "user unknown" answer
// to DATA is a content filter (the address was accepted at RCPT); to MAIL, a sender refusal.
BounceClassification classify_failure(std::string_view status, int smtp_code, std::string_view text,
                                      std::string_view context);

} // namespace volley::protocol::bounce
