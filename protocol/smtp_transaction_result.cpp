// Names of SmtpStage values for logs and failure records (see smtp_transaction_result.hpp).
// Must never return a null pointer.
#include "protocol/smtp_transaction_result.hpp"

namespace volley::protocol {

const char* to_string(SmtpStage stage) {
  switch (stage) {
  case SmtpStage::connect:
    return "connect";
  case SmtpStage::greeting:
    return "greeting";
  case SmtpStage::ehlo:
    return "ehlo";
  case SmtpStage::starttls:
    return "starttls";
  case SmtpStage::mail:
    return "mail";
  case SmtpStage::rcpt:
    return "rcpt";
  case SmtpStage::data:
    return "data";
  case SmtpStage::dot:
    return "dot";
  case SmtpStage::rset:
    return "rset";
  case SmtpStage::quit:
    return "quit";
  }
  return "unknown";
}

} // namespace volley::protocol
