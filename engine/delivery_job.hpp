// DeliveryJob: one claimed recipient on its way through the engine (site queue → connection →
// outcome), plus the prepared message it belongs to. Plain data; owned by exactly one place at a
// time (scheduler pending list, a SiteQueue, or a connection's transaction). Must never be dropped
// without an outcome: every job ends as one queue::DeliveryOutcome.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "queue/spool_types.hpp"

namespace volley::engine {

struct PreparedMessage;

struct DeliveryJob {
  queue::ClaimedRecipient recipient;
  std::string domain; // lower-case domain of recipient.address
  std::shared_ptr<const PreparedMessage> message;
  std::int64_t claimed_ms = 0;
};

} // namespace volley::engine
