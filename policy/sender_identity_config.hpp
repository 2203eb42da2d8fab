// The [verp] and [headers] sections of volleyd's configuration: the signed bounce address every
// message is sent from, and the bulk-sender header fields added to campaign messages
// (List-Unsubscribe, List-Unsubscribe-Post, Message-ID, Date, Feedback-ID). Plain data plus the
// reader; the VERP secret itself is read (or generated) by the engine at start. Never touches the
// network.
#pragma once

#include <string>
#include <vector>

#include "policy/config_table_reader.hpp"

namespace volley::policy {

struct VerpConfig {
  bool enabled = true;           // false: the envelope sender is the campaign's "from" address
  std::string prefix = "bounce"; // local part: <prefix>-<token>
  std::string bounce_domain;     // "" = the domain of the campaign's "from" address
  std::string secret_file = "./var/verp.secret"; // HMAC key; generated at first start (0600)
  bool operator==(const VerpConfig&) const = default;
};

struct HeadersConfig {
  bool list_unsubscribe = true; // List-Unsubscribe: <mailto:...> (+ the campaign's unsubscribe_url)
  std::string unsubscribe_prefix = "unsubscribe"; // mailto local part: <prefix>-<token>
  bool one_click = true;  // List-Unsubscribe-Post: List-Unsubscribe=One-Click with an https URL
  bool message_id = true; // add Message-ID when the message has none
  bool date = true;       // add Date (the campaign's creation time) when the message has none
  std::string feedback_id_sender; // Feedback-ID's SenderId; "" = no Feedback-ID field
  bool operator==(const HeadersConfig&) const = default;
};

std::vector<SectionSchema> sender_identity_sections_schema();

// Reads and checks [verp] and [headers]; keys not in the file keep their value.
void read_sender_identity_sections(ConfigTableReader& reader, VerpConfig& verp,
                                   HeadersConfig& headers);

} // namespace volley::policy
