// What an inbound SMTP server session advertises and enforces (RFC 5321 limits, RFC 1870 SIZE, RFC
// 2920 PIPELINING, RFC 6152 8BITMIME, RFC 6531 SMTPUTF8, RFC 2034 ENHANCEDSTATUSCODES, RFC 3207
// STARTTLS, RFC 4954 AUTH). Plain values; must never allow an unbounded limit (every size here caps
// memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace volley::protocol {

struct SmtpServerConfig {
  std::string hostname = "localhost";        // first word of the greeting and of the EHLO reply
  std::string software = "volley";           // greeting: "220 HOSTNAME ESMTP SOFTWARE"
  std::uint64_t max_message_size = 10485760; // SIZE value; larger bodies get 552 (must be > 0)
  std::size_t max_line_bytes = 2048;         // command line without CRLF; longer ones get 500
  std::size_t max_recipients = 1000;         // per transaction; more get 452
  bool pipelining = true;                    // advertise PIPELINING
  bool eight_bit_mime = true;                // advertise 8BITMIME and accept BODY=8BITMIME
  bool smtputf8 = true;                      // advertise SMTPUTF8 and accept the MAIL parameter
  bool enhanced_status_codes = true;         // advertise and put "x.y.z" into replies
  bool tls_available = false;                // STARTTLS offered while TLS is not yet active
  bool keep_body = false;                    // hand the unstuffed message bytes to the hooks
  // AUTH (RFC 4954): PLAIN (RFC 4616), and LOGIN when auth_login. Offered in the EHLO reply and
  // accepted only inside TLS, unless auth_without_tls; checked by SmtpServerHooks::on_auth().
  bool auth_available = false;
  bool auth_without_tls = false;       // also before STARTTLS (only for loopback listeners)
  bool auth_login = true;              // offer LOGIN next to PLAIN (many PHP mailers use it)
  bool auth_required = false;          // MAIL before a successful AUTH gets 530 5.7.0
  std::uint32_t max_auth_failures = 3; // then 421 4.7.0 and the connection is closed
};

} // namespace volley::protocol
