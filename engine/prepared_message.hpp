// PreparedMessage: a campaign's message ready for the wire (CRLF, dot-stuffed, loaded once per
// campaign and shared by every connection sending it, or one recipient's rendering of a templated
// campaign), with what delivery needs to know about the campaign (sender, expiry, state). Must
// never be mutated after it is shared (connections read it without locks); a state change produces
// a new object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/dkim_message_signer.hpp"
#include "engine/sender_identity.hpp"
#include "protocol/merge_template.hpp"
#include "protocol/smtp_message_data.hpp"
#include "queue/spool_types.hpp"

namespace volley::engine {

struct PreparedMessage {
  std::uint32_t campaign_seq = 0;
  std::string campaign_id;
  std::string mail_from; // envelope sender (the campaign's from address)
  // prepare_message_data() output; null for a templated campaign (each recipient gets its own copy
  // from personalise_message before it is sent).
  std::shared_ptr<const std::string> data;
  protocol::MessageTraits traits;
  std::int64_t expires_at_ms = 0; // after this, a deferral becomes "expired"
  std::int64_t start_ms = 0;      // first delivery allowed (creation or not_before)
  // The campaign's compiled template when its message has merge fields (null when static). Such a
  // message is never sent as is: SiteQueue renders a per-recipient copy (personalised_message.hpp)
  // whose merge_template is null.
  std::shared_ptr<const protocol::MergeTemplate> merge_template;
  // Set with merge_template when [dkim] is configured: each rendering is signed with it.
  std::shared_ptr<const DkimMessageSigner> dkim;
  // Set when [verp] or [headers] apply: verp_domain non-empty gives each recipient its own signed
  // envelope sender (one recipient per transaction); per_recipient_message_id gives each rendering
  // of a templated campaign its own Message-ID (the message has none of its own).
  std::shared_ptr<const SenderIdentity> identity;
  std::string verp_domain;
  bool per_recipient_message_id = false;
  std::int64_t created_ms = 0; // the campaign's creation time (part of generated Message-IDs)
  std::string tenant;          // tags.tenant ([tenant.NAME] rates)
};

// The MAIL FROM address of one recipient of message: its VERP address, or the campaign's sender.
inline std::string envelope_sender(const PreparedMessage& message, std::uint64_t recipient_seq) {
  if (!message.identity || message.verp_domain.empty())
    return message.mail_from;
  return message.identity->envelope_sender(message.verp_domain, message.campaign_seq,
                                           recipient_seq);
}

} // namespace volley::engine
