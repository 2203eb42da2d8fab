// Plain value types stored in and returned by the spool (campaigns, recipients, counts,
// suppressions, bounce records, delivery outcomes). No LMDB here; encoding lives in spool_codec.*.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/duration_histogram.hpp"

namespace volley::queue {

enum class RecipientState : std::uint8_t {
  queued = 0,
  in_flight = 1,
  delivered = 2,
  deferred = 3,
  bounced_hard = 4,
  bounced_soft = 5,
  expired = 6,
  cancelled = 7,
  suppressed = 8,
};
const char* to_string(RecipientState state);

enum class CampaignState : std::uint8_t { active = 0, paused = 1, cancelled = 2 };
const char* to_string(CampaignState state);

enum class CampaignAction : std::uint8_t { pause, resume, cancel };

struct CampaignCounts {
  std::uint64_t queued = 0, in_flight = 0, delivered = 0, deferred = 0, bounced_hard = 0,
                bounced_soft = 0, suppressed = 0, expired = 0, cancelled = 0;
  std::uint64_t total() const {
    return queued + in_flight + delivered + deferred + bounced_hard + bounced_soft + suppressed +
           expired + cancelled;
  }
  bool operator==(const CampaignCounts&) const = default;
  CampaignCounts& operator+=(const CampaignCounts& more) {
    queued += more.queued;
    in_flight += more.in_flight;
    delivered += more.delivered;
    deferred += more.deferred;
    bounced_hard += more.bounced_hard;
    bounced_soft += more.bounced_soft;
    suppressed += more.suppressed;
    expired += more.expired;
    cancelled += more.cancelled;
    return *this;
  }
};

struct NewCampaign {
  std::string id;   // "" = spool assigns "c-<seq>" (or "m-<seq>" for kind "message")
  std::string kind; // "campaign" or "message" (transactional)
  std::string from;
  std::string message; // raw RFC 5322 text, stored once
  std::vector<std::pair<std::string, std::string>> tags;
  std::int64_t not_before_ms = 0;   // first delivery not before (unix ms); 0 = now
  std::int64_t expires_after_s = 0; // 0 = spool default (SpoolOptions::default_expires_after_s)
  std::string unsubscribe_url;      // "" or http(s) URL for List-Unsubscribe (may hold {{fields}})
  // Sent as received (SMTP submission): `from` is the envelope sender of every recipient (no VERP)
  // when keep_return_path; the message has no merge fields ("{{x}}" is text) when verbatim.
  bool keep_return_path = false;
  bool verbatim = false;
};

struct NewRecipient {
  std::string address;   // as given, already validated by protocol::parse_mailbox
  std::string canonical; // Mailbox::canonical(): dedup + suppression key
  std::string crm_id;    // CRM's own id, may be empty
  std::string vars_json; // "" or JSON object text
};

struct AddRecipientsResult {
  std::uint64_t accepted = 0;   // newly stored (queued or suppressed)
  std::uint64_t duplicates = 0; // already in this campaign: stored once, not again
  std::uint64_t suppressed = 0; // on the suppression list: stored with state suppressed
};

struct CampaignCreated {
  std::string id;
  std::uint32_t seq = 0;
  AddRecipientsResult recipients;
};

struct CampaignInfo {
  std::string id;
  std::uint32_t seq = 0;
  std::string kind;
  CampaignState state = CampaignState::active;
  std::string from;
  std::vector<std::pair<std::string, std::string>> tags;
  std::int64_t created_ms = 0;
  std::int64_t not_before_ms = 0;
  std::int64_t expires_after_s = 0;
  std::uint64_t message_bytes = 0;
  std::string unsubscribe_url;
  bool keep_return_path = false; // see NewCampaign
  bool verbatim = false;
  CampaignCounts counts;
};

struct StoredRecipient {
  std::uint32_t campaign_seq = 0;
  std::uint64_t seq = 0; // per campaign, from 1, in arrival order
  RecipientState state = RecipientState::queued;
  std::uint16_t attempts = 0;
  std::int64_t next_attempt_ms = 0; // for queued/deferred: when it is due
  std::string address;
  std::string crm_id;
  std::string vars_json;
};

struct SuppressionEntry {
  std::string address; // canonical
  std::string reason;  // e.g. "user unknown", "unsubscribe", "manual"
  std::string source;  // "api", "sync", "dsn", "arf"
  std::int64_t at_ms = 0;
};

struct BounceRecord {
  std::uint64_t seq = 0; // cursor (assigned by the spool)
  std::string campaign;  // campaign id
  std::string recipient;
  std::string recipient_id; // CRM id
  std::string kind;         // "hard" | "soft" | "complaint"
  std::string status;       // enhanced status "5.1.1"
  int smtp_code = 0;
  std::string reason; // category
  std::string diagnostic;
  std::string remote_mta;
  std::string source; // "sync" | "dsn" | "arf"
  std::int64_t at_ms = 0;
};

// A recipient handed to delivery by claim_due (state is now in_flight).
struct ClaimedRecipient {
  std::uint32_t campaign_seq = 0;
  std::uint64_t seq = 0;
  std::string campaign_id;
  std::string address;
  std::string crm_id;
  std::string vars_json;
  std::uint16_t attempts = 0; // attempts before this one
  std::int64_t due_ms = 0;    // when it became due (its next_attempt_ms): delivery latency
};

// returned: back to queued without counting an attempt (campaign paused while the recipient waited
// in memory, shutdown); due at next_attempt_ms. suppressed: on the suppression list at send time.
enum class OutcomeKind : std::uint8_t {
  delivered,
  deferred,
  bounced_hard,
  bounced_soft,
  expired,
  returned,
  suppressed,
};

struct DeliveryOutcome {
  std::uint32_t campaign_seq = 0;
  std::uint64_t seq = 0;
  OutcomeKind kind = OutcomeKind::delivered;
  std::int64_t next_attempt_ms = 0; // deferred: when to retry
  std::optional<BounceRecord>
      bounce; // bounced_*/expired: the record to store (seq/campaign filled in)
  // With a bounce: the recipient's canonical address. suppress = the address itself is bad (hard
  // bounce): it goes on the suppression list in the same transaction; else a soft bounce counts
  // towards SpoolOptions::soft_bounce_limit.
  std::string address_key;
  bool suppress = false;
  // deferred: the reply as a soft record, for the event log only (the spool never stores it).
  std::optional<BounceRecord> deferral;
};

// A bounce, complaint or failure notice that arrived after delivery (a DSN, an ARF report): the
// record to store, and the recipient it names when known (campaign_seq/recipient_seq from a
// verified VERP token; 0 = unknown, the record is stored on its own).
struct ReportedBounce {
  std::uint32_t campaign_seq = 0;
  std::uint64_t recipient_seq = 0;
  BounceRecord record;     // kind "hard" | "soft" | "complaint"; source "dsn" | "arf"
  std::string address_key; // canonical address: suppression / soft-bounce key ("" = neither)
  bool suppress = false;   // hard bounce or complaint: the address goes on the suppression list
};

struct SpoolStats {
  std::uint64_t commits = 0;             // write transactions committed that wrote (and synced)
  std::uint64_t recipients_injected = 0; // recipients stored by create/add since open (incl.
                                         // suppressed ones; duplicates are not stored)
  std::uint64_t requests_committed = 0;  // requests acknowledged after a commit
  std::uint64_t map_bytes = 0;           // current LMDB map size
  std::uint64_t used_bytes = 0;          // pages in use * page size
  std::uint64_t last_commit_us = 0;      // duration of the last commit incl. fsync
  std::uint64_t queued_requests = 0;     // waiting for the writer now
  // Durations of the commits counted in `commits` (incl. fsync); its count equals commits.
  protocol::DurationHistogramSnapshot commit_duration;
};

} // namespace volley::queue
