// OutcomeEvents: turns delivery outcomes into event log entries once the spool has committed them.
// The scheduler tells it each recipient it dispatches (campaign, address, CRM id, attempts so far)
// and hands it every committed outcome batch; returned outcomes (paused, shutdown) are not events.
// Runs on the delivery thread only. Must never emit an event for an outcome that was not committed,
// nor keep a recipient after its outcome was committed.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/event_log.hpp"
#include "queue/spool_types.hpp"

namespace volley::engine {

class OutcomeEvents {
public:
  explicit OutcomeEvents(EventLog& log) : log_(log) {}

  void track(const queue::ClaimedRecipient& recipient);
  void committed(const std::vector<queue::DeliveryOutcome>& outcomes);
  std::size_t tracked() const { return subjects_.size(); }

private:
  struct Subject {
    std::string campaign;
    std::string address;
    std::string crm_id;
    std::uint16_t attempts_before = 0;
  };
  static std::uint64_t key(std::uint32_t campaign_seq, std::uint64_t seq) {
    return (static_cast<std::uint64_t>(campaign_seq) << 40) ^ seq;
  }
  struct KeyHash {
    std::size_t operator()(const std::pair<std::uint32_t, std::uint64_t>& k) const {
      return std::hash<std::uint64_t>()(key(k.first, k.second));
    }
  };

  std::optional<Event> event_of(const queue::DeliveryOutcome& outcome,
                                const Subject* subject) const;

  EventLog& log_;
  std::unordered_map<std::pair<std::uint32_t, std::uint64_t>, Subject, KeyHash> subjects_;
};

} // namespace volley::engine
