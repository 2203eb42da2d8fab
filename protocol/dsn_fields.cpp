// parse_delivery_status (see dsn_fields.hpp): unfolds the body into fields, then assigns them to
// the per-message group or to the current per-recipient group.
// Must never: read outside the body, or keep a recipient group that names no recipient.
#include "protocol/dsn_fields.hpp"

#include "protocol/ascii_case.hpp"
#include "protocol/bounce_text.hpp"

namespace volley::protocol::bounce {
namespace {

constexpr std::size_t kMaxRecipients = 1000;

struct Field {
  std::string name; // lower case
  std::string value;
  bool after_blank = false; // a blank line came before it
};

std::vector<Field> unfold_fields(std::string_view body) {
  std::vector<Field> fields;
  bool blank = false;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find('\n', pos);
    if (eol == std::string_view::npos)
      eol = body.size();
    const std::string_view line = body.substr(pos, eol - pos);
    pos = eol + 1;
    if (trim_blanks(line).empty()) {
      blank = true;
      continue;
    }
    const std::size_t colon = line.find(':');
    const bool folded = line.front() == ' ' || line.front() == '\t';
    if (folded || colon == std::string_view::npos || colon == 0 ||
        line.substr(0, colon).find(' ') != std::string_view::npos) {
      if (!fields.empty() && (folded || !blank))
        fields.back().value += " " + std::string(trim_blanks(line));
      continue;
    }
    fields.push_back({lower_ascii(trim_blanks(line.substr(0, colon))),
                      std::string(trim_blanks(line.substr(colon + 1))), blank});
    blank = false;
  }
  return fields;
}

bool is_recipient_field(std::string_view name) {
  return name == "final-recipient" || name == "original-recipient" || name == "action" ||
         name == "status" || name == "remote-mta" || name == "diagnostic-code" ||
         name == "last-attempt-date" || name == "will-retry-until" || name == "final-log-id" ||
         name == "x-actual-recipient";
}

// Whether field starts a new recipient group given the one being filled.
bool starts_group(const Field& field, const DsnRecipientFields& current, bool has_current) {
  if (!has_current || field.after_blank)
    return true; // RFC 3464: groups are separated by blank lines
  // Sloppy reports without blank lines: a recipient field seen twice opens the next group.
  if (field.name == "final-recipient")
    return !current.final_recipient.empty();
  if (field.name == "original-recipient")
    return !current.original_recipient.empty();
  return false;
}

void assign_recipient_field(const Field& field, DsnRecipientFields& r) {
  if (field.name == "final-recipient")
    r.final_recipient = address_from_field(field.value);
  else if (field.name == "original-recipient")
    r.original_recipient = address_from_field(field.value);
  else if (field.name == "action")
    r.action = lower_ascii(collapse_whitespace(field.value.substr(0, field.value.find('('))));
  else if (field.name == "status")
    r.status = find_status_code(field.value).empty() ? collapse_whitespace(field.value)
                                                     : find_status_code(field.value);
  else if (field.name == "remote-mta")
    r.remote_mta = std::string(value_after_type(field.value));
  else if (field.name == "final-log-id")
    r.final_log_id = field.value;
  else if (field.name == "diagnostic-code") {
    const std::size_t semicolon = field.value.find(';');
    if (semicolon != std::string::npos && semicolon < 20) {
      r.diagnostic_type = lower_ascii(trim_blanks(field.value.substr(0, semicolon)));
      r.diagnostic = collapse_whitespace(field.value.substr(semicolon + 1));
    } else {
      r.diagnostic = collapse_whitespace(field.value);
    }
  }
}

void assign_message_field(const Field& field, DsnFields& dsn) {
  if (field.name == "reporting-mta")
    dsn.reporting_mta = std::string(value_after_type(field.value));
  else if (field.name == "received-from-mta")
    dsn.received_from_mta = std::string(value_after_type(field.value));
  else if (field.name == "x-postfix-sender" || field.name == "x-original-sender")
    dsn.postfix_sender = address_from_field(field.value);
  else if (field.name == "original-envelope-id")
    dsn.original_envelope_id = field.value;
}

} // namespace

std::string_view value_after_type(std::string_view value) {
  const std::size_t semicolon = value.find(';');
  if (semicolon != std::string_view::npos && semicolon < 20)
    value.remove_prefix(semicolon + 1);
  return trim_blanks(value);
}

DsnFields parse_delivery_status(std::string_view body) {
  DsnFields dsn;
  std::vector<DsnRecipientFields> groups;
  for (const Field& field : unfold_fields(body)) {
    if (!is_recipient_field(field.name)) {
      assign_message_field(field, dsn);
      continue;
    }
    if (starts_group(field, groups.empty() ? DsnRecipientFields{} : groups.back(),
                     !groups.empty())) {
      if (groups.size() >= kMaxRecipients)
        break;
      groups.emplace_back();
    }
    assign_recipient_field(field, groups.back());
  }
  for (DsnRecipientFields& group : groups)
    if (!group.final_recipient.empty() || !group.original_recipient.empty())
      dsn.recipients.push_back(std::move(group));
  return dsn;
}

} // namespace volley::protocol::bounce
