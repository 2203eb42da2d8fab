// Reply → outcome mapping (see delivery_outcome.hpp). The enhanced status code decides the category
// when present; otherwise the basic code and a few well-known words in the text.
#include "engine/delivery_outcome.hpp"

#include <algorithm>

#include "engine/prepared_message.hpp"

namespace volley::engine {
namespace {

bool has_prefix(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string enhanced_or_default(const protocol::SmtpReply& reply) {
  if (!reply.enhanced.empty())
    return reply.enhanced;
  if (reply.permanent())
    return "5.0.0";
  if (reply.transient())
    return "4.0.0";
  return "2.0.0";
}

queue::BounceRecord bounce_record(const DeliveryJob& job, const protocol::SmtpReply& reply,
                                  std::string_view remote_mta, std::string kind,
                                  std::int64_t now_ms) {
  queue::BounceRecord record;
  record.campaign = job.recipient.campaign_id;
  record.recipient = job.recipient.address;
  record.recipient_id = job.recipient.crm_id;
  record.kind = std::move(kind);
  record.status = enhanced_or_default(reply);
  record.smtp_code = reply.code;
  record.reason = bounce_category(reply);
  record.diagnostic = reply.to_string();
  record.remote_mta = std::string(remote_mta);
  record.source = "sync";
  record.at_ms = now_ms;
  return record;
}

} // namespace

std::int64_t next_attempt_ms(const RetryPolicy& retry, std::uint16_t attempts_before,
                             std::int64_t now_ms) {
  if (retry.schedule_s.empty())
    return now_ms + 300'000;
  std::size_t index = std::min<std::size_t>(attempts_before, retry.schedule_s.size() - 1);
  return now_ms + retry.schedule_s[index] * 1000;
}

std::string bounce_category(const protocol::SmtpReply& reply) {
  std::string_view e = reply.enhanced;
  if (e.size() >= 3) {
    std::string_view detail = e.substr(2);
    if (has_prefix(detail, "1.1") || has_prefix(detail, "1.6"))
      return "bad_mailbox";
    if (has_prefix(detail, "1.2") || has_prefix(detail, "1.10"))
      return "bad_domain";
    if (has_prefix(detail, "2.2"))
      return "mailbox_full";
    if (has_prefix(detail, "3.4") || has_prefix(detail, "2.3"))
      return "message_too_large";
    if (has_prefix(detail, "7.1") && reply.text.find("spam") != std::string::npos)
      return "spam";
    if (has_prefix(detail, "7."))
      return "policy";
    if (has_prefix(detail, "4.4") && reply.text.find("expired") != std::string::npos)
      return "expired";
    if (has_prefix(detail, "4."))
      return "routing";
    if (has_prefix(detail, "5.") || has_prefix(detail, "6."))
      return "protocol";
  }
  switch (reply.code) {
  case 550:
  case 551:
  case 553:
    return "bad_mailbox";
  case 552:
    return "mailbox_full";
  case 554:
    return "policy";
  default:
    return "other";
  }
}

queue::DeliveryOutcome make_outcome(const DeliveryJob& job, const protocol::SmtpReply& reply,
                                    std::string_view remote_mta, const RetryPolicy& retry,
                                    std::int64_t now_ms) {
  queue::DeliveryOutcome o;
  o.campaign_seq = job.recipient.campaign_seq;
  o.seq = job.recipient.seq;
  if (reply.positive()) {
    o.kind = queue::OutcomeKind::delivered;
    return o;
  }
  if (reply.permanent()) {
    o.kind = queue::OutcomeKind::bounced_hard;
    o.bounce = bounce_record(job, reply, remote_mta, "hard", now_ms);
    return o;
  }
  std::int64_t next = next_attempt_ms(retry, job.recipient.attempts, now_ms);
  std::int64_t expires_at = job.message ? job.message->expires_at_ms : 0;
  if (expires_at > 0 && next >= expires_at) {
    o.kind = queue::OutcomeKind::expired;
    queue::BounceRecord record = bounce_record(job, reply, remote_mta, "soft", now_ms);
    record.reason = "expired";
    record.diagnostic = "expired after the last attempt: " + record.diagnostic;
    o.bounce = std::move(record);
    return o;
  }
  o.kind = queue::OutcomeKind::deferred;
  o.next_attempt_ms = next;
  return o;
}

queue::DeliveryOutcome returned_outcome(const DeliveryJob& job, std::int64_t now_ms) {
  queue::DeliveryOutcome o;
  o.campaign_seq = job.recipient.campaign_seq;
  o.seq = job.recipient.seq;
  o.kind = queue::OutcomeKind::returned;
  o.next_attempt_ms = now_ms;
  return o;
}

queue::DeliveryOutcome suppressed_outcome(const DeliveryJob& job) {
  queue::DeliveryOutcome o;
  o.campaign_seq = job.recipient.campaign_seq;
  o.seq = job.recipient.seq;
  o.kind = queue::OutcomeKind::suppressed;
  return o;
}

} // namespace volley::engine
