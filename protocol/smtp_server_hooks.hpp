// The caller's side of an inbound SMTP session: one decision per stage (where fault injection and
// policy plug in) and a report of every accepted message. Every default accepts, except on_auth,
// which refuses every user. Implementations must never call back into the session from inside a
// hook (a pending decision is completed later with SmtpServerSession::resume()).
#pragma once

#include <string_view>

#include "protocol/smtp_server_decision.hpp"
#include "protocol/smtp_server_envelope.hpp"

namespace volley::protocol {

class SmtpServerHooks {
public:
  virtual ~SmtpServerHooks() = default;
  // Before the greeting. A 4xx/5xx other than 421 leaves the session open but refusing (503).
  virtual SmtpServerDecision on_connect() { return {}; }
  // EHLO or HELO with a syntactically valid argument.
  virtual SmtpServerDecision on_hello(const SmtpServerEnvelope& envelope, std::string_view name) {
    return {};
  }
  // MAIL with a valid reverse-path; envelope.mail_from and the parameters are already filled in.
  virtual SmtpServerDecision on_mail(const SmtpServerEnvelope& envelope) { return {}; }
  // RCPT with a valid forward-path (not yet in envelope.rcpts).
  virtual SmtpServerDecision on_rcpt(const SmtpServerEnvelope& envelope, std::string_view rcpt) {
    return {};
  }
  // DATA with at least one accepted recipient.
  virtual SmtpServerDecision on_data(const SmtpServerEnvelope& envelope) { return {}; }
  // AUTH with decoded credentials (any mechanism); accept = authenticated (235). May be pending.
  virtual SmtpServerDecision on_auth(const SmtpServerEnvelope& envelope, std::string_view user,
                                     std::string_view password) {
    return SmtpServerDecision::replied(535, "5.7.8", "Error: authentication failed");
  }
  // After the final "." of a message within the size limit. May be pending.
  virtual SmtpServerDecision on_end_of_data(const SmtpServerEnvelope& envelope,
                                            const SmtpMessageContent& content) {
    return {};
  }
  // The message was accepted (its 250 is being sent).
  virtual void on_message(const SmtpServerEnvelope& envelope, const SmtpMessageContent& content) {}
};

} // namespace volley::protocol
