// ESMTP extensions a server advertised in its EHLO reply (RFC 5321 §4.1.1.1 and the extension RFCs:
// PIPELINING 2920, SIZE 1870, STARTTLS 3207, 8BITMIME 6152, SMTPUTF8 6531, ENHANCEDSTATUSCODES 2034,
// CHUNKING 3030, DSN 3461). Keywords are case-insensitive. Must never trust a SIZE value it cannot parse.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/smtp_reply.hpp"

namespace volley::protocol {

struct EsmtpCapabilities {
  bool esmtp = false;  // EHLO succeeded (false after a HELO fallback)
  bool pipelining = false;
  bool starttls = false;
  bool eight_bit_mime = false;
  bool smtputf8 = false;
  bool enhanced_status_codes = false;
  bool chunking = false;
  bool dsn = false;
  std::uint64_t max_size = 0;  // SIZE argument; 0 = not advertised or no limit given
  std::string server_name;     // first word of the EHLO reply's first line
  bool operator==(const EsmtpCapabilities&) const = default;
};

// Parses the text of a positive EHLO reply (SmtpReply::text: lines joined with "\n").
EsmtpCapabilities parse_ehlo_reply(const SmtpReply& reply);

}  // namespace volley::protocol
