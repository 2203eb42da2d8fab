// What an inbound SMTP session knows about the current transaction (RFC 5321 §3.3): the client's
// EHLO name, TLS state, the authenticated user, reverse-path, accepted forward-paths, MAIL
// parameters, and the received message content. Plain data; must never hold more than the session
// limits allow.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol {

struct SmtpServerEnvelope {
  std::string helo;                // argument of the last EHLO/HELO ("" before one)
  bool esmtp = false;              // the client said EHLO (not HELO)
  bool tls = false;                // the session runs inside STARTTLS
  std::string auth_user;           // after a successful AUTH: the user (authcid); "" = none
  std::string mail_from;           // reverse-path without <>; "" = null sender <>
  std::uint64_t declared_size = 0; // MAIL ... SIZE=n (0 = not given)
  bool eight_bit_mime = false;     // MAIL ... BODY=8BITMIME
  bool smtputf8 = false;           // MAIL ... SMTPUTF8
  std::vector<std::string> rcpts;  // accepted forward-paths without <>, in order

  void clear_transaction() {
    mail_from.clear();
    declared_size = 0;
    eight_bit_mime = false;
    smtputf8 = false;
    rcpts.clear();
  }
};

struct SmtpMessageContent {
  std::uint64_t size = 0; // dot-unstuffed bytes, including the CRLF that ends the last line
  std::string_view body;  // those bytes when SmtpServerConfig::keep_body, else empty; valid only
                          // during the hook call
};

} // namespace volley::protocol
