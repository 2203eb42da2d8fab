// OutcomeEvents (see outcome_events.hpp). Attempts follow the spool's rule: delivered, deferred and
// bounced count the attempt just made; expired and suppressed do not.
#include "engine/outcome_events.hpp"

namespace volley::engine {
namespace {

Event plain_event(EventKind kind, const std::string& campaign, const std::string& address,
                  const std::string& crm_id, std::uint32_t attempts) {
  Event event;
  event.kind = kind;
  event.campaign = campaign;
  event.recipient = address;
  event.recipient_id = crm_id;
  event.attempts = attempts;
  return event;
}

} // namespace

void OutcomeEvents::track(const queue::ClaimedRecipient& r) {
  subjects_.insert_or_assign({r.campaign_seq, r.seq},
                             Subject{r.campaign_id, r.address, r.crm_id, r.attempts});
}

std::optional<Event> OutcomeEvents::event_of(const queue::DeliveryOutcome& o,
                                             const Subject* subject) const {
  using queue::OutcomeKind;
  if (o.kind == OutcomeKind::returned)
    return std::nullopt;
  const std::optional<queue::BounceRecord>& record =
      o.kind == OutcomeKind::deferred ? o.deferral : o.bounce;
  std::uint32_t before = subject ? subject->attempts_before : 0;
  bool attempted = o.kind != OutcomeKind::expired && o.kind != OutcomeKind::suppressed;
  std::uint32_t attempts = before + (attempted ? 1 : 0);
  EventKind kind = o.kind == OutcomeKind::delivered    ? EventKind::delivered
                   : o.kind == OutcomeKind::deferred   ? EventKind::deferred
                   : o.kind == OutcomeKind::expired    ? EventKind::expired
                   : o.kind == OutcomeKind::suppressed ? EventKind::suppressed
                                                       : EventKind::bounced;
  if (record) {
    Event event = event_from_bounce(kind, *record, attempts);
    if (subject && event.recipient_id.empty())
      event.recipient_id = subject->crm_id;
    return event;
  }
  if (!subject)
    return std::nullopt;
  Event event = plain_event(kind, subject->campaign, subject->address, subject->crm_id, attempts);
  if (kind == EventKind::bounced || kind == EventKind::expired || kind == EventKind::deferred) {
    event.reply_kind = o.kind == OutcomeKind::bounced_hard ? "hard" : "soft";
    event.source = "sync";
  }
  return event;
}

void OutcomeEvents::committed(const std::vector<queue::DeliveryOutcome>& outcomes) {
  std::vector<Event> events;
  events.reserve(outcomes.size());
  for (const queue::DeliveryOutcome& o : outcomes) {
    auto found = subjects_.find({o.campaign_seq, o.seq});
    const Subject* subject = found == subjects_.end() ? nullptr : &found->second;
    if (auto event = event_of(o, subject); event && log_.wants(event->kind))
      events.push_back(std::move(*event));
    if (found != subjects_.end())
      subjects_.erase(found);
  }
  if (!events.empty())
    log_.emit(std::move(events));
}

} // namespace volley::engine
