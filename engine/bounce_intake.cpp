// BounceIntake (see bounce_intake.hpp). Matching, most trusted first: the SMTP envelope recipient
// (our bounce address), then the report's own verp_candidates (X-Original-To, the original's
// Return-Path), then the original Message-ID when it names one recipient.
#include "engine/bounce_intake.hpp"

#include <spdlog/spdlog.h>

#include "engine/dkim_message_signer.hpp"
#include "engine/event_log.hpp"
#include "engine/event_record.hpp"
#include "protocol/address.hpp"
#include "protocol/ascii_case.hpp"

namespace volley::engine {
namespace {

std::string canonical(std::string_view address) {
  auto mailbox = protocol::parse_mailbox(address);
  return mailbox ? mailbox->canonical() : std::string();
}

bool same_address(std::string_view a, std::string_view b) {
  return protocol::ascii_equal_ignoring_case(a, b);
}

// The unsubscribing address: the From field's address, else the envelope sender.
std::string unsubscriber(std::string_view raw, const std::string& envelope_from) {
  if (auto from = from_header_address(raw)) {
    std::string key = canonical(*from);
    if (!key.empty())
      return key;
  }
  return canonical(envelope_from);
}

} // namespace

bool BounceIntake::accepts_recipient(std::string_view address) const {
  return identity_ && (identity_->decode_bounce_address(address) ||
                       identity_->decode_unsubscribe_address(address));
}

void BounceIntake::process(std::string raw, std::vector<std::string> envelope_rcpts,
                           std::string envelope_from,
                           std::function<void(Result<BounceIntakeResult>)> done) {
  BounceIntakeResult result;
  std::vector<queue::ReportedBounce> reported;
  // An unsubscribe message (RFC 2369 mailto): its sender leaves every campaign. Answered once
  // the suppression is committed.
  for (const std::string& rcpt : envelope_rcpts) {
    if (!identity_ || !identity_->decode_unsubscribe_address(rcpt))
      continue;
    std::string who = unsubscriber(raw, envelope_from);
    if (who.empty())
      return done(
          make_error(error_code::invalid_request, "an unsubscribe message needs a From address"));
    spdlog::info("unsubscribe by mail: {} suppressed", who);
    result.unsubscribed = 1;
    queue::SuppressionEntry entry{who, "unsubscribe", "mailto", 0};
    return spool_.put_suppression(
        entry, [result, who, events = events_, done = std::move(done)](Result<Unit> stored) {
          if (!stored)
            return done(stored.error());
          if (events) {
            Event event;
            event.kind = EventKind::suppressed;
            event.recipient = who;
            event.reason = "unsubscribe";
            event.source = "mailto";
            events->emit(std::move(event));
          }
          done(result);
        });
  }
  auto parsed = protocol::parse_bounce_message(raw);
  if (!parsed)
    return done(parsed.error());
  const protocol::BounceReport& report = *parsed;
  result.type = report.type;
  if (report.type == protocol::BounceMessageType::auto_reply ||
      report.type == protocol::BounceMessageType::not_bounce || report.recipients.empty())
    return done(result);

  // Which of our recipients the report is about, from the most trusted token that verifies.
  std::optional<protocol::VerpFields> token;
  if (identity_) {
    for (const std::string& rcpt : envelope_rcpts)
      if (!token)
        token = identity_->decode_bounce_address(rcpt);
    for (const std::string& candidate : report.verp_candidates)
      if (!token)
        token = identity_->decode_bounce_address(candidate);
    if (!token && !report.original_message_id.empty()) {
      auto by_id = identity_->decode_message_id(report.original_message_id);
      if (by_id && by_id->recipient_seq != 0)
        token = by_id;
    }
  }
  std::optional<queue::StoredRecipient> ours;
  if (token)
    ours = spool_.recipient(token->campaign_seq, token->recipient_seq);

  const bool complaint = report.type == protocol::BounceMessageType::arf;
  bool matched = false;
  for (const protocol::BouncedRecipient& r : report.recipients) {
    if (r.kind == "auto_reply" || r.reason == protocol::bounce_reason::delayed)
      continue;
    queue::ReportedBounce b;
    b.record.kind = complaint ? "complaint" : (r.hard ? "hard" : "soft");
    b.record.status = r.status;
    b.record.smtp_code = r.smtp_code;
    b.record.reason = r.reason;
    b.record.diagnostic = r.diagnostic;
    b.record.remote_mta = r.remote_mta;
    b.record.source = complaint ? "arf" : "dsn";
    // A VERP token names one recipient: the report line for that address (or the only one).
    bool this_one = ours && !matched &&
                    (report.recipients.size() == 1 || r.recipient.empty() ||
                     same_address(r.recipient, ours->address));
    if (this_one) {
      matched = true;
      b.campaign_seq = ours->campaign_seq;
      b.recipient_seq = ours->seq;
      b.address_key = canonical(ours->address);
      b.suppress = complaint || r.hard;
      ++result.verified;
    } else {
      b.record.recipient = r.recipient; // as reported: stored, never acted upon
    }
    reported.push_back(std::move(b));
  }
  if (reported.empty())
    return done(result);
  spool_.record_reported_bounces(
      std::move(reported), [result, events = events_, counters = counters_, done = std::move(done)](
                               Result<std::vector<queue::BounceRecord>> stored) mutable {
        if (!stored)
          return done(stored.error());
        result.stored = std::move(stored.value());
        for (const queue::BounceRecord& record : result.stored)
          counters->count(record.kind, record.reason);
        if (events) {
          // Committed: the CRM hears of each report as a bounced or complaint event.
          std::vector<Event> out;
          for (const queue::BounceRecord& record : result.stored) {
            EventKind kind = record.kind == "complaint" ? EventKind::complaint : EventKind::bounced;
            out.push_back(event_from_bounce(kind, record, 0));
          }
          events->emit(std::move(out));
        }
        done(std::move(result));
      });
}

} // namespace volley::engine
