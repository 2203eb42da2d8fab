// What a client SMTP transaction produces per recipient: the final reply and the command it
// answered. Split out of smtp_client_session.hpp so SmtpRecipientLedger can use it; include
// smtp_client_session.hpp as before. Must never hold anything but plain values.
#pragma once

#include <cstdint>
#include <vector>

#include "protocol/smtp_reply.hpp"

namespace volley::protocol {

// Which command a recipient's final reply answered.
enum class SmtpStage : std::uint8_t {
  connect,
  greeting,
  ehlo,
  starttls,
  mail,
  rcpt,
  data,
  dot,
  rset,
  quit
};
const char* to_string(SmtpStage stage);

struct RecipientReply {
  SmtpReply reply; // positive() = delivered; transient() = try later; permanent() = bounce
  SmtpStage stage = SmtpStage::dot;
};

struct TransactionResult {
  std::vector<RecipientReply> recipients; // same order and size as SmtpTransaction::recipients
};

} // namespace volley::protocol
