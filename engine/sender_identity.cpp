// SenderIdentity (see sender_identity.hpp). The unsubscribe address and the Message-ID reuse the
// VERP token format: recipient_seq 0 names the campaign itself (recipients are numbered from 1),
// so a campaign-level token can never be replayed as a recipient's bounce address.
#include "engine/sender_identity.hpp"

#include <string>
#include <utility>

#include "protocol/address_text.hpp"

namespace volley::engine {
namespace {

std::string_view tag_value(const queue::CampaignInfo& info, std::string_view key) {
  for (const auto& [name, value] : info.tags)
    if (name == key)
      return value;
  return {};
}

} // namespace

SenderIdentity::SenderIdentity(policy::VerpConfig verp, policy::HeadersConfig headers,
                               protocol::VerpKey key, std::string fallback_domain)
    : verp_(std::move(verp)), headers_(std::move(headers)), key_(std::move(key)),
      fallback_domain_(protocol::address_text::ascii_lower(fallback_domain)) {}

std::string SenderIdentity::sender_domain(std::string_view from) const {
  std::size_t at = from.rfind('@');
  std::string domain =
      protocol::address_text::ascii_lower(at == std::string_view::npos ? "" : from.substr(at + 1));
  // The same rule as the bounce domain: a host name an address can carry a token at.
  if (domain.empty() || !protocol::check_verp_settings(verp_.prefix, domain))
    return "";
  return domain;
}

std::string SenderIdentity::bounce_domain(std::string_view from) const {
  if (!verp_.bounce_domain.empty())
    return protocol::address_text::ascii_lower(verp_.bounce_domain);
  return sender_domain(from);
}

std::string SenderIdentity::verp_domain(std::string_view from) const {
  return verp_.enabled ? bounce_domain(from) : "";
}

std::string SenderIdentity::verp_domain(const queue::CampaignInfo& info) const {
  return info.keep_return_path ? "" : verp_domain(info.from);
}

std::string SenderIdentity::envelope_sender(std::string_view verp_domain,
                                            std::uint32_t campaign_seq,
                                            std::uint64_t recipient_seq) const {
  return protocol::encode_verp(key_, verp_.prefix, verp_domain, {campaign_seq, recipient_seq});
}

std::string SenderIdentity::message_id(std::uint32_t campaign_seq, std::int64_t created_ms,
                                       std::string_view from, std::uint64_t recipient_seq) const {
  std::string left;
  protocol::append_verp_token(key_, {campaign_seq, recipient_seq}, left);
  left += "." + std::to_string(created_ms);
  std::string domain = sender_domain(from);
  return protocol::make_message_id(left, domain.empty() ? fallback_domain_ : domain);
}

protocol::BulkHeaderFields SenderIdentity::campaign_fields(const queue::CampaignInfo& info,
                                                           bool per_recipient_message_id) const {
  protocol::BulkHeaderFields fields;
  if (headers_.list_unsubscribe && info.kind == "campaign") {
    std::string domain = bounce_domain(info.from);
    if (!domain.empty()) {
      fields.unsubscribe_mailto =
          protocol::encode_verp(key_, headers_.unsubscribe_prefix, domain, {info.seq, 0});
    }
    fields.unsubscribe_url = info.unsubscribe_url;
    fields.one_click = headers_.one_click;
  }
  if (headers_.message_id && !per_recipient_message_id)
    fields.message_id = message_id(info.seq, info.created_ms, info.from, 0);
  if (headers_.date)
    fields.date = protocol::make_date_field(info.created_ms / 1000);
  if (!headers_.feedback_id_sender.empty()) {
    fields.feedback_id = protocol::make_feedback_id(info.id, tag_value(info, "tenant"), info.kind,
                                                    headers_.feedback_id_sender);
  }
  return fields;
}

namespace {

std::optional<protocol::VerpFields>
decode_local_part(const protocol::VerpKey& key, std::string_view prefix, std::string_view address) {
  std::string_view local = address;
  if (!local.empty() && local.front() == '<')
    local.remove_prefix(1);
  if (std::size_t at = local.rfind('@'); at != std::string_view::npos)
    local = local.substr(0, at);
  auto fields = protocol::decode_verp(key, prefix, "", local);
  if (!fields)
    return std::nullopt;
  return fields.value();
}

} // namespace

std::optional<protocol::VerpFields>
SenderIdentity::decode_bounce_address(std::string_view address) const {
  auto fields = decode_local_part(key_, verp_.prefix, address);
  if (!fields || fields->recipient_seq == 0)
    return std::nullopt;
  return fields;
}

std::optional<protocol::VerpFields>
SenderIdentity::decode_unsubscribe_address(std::string_view address) const {
  auto fields = decode_local_part(key_, headers_.unsubscribe_prefix, address);
  if (!fields || fields->recipient_seq != 0)
    return std::nullopt;
  return fields;
}

std::optional<protocol::VerpFields>
SenderIdentity::decode_message_id(std::string_view message_id) const {
  // "<token.created@domain>": the token is a VERP token without its prefix.
  std::string_view id = message_id;
  if (!id.empty() && id.front() == '<')
    id.remove_prefix(1);
  std::size_t dot = id.find('.');
  if (dot == std::string_view::npos)
    return std::nullopt;
  std::string local = verp_.prefix + "-" + std::string(id.substr(0, dot));
  return decode_local_part(key_, verp_.prefix, local);
}

} // namespace volley::engine
