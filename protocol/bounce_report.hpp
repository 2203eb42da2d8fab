// Bounce reports: what an incoming bounce, complaint or auto-reply message says, parsed from its
// raw bytes — RFC 3464 delivery status notifications (multipart/report; report-type=
// delivery-status), RFC 5965 ARF feedback reports (complaints), the non-standard bounces of real
// MTAs (Exim, qmail, Exchange/Office 365, Gmail, Yahoo, Postfix variants, Sendmail, Domino,
// Courier, ...) recognised by their structure and wording, and auto-replies (vacation, out of
// office: never bounces). Each failed recipient gets an RFC 3463 status, the SMTP reply code when
// known, a reason category and whether the address itself is permanently bad (hard).
// Pure: bytes in, a report out; no I/O. Must never: treat an auto-reply or a delivery report of
// success/delay-only as a hard bounce, or invent a recipient that is not in the message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"

namespace volley::protocol {

enum class BounceMessageType {
  dsn,          // RFC 3464 report
  non_standard, // a bounce in another format (recognised by structure and text)
  arf,          // RFC 5965 feedback report: a complaint
  auto_reply,   // vacation / out-of-office / auto-responder: not a bounce
  not_bounce,   // nothing that reports a delivery failure
};
const char* to_string(BounceMessageType type);

// Reason categories (the same names synchronous SMTP rejections use in bounce records).
namespace bounce_reason {
inline constexpr const char* user_unknown = "user_unknown";   // hard: no such mailbox
inline constexpr const char* host_unknown = "host_unknown";   // hard: no such domain / no MX
inline constexpr const char* has_moved = "has_moved";         // hard: address moved (5.1.6)
inline constexpr const char* not_accepting = "not_accepting"; // hard: null MX, no mail here
inline constexpr const char* mailbox_full = "mailbox_full";   // soft
inline constexpr const char* suspended = "suspended";         // soft: mailbox disabled/inactive
inline constexpr const char* message_too_large = "message_too_large";
inline constexpr const char* blocked = "blocked";           // our IP/domain blocked (RBL, rep.)
inline constexpr const char* policy = "policy";             // rejected by the receiver's policy
inline constexpr const char* spam = "spam";                 // content judged as spam
inline constexpr const char* security = "security";         // SPF/DKIM/DMARC/auth failures
inline constexpr const char* expired = "expired";           // gave up after retrying
inline constexpr const char* network = "network";           // routing loops, connection trouble
inline constexpr const char* system = "system";             // receiver's system error
inline constexpr const char* rejected = "rejected";         // refused, nothing more specific
inline constexpr const char* rate_limited = "rate_limited"; // too many connections/messages
inline constexpr const char* feedback = "feedback";         // ARF complaint
inline constexpr const char* vacation = "vacation";         // auto-reply
inline constexpr const char* delayed = "delayed";           // a delay notice, not a failure
inline constexpr const char* undefined = "undefined";       // a failure of unknown cause
} // namespace bounce_reason

struct BouncedRecipient {
  std::string recipient;  // the failed address (Final-Recipient / Original-Recipient / body text)
  std::string status;     // RFC 3463 "5.1.1" as reported; if none, implied_status() (flagged)
  int smtp_code = 0;      // 550 ... from Diagnostic-Code or the text; 0 when unknown
  std::string reason;     // a bounce_reason name
  bool hard = false;      // the address itself is permanently bad: suppress it
  std::string kind;       // "hard" | "soft" | "complaint" | "auto_reply"
  std::string diagnostic; // the remote server's words (Diagnostic-Code or the bounce text)
  std::string remote_mta; // Remote-MTA or the host named in the text; may be ""
  bool status_implied = false; // status was not in the message: see implied_status()
};

struct BounceReport {
  BounceMessageType type = BounceMessageType::not_bounce;
  std::vector<BouncedRecipient> recipients; // in the order the message lists them
  std::string reporting_mta;
  // Addresses that may carry our VERP token, most likely first: the report's envelope recipient
  // when known (X-Original-To, Delivered-To, To), then the original message's Return-Path /
  // envelope sender from an attached or quoted original.
  std::vector<std::string> verp_candidates;
  std::string original_message_id; // Message-ID of the attached/quoted original, if found
  std::string feedback_type;       // ARF Feedback-Type ("abuse", ...), for complaints
};

// Parses one message (RFC 5322 text, CRLF or LF). invalid_request only for input that is not a
// message at all (empty, no header section); everything else yields a report, possibly
// not_bounce.
Result<BounceReport> parse_bounce_message(std::string_view raw);

// Hard/soft and reason for a status code and reply text (shared with synchronous rejections):
// e.g. ("5.1.1", 550, "user unknown") -> user_unknown, hard.
struct BounceClassification {
  std::string reason;
  bool hard = false;
};
BounceClassification classify_bounce(std::string_view status, int smtp_code, std::string_view text);

// The status to record when the message gives none: "5.0.9NN" (or "4.0.9NN" when temporary),
// NN from the reason: 11 user_unknown, 12 host_unknown, 16 has_moved, 32 not_accepting,
// 22 mailbox_full, 21 suspended, 34 message_too_large, 71 blocked, 10 policy, 80 spam,
// 70 security, 47 expired, 44 network, 30 system, 18 rejected, 45 rate_limited, 00 undefined.
// The X.0.9NN range is unassigned in RFC 3463, so an implied code never passes for a reported
// one (the convention of the Sisimai bounce parser). "" for delayed/feedback/vacation.
std::string implied_status(std::string_view reason, bool permanent);

} // namespace volley::protocol
