// RFC 3464 delivery-status fields: the per-message group (Reporting-MTA, Received-From-MTA,
// X-Postfix-Sender, ...) and one group per recipient (Final-Recipient, Original-Recipient,
// Action, Status, Remote-MTA, Diagnostic-Code, ...) read from a message/delivery-status body.
// Pure; tolerant of sloppy reports (missing blank lines between groups, folded values, unknown
// fields). Never invents a recipient: a group without Final-/Original-Recipient is dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol::bounce {

struct DsnRecipientFields {
  std::string final_recipient;    // address only ("rfc822;" stripped)
  std::string original_recipient; // address only
  std::string action;             // lower case: failed, delayed, delivered, relayed, expanded
  std::string status;             // "5.1.1" as written (first code in the field)
  std::string remote_mta;         // "dns; mx.example.test" -> "mx.example.test"
  std::string diagnostic_type;    // "smtp", "x-unix", ... lower case
  std::string diagnostic;         // Diagnostic-Code text after the type
  std::string final_log_id;
};

struct DsnFields {
  std::string reporting_mta;
  std::string received_from_mta;
  std::string postfix_sender; // X-Postfix-Sender (the original envelope sender)
  std::string original_envelope_id;
  std::vector<DsnRecipientFields> recipients;
};

DsnFields parse_delivery_status(std::string_view body);

// "dns; mx.example.test" -> "mx.example.test"; "smtp; 550 ..." -> {"smtp", "550 ..."}.
std::string_view value_after_type(std::string_view value);

} // namespace volley::protocol::bounce
