// Turns the final SMTP reply for one recipient into the spool outcome: 2xx → delivered; 4xx (incl.
// synthesized connection/timeout/TLS failures) → deferred at now + retry_schedule[attempts] or,
// past the campaign's expiry, expired (soft bounce record); 5xx → bounced_hard with a "sync" bounce
// record (status, SMTP code, reason category, diagnostic, remote MTA). Must never bounce on a
// transient reply nor defer on a permanent one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/delivery_job.hpp"
#include "protocol/smtp_reply.hpp"
#include "queue/spool_types.hpp"

namespace volley::engine {

struct RetryPolicy {
  std::vector<std::int64_t> schedule_s; // delay after attempt 1, 2, ...; the last one repeats
  std::int64_t expires_after_ms = 0;    // rate policy expires_after (0 = the campaign's own only)
};

// attempts_before: the recipient's attempts before this one (ClaimedRecipient::attempts).
std::int64_t next_attempt_ms(const RetryPolicy& retry, std::uint16_t attempts_before,
                             std::int64_t now_ms);

// A short reason category for a bounce record from the enhanced status (RFC 3463) or the code:
// "bad_mailbox", "bad_domain", "mailbox_full", "message_too_large", "policy", "spam", "routing",
// "protocol", "expired", "other". A refused sender (X.1.7, X.1.8) is "policy", never
// "bad_mailbox": a CRM suppresses recipients with bad mailboxes.
std::string bounce_category(const protocol::SmtpReply& reply);

queue::DeliveryOutcome make_outcome(const DeliveryJob& job, const protocol::SmtpReply& reply,
                                    std::string_view remote_mta, const RetryPolicy& retry,
                                    std::int64_t now_ms);

// Outcome for a recipient whose campaign was paused/cancelled while it waited, or on shutdown.
queue::DeliveryOutcome returned_outcome(const DeliveryJob& job, std::int64_t now_ms);
queue::DeliveryOutcome suppressed_outcome(const DeliveryJob& job);
// bounced_hard for a recipient whose message could not be personalised (a merge field missing
// from its stored vars): bounce record status 5.6.0, reason "merge_field", the error as diagnostic.
queue::DeliveryOutcome merge_field_outcome(const DeliveryJob& job, std::string_view error,
                                           std::int64_t now_ms);

} // namespace volley::engine
