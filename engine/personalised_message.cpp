// personalise_message (see personalised_message.hpp). The rendered text lives only until it has
// been converted to wire form; the compiled template is shared with the campaign's message.
#include "engine/personalised_message.hpp"

#include <spdlog/spdlog.h>

#include <ctime>
#include <string>
#include <utility>

#include "protocol/merge_template_vars.hpp"
#include "protocol/smtp_message_data.hpp"

namespace volley::engine {
namespace {

constexpr std::size_t kKeptScratchBytes = 1 << 20;

} // namespace

Result<std::shared_ptr<const PreparedMessage>> personalise_message(const PreparedMessage& campaign,
                                                                   std::uint64_t recipient_seq,
                                                                   std::string_view vars_json) {
  auto vars = protocol::MergeVars::from_json(vars_json);
  if (!vars)
    return vars.error();
  // The rendered text is scratch space until it is in wire form: one buffer per thread, reused
  // (a 4 KB string allocated and freed per message costs more than the merge itself), given back
  // when a very large message made it grow.
  thread_local std::string rendered;
  rendered.clear();
  if (rendered.capacity() > kKeptScratchBytes)
    rendered.shrink_to_fit();
  if (campaign.per_recipient_message_id && campaign.identity) {
    // The template has no Message-ID (checked once per campaign): this rendering gets its own.
    rendered.append("Message-ID: ")
        .append(campaign.identity->message_id(campaign.campaign_seq, campaign.created_ms,
                                              campaign.mail_from, recipient_seq))
        .append("\r\n");
  }
  auto result = campaign.merge_template->render(*vars, rendered);
  if (!result)
    return result.error();
  auto message = std::make_shared<PreparedMessage>();
  message->campaign_seq = campaign.campaign_seq;
  message->campaign_id = campaign.campaign_id;
  message->mail_from = campaign.mail_from;
  message->expires_at_ms = campaign.expires_at_ms;
  message->start_ms = campaign.start_ms;
  message->identity = campaign.identity;
  message->verp_domain = campaign.verp_domain;
  message->created_ms = campaign.created_ms;
  message->tenant = campaign.tenant;
  message->traits = protocol::message_traits(rendered);
  std::string signature_fields;
  std::string normalised; // only when the rendering has other line ends than CRLF
  std::string_view text = rendered;
  if (campaign.dkim && !campaign.dkim->empty()) {
    // Signed per recipient: the rendering may differ in any header or in the body.
    if (!protocol::has_crlf_line_ends(rendered)) {
      normalised = protocol::normalise_line_ends(rendered);
      text = normalised;
    }
    DkimSignatureFields signature = campaign.dkim->sign_fields(text, std::time(nullptr));
    if (signature.outcome == DkimSignOutcome::failed) {
      spdlog::warn("campaign {}: DKIM signing failed, sent unsigned: {}", campaign.campaign_id,
                   signature.detail);
    }
    signature_fields = std::move(signature.fields);
  }
  message->data =
      std::make_shared<const std::string>(protocol::prepare_message_data(signature_fields, text));
  return std::shared_ptr<const PreparedMessage>(std::move(message));
}

} // namespace volley::engine
