// SenderIdentity: who a campaign's mail says it comes from, beyond its From field — the signed VERP
// envelope sender of each recipient ([verp]) and the bulk-sender header fields of each campaign
// ([headers]: List-Unsubscribe with a signed mailto address, List-Unsubscribe-Post, Message-ID,
// Feedback-ID). Built once at start from config and the VERP secret; immutable, any thread.
// Must never put a token on an address it cannot verify later (same key, prefix and domain), nor
// produce a Message-ID that changes between retries of the same recipient.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/sender_identity_config.hpp"
#include "protocol/bulk_headers.hpp"
#include "protocol/verp_address.hpp"
#include "queue/spool_types.hpp"

namespace volley::engine {

class SenderIdentity {
public:
  // fallback_domain (the EHLO name) is the Message-ID domain when the sender's cannot be used.
  SenderIdentity(policy::VerpConfig verp, policy::HeadersConfig headers, protocol::VerpKey key,
                 std::string fallback_domain);

  bool verp_enabled() const { return verp_.enabled; }

  // The domain of a campaign's VERP addresses: verp.bounce_domain, or the sender's domain (lower
  // case). "" when VERP is off or the domain cannot carry one (non-ASCII, address literal): the
  // campaign is then sent from its own address.
  std::string verp_domain(std::string_view from) const;
  // The same for a stored campaign: "" also when it keeps its own return path (keep_return_path:
  // an SMTP-submitted message whose MAIL FROM is the CRM's bounce address, e.g. CiviMail's).
  std::string verp_domain(const queue::CampaignInfo& info) const;
  // "<prefix>-<token>@<verp_domain>" naming this recipient (recipient_seq >= 1).
  std::string envelope_sender(std::string_view verp_domain, std::uint32_t campaign_seq,
                              std::uint64_t recipient_seq) const;

  // Header fields for a campaign's message (add_bulk_headers skips those it already has). The
  // Message-ID is the campaign's own unless per_recipient_message_id: a templated campaign gets a
  // Message-ID per recipient from message_id() instead. List-Unsubscribe only for kind "campaign".
  protocol::BulkHeaderFields campaign_fields(const queue::CampaignInfo& info,
                                             bool per_recipient_message_id) const;
  bool adds_message_id() const { return headers_.message_id; }
  // "<token.created@domain>" for the campaign with this seq, creation time and sender: unique per
  // campaign (recipient_seq 0) or per recipient, and the same on every retry.
  std::string message_id(std::uint32_t campaign_seq, std::int64_t created_ms, std::string_view from,
                         std::uint64_t recipient_seq) const;

  // What an address we sent from (or published) names, checked with the key: a bounce address
  // (recipient_seq >= 1) or an unsubscribe address (recipient_seq 0). The domain is not checked
  // (VERP domains follow each campaign's sender); nullopt for anything else or a bad MAC.
  std::optional<protocol::VerpFields> decode_bounce_address(std::string_view address) const;
  std::optional<protocol::VerpFields> decode_unsubscribe_address(std::string_view address) const;
  // The campaign (recipient_seq 0) or recipient a Message-ID we generated names, if any.
  std::optional<protocol::VerpFields> decode_message_id(std::string_view message_id) const;

private:
  std::string sender_domain(std::string_view from) const;
  // [verp] bounce_domain, or the sender's domain: where bounce and unsubscribe mail goes.
  std::string bounce_domain(std::string_view from) const;

  policy::VerpConfig verp_;
  policy::HeadersConfig headers_;
  protocol::VerpKey key_;
  std::string fallback_domain_;
};

} // namespace volley::engine
