// Binary layout of every spool key and value: big-endian fixed-width keys (so LMDB's memcmp order
// is numeric order) and compact values with varint-length strings. Pure functions, no LMDB calls.
// Must never change an existing layout without bumping kSchemaVersion in spool_schema.hpp; decoders
// must never read past their input (they return false on a short or malformed value).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "queue/spool_types.hpp"

namespace volley::queue {

template <std::size_t N> struct FixedKey {
  std::array<char, N> bytes{};
  std::string_view view() const { return std::string_view(bytes.data(), N); }
};

using CampaignKey = FixedKey<4>;   // u32 campaign seq
using RecipientKey = FixedKey<12>; // u32 campaign seq, u64 recipient seq
using DedupKey = FixedKey<12>;     // u32 campaign seq, u64 address hash
using DueKey = FixedKey<20>;       // i64 due ms (sign-flipped), u32 campaign seq, u64 recipient seq
using SeqKey = FixedKey<8>;        // u64 (bounce seq, dedup value)

CampaignKey campaign_key(std::uint32_t campaign_seq);
RecipientKey recipient_key(std::uint32_t campaign_seq, std::uint64_t seq);
DedupKey dedup_key(std::uint32_t campaign_seq, std::uint64_t hash);
DueKey due_key(std::int64_t due_ms, std::uint32_t campaign_seq, std::uint64_t seq);
SeqKey seq_key(std::uint64_t seq);

struct DueEntry {
  std::int64_t due_ms = 0;
  std::uint32_t campaign_seq = 0;
  std::uint64_t seq = 0;
};
bool parse_due_key(std::string_view key, DueEntry& out);
bool parse_recipient_key(std::string_view key, std::uint32_t& campaign_seq, std::uint64_t& seq);
bool parse_campaign_key(std::string_view key, std::uint32_t& campaign_seq);
bool parse_seq(std::string_view bytes, std::uint64_t& seq);

// A recipient value, decoded in place (views point into the LMDB value).
// Layout: state u8, flags u8, attempts u16 LE, next_attempt_ms i64 LE, then varint-length address,
// crm_id, vars_json and, when flags bit 0 is set, the canonical address (only stored when it is not
// simply the ASCII-lower-cased address).
struct RecipientView {
  RecipientState state = RecipientState::queued;
  std::uint16_t attempts = 0;
  std::int64_t next_attempt_ms = 0;
  std::string_view address;
  std::string_view crm_id;
  std::string_view vars_json;
  std::string_view canonical; // empty = ascii_lower(address)
};
inline constexpr std::size_t kRecipientHeaderBytes = 12;
void encode_recipient(std::string& out, const RecipientView& r);
bool decode_recipient(std::string_view value, RecipientView& out);
// Rewrites the fixed header of an encoded recipient (same size, so it can be overwritten in place).
void patch_recipient_header(std::string& value, RecipientState state, std::uint16_t attempts,
                            std::int64_t next_attempt_ms);
StoredRecipient to_stored(std::uint32_t campaign_seq, std::uint64_t seq, const RecipientView& r);

// True if `canonical` equals the ASCII-lower-cased `address` (no allocation).
bool is_ascii_lower_of(std::string_view address, std::string_view canonical);
// True if the stored recipient's canonical address is `canonical`.
bool same_canonical(const RecipientView& stored, std::string_view canonical);
void ascii_lower_into(std::string_view text, std::string& out);

// Per-campaign counters, kept in the `counters` database (fixed 88 bytes).
struct CampaignCounters {
  std::uint64_t next_rcpt_seq = 1;
  std::uint64_t dedup_indexed_through = 0; // recipients with seq <= this are in rcpt_dedup
  CampaignCounts counts;
};
std::string encode_counters(const CampaignCounters& c);
bool decode_counters(std::string_view value, CampaignCounters& out);
std::uint64_t& count_of(CampaignCounts& counts, RecipientState state);

// Campaign record: everything in CampaignInfo except seq (the key) and counts (the counters db).
// Layout 3: u8 layout, id, kind, u8 state, from, tags, created_ms, not_before_ms, expires_after_s,
// message_bytes, unsubscribe_url, u8 flags (bit 0 keep_return_path, bit 1 verbatim). Layouts 1
// (no unsubscribe_url, no flags) and 2 (no flags) are still decoded; unknown flag bits are refused.
void encode_campaign(std::string& out, const CampaignInfo& c);
bool decode_campaign(std::string_view value, CampaignInfo& out);

// Suppression value (the key is the canonical address).
std::string encode_suppression(const SuppressionEntry& e);
bool decode_suppression(std::string_view value, SuppressionEntry& out);

// Bounce record value (the key is the seq).
void encode_bounce(std::string& out, const BounceRecord& b);
bool decode_bounce(std::string_view value, BounceRecord& out);

// Schema header stored in meta["schema"]: u32 BE version + the magic "VOLLEY01".
inline constexpr std::string_view kSchemaMagic = "VOLLEY01";
std::string encode_schema_header(std::uint32_t version);
// The version, or nullopt when the value is not a Volley schema header.
std::optional<std::uint32_t> decode_schema_header(std::string_view value);

std::string encode_u64(std::uint64_t v); // big-endian, for meta counters and dedup values

} // namespace volley::queue
