// Reply → outcome mapping (see delivery_outcome.hpp). Categories and hard/soft come from the same
// classifier as asynchronous bounces (protocol/bounce_report.hpp), so both make the same record.
#include "engine/delivery_outcome.hpp"

#include <algorithm>

#include "engine/prepared_message.hpp"
#include "protocol/address.hpp"
#include "protocol/bounce_report.hpp"

namespace volley::engine {
namespace {

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
  return protocol::classify_bounce(reply.enhanced, reply.code, reply.text).reason;
}

static std::string canonical_address(std::string_view address) {
  auto mailbox = protocol::parse_mailbox(address);
  return mailbox ? mailbox->canonical() : std::string(address);
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
    // Final either way; only a bad address (user or host unknown, moved) is a hard bounce that
    // suppresses it. A refusal of the message or the sender (policy, spam, size) is soft.
    protocol::BounceClassification c =
        protocol::classify_bounce(reply.enhanced, reply.code, reply.text);
    o.kind = c.hard ? queue::OutcomeKind::bounced_hard : queue::OutcomeKind::bounced_soft;
    o.bounce = bounce_record(job, reply, remote_mta, c.hard ? "hard" : "soft", now_ms);
    o.bounce->reason = c.reason;
    o.address_key = canonical_address(job.recipient.address);
    o.suppress = c.hard;
    return o;
  }
  std::int64_t next = next_attempt_ms(retry, job.recipient.attempts, now_ms);
  std::int64_t expires_at = job.message ? job.message->expires_at_ms : 0;
  if (retry.expires_after_ms > 0 && job.message) {
    std::int64_t policy_expiry = job.message->start_ms + retry.expires_after_ms;
    expires_at = expires_at > 0 ? std::min(expires_at, policy_expiry) : policy_expiry;
  }
  if (expires_at > 0 && next >= expires_at) {
    o.kind = queue::OutcomeKind::expired;
    queue::BounceRecord record = bounce_record(job, reply, remote_mta, "soft", now_ms);
    record.reason = "expired";
    record.diagnostic = "expired after the last attempt: " + record.diagnostic;
    o.bounce = std::move(record);
    o.address_key = canonical_address(job.recipient.address); // counts as a soft bounce
    return o;
  }
  o.kind = queue::OutcomeKind::deferred;
  o.next_attempt_ms = next;
  o.deferral = bounce_record(job, reply, remote_mta, "soft", now_ms); // for the event log only
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

queue::DeliveryOutcome merge_field_outcome(const DeliveryJob& job, std::string_view error,
                                           std::int64_t now_ms) {
  queue::DeliveryOutcome o;
  o.campaign_seq = job.recipient.campaign_seq;
  o.seq = job.recipient.seq;
  o.kind = queue::OutcomeKind::bounced_hard;
  queue::BounceRecord record;
  record.campaign = job.recipient.campaign_id;
  record.recipient = job.recipient.address;
  record.recipient_id = job.recipient.crm_id;
  record.kind = "hard";
  record.status = "5.6.0";
  record.smtp_code = 0;
  record.reason = "merge_field";
  record.diagnostic = "message not sent: " + std::string(error);
  record.source = "sync";
  record.at_ms = now_ms;
  o.bounce = std::move(record);
  return o;
}

} // namespace volley::engine
