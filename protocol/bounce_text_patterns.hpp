// Non-standard bounces: the human-readable failure texts of MTAs that send no RFC 3464 report
// (or whose report lacks a diagnostic): Exim, qmail, Postfix and Sendmail texts, Exchange /
// Office 365 NDRs, Gmail, Yahoo, Domino, Courier, ... They share a structure that is read here
// without naming the MTA: a lead-in sentence, the failed addresses at the start of a line, in
// an SMTP transcript ("RCPT TO:<...>") or in a "delivered to ..." sentence, each followed by the
// remote server's words, then a marker before the returned original message.
// Pure. Never invents a recipient: every address returned occurs in the text (or in the
// X-Failed-Recipients list the caller passes), and the caller's own addresses are excluded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol::bounce {

struct TextRecipient {
  std::string recipient;  // "" when the text names no failed address at all
  std::string diagnostic; // the text about this recipient, whitespace collapsed
  std::string remote_mta; // host named in the text ("host mx.example.test said"), may be ""
};

struct TextBounce {
  bool reads_like_bounce = false; // the text has the wording of a delivery failure report
  bool temporary = false;         // it says delivery is only delayed / will be retried
  std::vector<TextRecipient> recipients;
};

// The part of a bounce body before the returned original message (whole text if no marker).
std::string_view failure_section(std::string_view text);

// failed: addresses from X-Failed-Recipients (may be empty); exclude: addresses that are the
// bounce's own sender/recipients or the original sender (lower-case compare).
TextBounce read_text_bounce(std::string_view text, const std::vector<std::string>& failed,
                            const std::vector<std::string>& exclude);

// The diagnostic text about one address in a bounce text ("" if the address is not there).
std::string diagnostic_for(std::string_view text, std::string_view address);

// The words of the failure section before the first line naming an address (at most 600
// characters, whitespace collapsed): a report's general reason ("The account is disabled.").
std::string report_preamble(std::string_view text);

} // namespace volley::protocol::bounce
