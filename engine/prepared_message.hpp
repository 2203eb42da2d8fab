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
  // The campaign's compiled template when its message has merge fields (null when static). Such a
  // message is never sent as is: SiteQueue renders a per-recipient copy (personalised_message.hpp)
  // whose merge_template is null.
  std::shared_ptr<const protocol::MergeTemplate> merge_template;
  // Set with merge_template when [dkim] is configured: each rendering is signed with it.
  std::shared_ptr<const DkimMessageSigner> dkim;
};

} // namespace volley::engine
