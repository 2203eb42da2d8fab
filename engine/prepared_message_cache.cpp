// PreparedMessageCache (see prepared_message_cache.hpp). Campaign bodies are read once from LMDB,
// converted to wire form once, and shared; eviction only drops the cache's reference, so a message
// in use by a connection stays alive until its last transaction ends.
#include "engine/prepared_message_cache.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "protocol/bulk_headers.hpp"
#include "protocol/merge_field_check.hpp"

namespace volley::engine {
namespace {

// The wire form of a static campaign: signed once when [dkim] has its From domain.
std::string wire_data(const std::string& raw, const DkimMessageSigner* dkim,
                      const std::string& campaign_id) {
  if (!dkim || dkim->empty())
    return protocol::prepare_message_data(raw);
  DkimSignedMessage signed_message = dkim->sign(raw, std::time(nullptr));
  switch (signed_message.outcome) {
  case DkimSignOutcome::signed_message:
    spdlog::debug("campaign {}: DKIM-signed as d={}", campaign_id, signed_message.detail);
    break;
  case DkimSignOutcome::no_config:
    spdlog::info("campaign {}: no [dkim] entry for From domain {}: sent unsigned", campaign_id,
                 signed_message.detail);
    break;
  case DkimSignOutcome::failed:
    spdlog::warn("campaign {}: DKIM signing failed, sent unsigned: {}", campaign_id,
                 signed_message.detail);
    break;
  }
  return protocol::prepare_message_data(signed_message.message);
}

std::size_t cached_size(const PreparedMessage& message) {
  return (message.data ? message.data->size() : 0) +
         (message.merge_template ? message.merge_template->message().size() : 0);
}

// A templated campaign is signed per recipient; whether its From domain has a [dkim] entry is
// logged here, once per campaign, not once per recipient.
void log_unsigned_template(const std::string& raw, const DkimMessageSigner* dkim,
                           const std::string& campaign_id) {
  if (!dkim || dkim->empty())
    return;
  auto domain = from_header_domain(protocol::normalise_line_ends(raw));
  if (domain && !dkim->signs(*domain)) {
    spdlog::info("campaign {}: no [dkim] entry for From domain {}: sent unsigned", campaign_id,
                 *domain);
  }
}

} // namespace

PreparedMessageCache::PreparedMessageCache(const queue::Spool& spool, std::size_t max_cached_bytes,
                                           std::shared_ptr<const DkimMessageSigner> dkim,
                                           std::shared_ptr<const SenderIdentity> identity)
    : spool_(spool), max_cached_bytes_(max_cached_bytes), dkim_(std::move(dkim)),
      identity_(std::move(identity)) {}

std::shared_ptr<const PreparedMessage> PreparedMessageCache::get(std::uint32_t campaign_seq,
                                                                 const std::string& campaign_id) {
  auto it = entries_.find(campaign_seq);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.message;
  }
  auto info = spool_.campaign(campaign_id);
  auto raw = spool_.campaign_message(campaign_id);
  if (!info || !raw)
    return nullptr;
  auto message = std::make_shared<PreparedMessage>();
  message->campaign_seq = campaign_seq;
  message->campaign_id = campaign_id;
  message->mail_from = info->from;
  message->created_ms = info->created_ms;
  for (const auto& [key, value] : info->tags)
    if (key == "tenant")
      message->tenant = value;
  // Templated when the message or the unsubscribe URL has merge fields (a message that no longer
  // compiles is sent as is). A templated campaign is signed per recipient (personalised_message),
  // never here, and gets a Message-ID per recipient when it has none.
  // A verbatim message (SMTP submission) is sent as received: "{{x}}" in it is text.
  bool templated = false;
  if (!info->verbatim) {
    auto fields = protocol::campaign_merge_field_names(*raw, info->unsubscribe_url);
    templated = fields && !fields->empty();
  }
  std::string source;
  if (identity_) {
    message->identity = identity_;
    message->verp_domain = identity_->verp_domain(*info); // "" keeps the campaign's return path
    message->per_recipient_message_id = templated && identity_->adds_message_id() &&
                                        !protocol::has_header_field(*raw, "Message-ID");
    source = protocol::add_bulk_headers(
        *raw, identity_->campaign_fields(*info, message->per_recipient_message_id));
    if (identity_->verp_enabled() && message->verp_domain.empty() && !info->keep_return_path) {
      spdlog::warn("campaign {}: sender {} has no domain a VERP address can use: sent from it "
                   "as is (set verp.bounce_domain)",
                   campaign_id, info->from);
    }
  } else {
    source = std::move(*raw);
  }
  message->traits = protocol::message_traits(source);
  if (templated) {
    if (auto compiled = protocol::compile_merge_template(source); compiled) {
      message->merge_template =
          std::make_shared<const protocol::MergeTemplate>(std::move(compiled.value()));
    }
  }
  if (message->merge_template) {
    message->dkim = dkim_;
    log_unsigned_template(source, dkim_.get(), campaign_id);
  } else {
    message->data =
        std::make_shared<const std::string>(wire_data(source, dkim_.get(), campaign_id));
  }
  std::int64_t start = std::max(info->created_ms, info->not_before_ms);
  message->expires_at_ms = start + info->expires_after_s * 1000;
  message->start_ms = start;
  lru_.push_front(campaign_seq);
  Entry entry{message, info->state, lru_.begin()};
  cached_bytes_ += cached_size(*message);
  entries_.emplace(campaign_seq, std::move(entry));
  evict();
  return message;
}

void PreparedMessageCache::evict() {
  while (cached_bytes_ > max_cached_bytes_ && lru_.size() > 1) {
    std::uint32_t victim = lru_.back();
    auto it = entries_.find(victim);
    cached_bytes_ -= cached_size(*it->second.message);
    entries_.erase(it);
    lru_.pop_back();
  }
}

std::vector<std::uint32_t> PreparedMessageCache::refresh_states() {
  std::vector<std::uint32_t> inactive;
  for (auto& [seq, entry] : entries_) {
    auto info = spool_.campaign(entry.message->campaign_id);
    entry.state = info ? info->state : queue::CampaignState::cancelled;
    if (entry.state != queue::CampaignState::active)
      inactive.push_back(seq);
  }
  return inactive;
}

std::optional<queue::CampaignState> PreparedMessageCache::state(std::uint32_t campaign_seq) const {
  auto it = entries_.find(campaign_seq);
  if (it == entries_.end())
    return std::nullopt;
  return it->second.state;
}

} // namespace volley::engine
