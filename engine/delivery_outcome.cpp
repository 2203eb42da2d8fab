// Reply → outcome mapping (see delivery_outcome.hpp). The enhanced status code decides the category
// when present; otherwise the basic code and a few well-known words in the text.
#include "engine/delivery_outcome.hpp"

#include <algorithm>

#include "engine/prepared_message.hpp"

namespace volley::engine {
namespace {

// "c.sss.ddd" → subject and detail as numbers; -1 when the status is not in that form.
struct EnhancedParts {
  int subject = -1;
  int detail = -1;
};

EnhancedParts split_enhanced(std::string_view e) {
  EnhancedParts parts;
  auto first_dot = e.find('.');
  if (first_dot == std::string_view::npos)
    return parts;
  auto second_dot = e.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos)
    return parts;
  auto number = [](std::string_view digits) {
    if (digits.empty() || digits.size() > 3)
      return -1;
    int value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9')
        return -1;
      value = value * 10 + (c - '0');
    }
    return value;
  };
  parts.subject = number(e.substr(first_dot + 1, second_dot - first_dot - 1));
  parts.detail = number(e.substr(second_dot + 1));
  if (parts.subject < 0 || parts.detail < 0)
    parts = {};
  return parts;
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
  auto [subject, detail] = split_enhanced(reply.enhanced);
  if (subject >= 0) {
    auto at = [&](int s, int d) { return subject == s && detail == d; };
    if (at(1, 7) || at(1, 8)) // the sender's address was refused, not the recipient's
      return "policy";
    if (at(1, 1) || at(1, 6) || at(1, 3))
      return "bad_mailbox";
    if (at(1, 2) || at(1, 10))
      return "bad_domain";
    if (at(2, 2))
      return "mailbox_full";
    if (at(3, 4) || at(2, 3))
      return "message_too_large";
    if (at(7, 1) && reply.text.find("spam") != std::string::npos)
      return "spam";
    if (subject == 7)
      return "policy";
    if (at(4, 7) || (subject == 4 && reply.text.find("expired") != std::string::npos))
      return "expired";
    if (subject == 4)
      return "routing";
    if (subject == 5 || subject == 6)
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
