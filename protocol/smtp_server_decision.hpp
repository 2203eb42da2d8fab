// The caller's answer to one stage of an inbound SMTP session (greeting, EHLO/HELO, MAIL, RCPT,
// DATA, end of data, AUTH): go on with the normal positive reply, send another reply, drop the
// connection without a reply, send a malformed reply line, or answer later (pending). This is where
// fault injection and policy plug in. Plain data; must never carry I/O (a delay is a number the I/O
// layer honours).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace volley::protocol {

struct SmtpServerDecision {
  enum class Kind : std::uint8_t {
    accept,  // the normal positive reply (220 / 250 / 354)
    reply,   // send code + enhanced + text instead (4xx/5xx); 421 also closes the connection
    drop,    // close the connection without any reply to this stage
    garbage, // send a line that is not an SMTP reply; the stage counts as failed, session goes on
    // Only from on_auth() and on_end_of_data(): the answer comes later through
    // SmtpServerSession::resume() (e.g. once the message is committed). Elsewhere: 451 4.3.0.
    pending,
  };
  Kind kind = Kind::accept;
  int code = 0;         // Kind::reply: 400..599 (anything else is taken as accept)
  std::string enhanced; // Kind::reply: RFC 3463 status "4.3.0" (omitted when empty)
  std::string text; // Kind::reply: human text; Kind::accept: replaces the text of the 250 to the
                    // end of data or the 235 to AUTH when not empty ("Ok: queued as m-7")
  std::uint32_t delay_ms = 0; // hold this reply (and everything after it) back this long
  // Only from on_data() with Kind::accept: after 354, close the connection as soon as part of the
  // body has arrived (a server that dies mid-DATA).
  bool drop_during_body = false;

  static SmtpServerDecision accepted() { return {}; }
  static SmtpServerDecision replied(int code, std::string enhanced, std::string text) {
    SmtpServerDecision decision;
    decision.kind = Kind::reply;
    decision.code = code;
    decision.enhanced = std::move(enhanced);
    decision.text = std::move(text);
    return decision;
  }
  static SmtpServerDecision dropped() {
    SmtpServerDecision decision;
    decision.kind = Kind::drop;
    return decision;
  }
  static SmtpServerDecision later() {
    SmtpServerDecision decision;
    decision.kind = Kind::pending;
    return decision;
  }
  static SmtpServerDecision accepted_with(std::string text) {
    SmtpServerDecision decision;
    decision.text = std::move(text);
    return decision;
  }
  static SmtpServerDecision malformed() {
    SmtpServerDecision decision;
    decision.kind = Kind::garbage;
    return decision;
  }
};

} // namespace volley::protocol
