// BounceIntake: an incoming bounce, complaint or unsubscribe message (from the inbound bounce
// listener or POST /v1/bounces/raw) turned into stored bounce records. The report is parsed by
// protocol/bounce_report; each failed recipient is matched to the recipient we sent to through a
// VERP token (bounce address or our Message-ID), verified with the HMAC key, then stored with
// Spool::record_reported_bounces: hard bounces and complaints suppress the address, soft ones
// count towards promotion, a delivered recipient becomes bounced. Thread-safe (no state beyond
// the spool and the immutable identity). Must never suppress an address on an unverified report:
// a bounce whose token does not verify is stored as reported, with no effect on any recipient.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/bounce_counters.hpp"
#include "engine/sender_identity.hpp"
#include "protocol/bounce_report.hpp"
#include "protocol/result.hpp"
#include "queue/spool.hpp"

namespace volley::engine {

class EventLog;

struct BounceIntakeResult {
  protocol::BounceMessageType type = protocol::BounceMessageType::not_bounce;
  std::vector<queue::BounceRecord> stored; // records written (seq filled in)
  std::size_t verified = 0;                // records matched to one of our recipients
  std::size_t unsubscribed = 0;            // addresses suppressed by an unsubscribe message
};

class BounceIntake {
public:
  BounceIntake(queue::Spool& spool, std::shared_ptr<const SenderIdentity> identity)
      : spool_(spool), identity_(std::move(identity)) {}

  // envelope_rcpts: the addresses the message was sent to (SMTP RCPT), or empty (API upload).
  // envelope_from: the SMTP reverse-path ("" for bounces, which use the null sender).
  void process(std::string raw, std::vector<std::string> envelope_rcpts, std::string envelope_from,
               std::function<void(Result<BounceIntakeResult>)> done);

  // For the SMTP listener's RCPT check: a bounce or unsubscribe address whose token verifies.
  bool accepts_recipient(std::string_view address) const;
  // Where stored bounces, complaints and unsubscribes go as events (null = no event log).
  void set_event_log(EventLog* events) { events_ = events; }
  // Stored reports by kind and reason, for /metrics (hard/soft from DSNs, complaints from ARF).
  const BounceCounters& counters() const { return *counters_; }

private:
  queue::Spool& spool_;
  std::shared_ptr<const SenderIdentity> identity_;
  EventLog* events_ = nullptr;
  // Shared with the spool callbacks, which may complete after this object is gone.
  std::shared_ptr<BounceCounters> counters_ = std::make_shared<BounceCounters>();
};

} // namespace volley::engine
