// Bulk-sender header fields added to outgoing campaign messages before DKIM signing, so that they
// are signed: List-Unsubscribe (RFC 2369), List-Unsubscribe-Post (RFC 8058 one-click), Message-ID
// (RFC 5322) and Feedback-ID (Gmail feedback loop, "a:b:c:SenderId"). Pure: no I/O, no clock, no
// randomness. Must never: duplicate a field the message's header section already has, change or
// drop a byte of the message (fields are only inserted above it), write a line over 998 octets,
// or write a value that could end a field early (CR, LF, control or non-ASCII bytes are never
// written: a value that is not well-formed is left out).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

inline constexpr std::size_t kMaxUnsubscribeUrlLength = 900;
inline constexpr std::size_t kMaxFeedbackIdPartLength = 64;

struct BulkHeaderFields {
  // "" or an address local@domain (no "mailto:", no <>; see check_unsubscribe_mailto); becomes
  // <mailto:ADDR?subject=unsubscribe>, local-part characters outside RFC 6068 qchar %-encoded.
  std::string unsubscribe_mailto;
  // "" or an http(s) URL (see check_unsubscribe_url; {{field}} merge placeholders are allowed);
  // written as <url> with its scheme in lower case.
  std::string unsubscribe_url;
  // Add List-Unsubscribe-Post when the List-Unsubscribe field in the output (ours or the
  // message's own) holds an https URI.
  bool one_click = false;
  std::string feedback_id; // "" or the full value (see make_feedback_id)
  std::string message_id;  // "" or "<left@right>" (see make_message_id)
  std::string date;        // "" or an RFC 5322 date-time (see make_date_field)
};

// The message with the missing fields inserted at the very top of the header section, in this
// order: Message-ID, Date, List-Unsubscribe, List-Unsubscribe-Post, Feedback-ID. Line ends follow
// the message: CRLF unless its first line ends in a bare LF. The header section ends at the first
// empty line; a message without one is all header; a message that starts with an empty line gets
// the fields before it. A field the top-level header section already has (name compared
// case-insensitively, blanks before the colon allowed, folded fields handled) is not added; MIME
// part headers and the body are never looked at.
// List-Unsubscribe holds "<mailto:...>, <https://...>" (either may be absent), folded before the
// second URI when the line would exceed 78 octets. If the message already has List-Unsubscribe,
// neither URI is added. List-Unsubscribe-Post is added only when one_click is set, the
// List-Unsubscribe field in the output contains "<https:" (any case), and the message has none.
// A mailto, URL, Message-ID or Feedback-ID that is not well-formed (check_unsubscribe_mailto,
// check_unsubscribe_url; Message-ID "<left@right>" and Feedback-ID of 1..900 printable ASCII
// octets) is left out. All fields empty: the message comes back unchanged.
std::string add_bulk_headers(std::string_view message, const BulkHeaderFields& fields);

// Whether the top-level header section has a field of that name (case-insensitive).
bool has_header_field(std::string_view message, std::string_view name);

// invalid_request unless url is http:// or https:// (scheme in any case), has a host, is at most
// 900 octets, and holds only printable ASCII (0x21..0x7E) other than '<', '>' and '"'. Braces are
// allowed (merge placeholders like {{token}}).
Result<Unit> check_unsubscribe_url(std::string_view url);

// invalid_request unless address is local@domain: local part a dot-atom of 1..64 octets, domain
// 1..253 of [A-Za-z0-9.-] (no address literals, no quoted local parts).
Result<Unit> check_unsubscribe_mailto(std::string_view address);

// "<" + left + "@" + domain + ">", domain lower-cased. left must be dot-atom text (the caller
// builds it from base32/digits) and domain a host name; neither is checked here.
std::string make_message_id(std::string_view left, std::string_view domain);

// RFC 5322 date-time in UTC: "Sun, 29 Nov 2026 18:40:00 +0000".
std::string make_date_field(std::int64_t unix_seconds);

// "campaign:tenant:mailtype:sender", each part with ':', braces, whitespace, control and non-ASCII
// bytes replaced by '_' and cut to 64 octets. Empty parts stay empty (Gmail allows empty a/b/c);
// the SenderId must not be empty, so an empty sender gives "" (no Feedback-ID).
std::string make_feedback_id(std::string_view campaign, std::string_view tenant,
                             std::string_view mail_type, std::string_view sender);

} // namespace volley::protocol
