// Turns a raw RFC 5322 message into the bytes sent after DATA: every line ends in CRLF (bare LF and
// bare CR become CRLF), lines starting with "." get another "." (RFC 5321 §4.5.2), and the text
// ends with CRLF. The terminating ".\r\n" is NOT included (the client session adds it). Must never
// change any other byte of the message.
#pragma once

#include <string>
#include <string_view>

namespace volley::protocol {

std::string prepare_message_data(std::string_view raw_message);
// The wire form of header_fields + raw_message in one buffer, without joining them first:
// header_fields is empty or ends in CRLF (e.g. DKIM-Signature fields put in front of a message).
std::string prepare_message_data(std::string_view header_fields, std::string_view raw_message);

// The same without dot-stuffing (the form DKIM signs): every line ends in CRLF, and so does the
// text (an empty message becomes a single CRLF).
std::string normalise_line_ends(std::string_view raw_message);
// True when normalise_line_ends would return the text unchanged: not empty, every CR followed by
// LF, every LF preceded by CR, and the text ends with CRLF.
bool has_crlf_line_ends(std::string_view raw_message);

// What the message needs from the server: BODY=8BITMIME when any byte >= 0x80 appears in it,
// SMTPUTF8 when a header (or the envelope) holds non-ASCII.
struct MessageTraits {
  bool eight_bit = false;
  bool utf8_headers = false;
};
MessageTraits message_traits(std::string_view raw_message);

} // namespace volley::protocol
