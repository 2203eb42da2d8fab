// One recipient's copy of a templated campaign's PreparedMessage: the template rendered with the
// recipient's vars, converted to wire form, with its own traits (a value may bring 8-bit text or
// UTF-8 headers). Built when a connection takes the recipient (SiteQueue::take_batch), so queued
// recipients hold no rendered copy. DKIM-signed per recipient with campaign.dkim when it is set.
// Must never send a message with a blank field: a missing var is an error (the caller bounces the
// recipient), never an empty value.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/prepared_message.hpp"
#include "protocol/result.hpp"

namespace volley::engine {

// campaign.merge_template must be set. invalid_request (naming the field) when vars_json lacks a
// field or a header value would hold CR/LF. recipient_seq names the recipient in its Message-ID
// (when campaign.per_recipient_message_id).
Result<std::shared_ptr<const PreparedMessage>> personalise_message(const PreparedMessage& campaign,
                                                                   std::uint64_t recipient_seq,
                                                                   std::string_view vars_json);

} // namespace volley::engine
