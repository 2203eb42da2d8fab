// Names of spool states as they appear in the control API and logs. Never changes a stored value.
#include "queue/spool_types.hpp"

namespace volley::queue {

const char* to_string(RecipientState state) {
  switch (state) {
  case RecipientState::queued:
    return "queued";
  case RecipientState::in_flight:
    return "in_flight";
  case RecipientState::delivered:
    return "delivered";
  case RecipientState::deferred:
    return "deferred";
  case RecipientState::bounced_hard:
    return "bounced_hard";
  case RecipientState::bounced_soft:
    return "bounced_soft";
  case RecipientState::expired:
    return "expired";
  case RecipientState::cancelled:
    return "cancelled";
  case RecipientState::suppressed:
    return "suppressed";
  }
  return "unknown";
}

const char* to_string(CampaignState state) {
  switch (state) {
  case CampaignState::active:
    return "active";
  case CampaignState::paused:
    return "paused";
  case CampaignState::cancelled:
    return "cancelled";
  }
  return "unknown";
}

} // namespace volley::queue
