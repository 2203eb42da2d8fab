// Encoders/decoders for spool keys and values (layouts documented in spool_codec.hpp).
// Must never read past the input: every reader step is bounds-checked and fails the whole decode.
#include "queue/spool_codec.hpp"

#include <cstring>

namespace volley::queue {
namespace {

void store_be(char* out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

std::uint64_t load_be(const char* in, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

void store_le(char* out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
}

std::uint64_t load_le(const char* in, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

class ByteWriter {
public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void svarint(std::int64_t v) { varint(zigzag(v)); }
  void str(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }

private:
  std::string& out_;
};

class ByteReader {
public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool u8(std::uint8_t& v) {
    if (pos_ >= in_.size())
      return false;
    v = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }
  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      std::uint8_t b = 0;
      if (!u8(b))
        return false;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        return true;
    }
    return false;
  }
  bool svarint(std::int64_t& v) {
    std::uint64_t u = 0;
    if (!varint(u))
      return false;
    v = unzigzag(u);
    return true;
  }
  bool str(std::string_view& s) {
    std::uint64_t n = 0;
    if (!varint(n) || n > in_.size() - pos_)
      return false;
    s = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool str(std::string& s) {
    std::string_view v;
    if (!str(v))
      return false;
    s.assign(v);
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

constexpr std::uint64_t kSignFlip = 0x8000000000000000ull;
constexpr std::uint8_t kHasCanonical = 0x01;
constexpr std::size_t kCountersBytes = 88;

} // namespace

// ---- keys ----

CampaignKey campaign_key(std::uint32_t campaign_seq) {
  CampaignKey k;
  store_be(k.bytes.data(), campaign_seq, 4);
  return k;
}

RecipientKey recipient_key(std::uint32_t campaign_seq, std::uint64_t seq) {
  RecipientKey k;
  store_be(k.bytes.data(), campaign_seq, 4);
  store_be(k.bytes.data() + 4, seq, 8);
  return k;
}

DedupKey dedup_key(std::uint32_t campaign_seq, std::uint64_t hash) {
  return recipient_key(campaign_seq, hash);
}

DueKey due_key(std::int64_t due_ms, std::uint32_t campaign_seq, std::uint64_t seq) {
  DueKey k;
  store_be(k.bytes.data(), static_cast<std::uint64_t>(due_ms) ^ kSignFlip, 8);
  store_be(k.bytes.data() + 8, campaign_seq, 4);
  store_be(k.bytes.data() + 12, seq, 8);
  return k;
}

SeqKey seq_key(std::uint64_t seq) {
  SeqKey k;
  store_be(k.bytes.data(), seq, 8);
  return k;
}

bool parse_due_key(std::string_view key, DueEntry& out) {
  if (key.size() != 20)
    return false;
  out.due_ms = static_cast<std::int64_t>(load_be(key.data(), 8) ^ kSignFlip);
  out.campaign_seq = static_cast<std::uint32_t>(load_be(key.data() + 8, 4));
  out.seq = load_be(key.data() + 12, 8);
  return true;
}

bool parse_recipient_key(std::string_view key, std::uint32_t& campaign_seq, std::uint64_t& seq) {
  if (key.size() != 12)
    return false;
  campaign_seq = static_cast<std::uint32_t>(load_be(key.data(), 4));
  seq = load_be(key.data() + 4, 8);
  return true;
}

bool parse_campaign_key(std::string_view key, std::uint32_t& campaign_seq) {
  if (key.size() != 4)
    return false;
  campaign_seq = static_cast<std::uint32_t>(load_be(key.data(), 4));
  return true;
}

bool parse_seq(std::string_view bytes, std::uint64_t& seq) {
  if (bytes.size() != 8)
    return false;
  seq = load_be(bytes.data(), 8);
  return true;
}

std::string encode_u64(std::uint64_t v) {
  std::string out(8, '\0');
  store_be(out.data(), v, 8);
  return out;
}

// ---- recipients ----

void encode_recipient(std::string& out, const RecipientView& r) {
  out.clear();
  char header[kRecipientHeaderBytes];
  header[0] = static_cast<char>(r.state);
  header[1] = static_cast<char>(r.canonical.empty() ? 0 : kHasCanonical);
  store_le(header + 2, r.attempts, 2);
  store_le(header + 4, static_cast<std::uint64_t>(r.next_attempt_ms), 8);
  out.append(header, sizeof header);
  ByteWriter w(out);
  w.str(r.address);
  w.str(r.crm_id);
  w.str(r.vars_json);
  if (!r.canonical.empty())
    w.str(r.canonical);
}

bool decode_recipient(std::string_view value, RecipientView& out) {
  if (value.size() < kRecipientHeaderBytes)
    return false;
  auto state = static_cast<std::uint8_t>(value[0]);
  auto flags = static_cast<std::uint8_t>(value[1]);
  if (state > static_cast<std::uint8_t>(RecipientState::suppressed))
    return false;
  out.state = static_cast<RecipientState>(state);
  out.attempts = static_cast<std::uint16_t>(load_le(value.data() + 2, 2));
  out.next_attempt_ms = static_cast<std::int64_t>(load_le(value.data() + 4, 8));
  ByteReader r(value.substr(kRecipientHeaderBytes));
  if (!r.str(out.address) || !r.str(out.crm_id) || !r.str(out.vars_json))
    return false;
  out.canonical = {};
  if ((flags & kHasCanonical) != 0 && !r.str(out.canonical))
    return false;
  return r.done();
}

void patch_recipient_header(std::string& value, RecipientState state, std::uint16_t attempts,
                            std::int64_t next_attempt_ms) {
  value[0] = static_cast<char>(state);
  store_le(value.data() + 2, attempts, 2);
  store_le(value.data() + 4, static_cast<std::uint64_t>(next_attempt_ms), 8);
}

StoredRecipient to_stored(std::uint32_t campaign_seq, std::uint64_t seq, const RecipientView& r) {
  StoredRecipient s;
  s.campaign_seq = campaign_seq;
  s.seq = seq;
  s.state = r.state;
  s.attempts = r.attempts;
  s.next_attempt_ms = r.next_attempt_ms;
  s.address.assign(r.address);
  s.crm_id.assign(r.crm_id);
  s.vars_json.assign(r.vars_json);
  return s;
}

bool is_ascii_lower_of(std::string_view address, std::string_view canonical) {
  if (address.size() != canonical.size())
    return false;
  for (std::size_t i = 0; i < address.size(); ++i) {
    char c = address[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != canonical[i])
      return false;
  }
  return true;
}

bool same_canonical(const RecipientView& stored, std::string_view canonical) {
  if (!stored.canonical.empty())
    return stored.canonical == canonical;
  return is_ascii_lower_of(stored.address, canonical);
}

void ascii_lower_into(std::string_view text, std::string& out) {
  out.assign(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
}

// ---- counters ----

std::uint64_t& count_of(CampaignCounts& counts, RecipientState state) {
  switch (state) {
  case RecipientState::queued:
    return counts.queued;
  case RecipientState::in_flight:
    return counts.in_flight;
  case RecipientState::delivered:
    return counts.delivered;
  case RecipientState::deferred:
    return counts.deferred;
  case RecipientState::bounced_hard:
    return counts.bounced_hard;
  case RecipientState::bounced_soft:
    return counts.bounced_soft;
  case RecipientState::expired:
    return counts.expired;
  case RecipientState::cancelled:
    return counts.cancelled;
  case RecipientState::suppressed:
    return counts.suppressed;
  }
  return counts.queued; // unreachable: decode_recipient rejects unknown states
}

std::string encode_counters(const CampaignCounters& c) {
  const CampaignCounts& n = c.counts;
  const std::uint64_t fields[11] = {
      c.next_rcpt_seq, c.dedup_indexed_through, n.queued,     n.in_flight, n.delivered, n.deferred,
      n.bounced_hard,  n.bounced_soft,          n.suppressed, n.expired,   n.cancelled};
  std::string out(kCountersBytes, '\0');
  for (int i = 0; i < 11; ++i)
    store_le(out.data() + 8 * i, fields[i], 8);
  return out;
}

bool decode_counters(std::string_view value, CampaignCounters& out) {
  if (value.size() != kCountersBytes)
    return false;
  CampaignCounts& n = out.counts;
  std::uint64_t* fields[11] = {&out.next_rcpt_seq, &out.dedup_indexed_through,
                               &n.queued,          &n.in_flight,
                               &n.delivered,       &n.deferred,
                               &n.bounced_hard,    &n.bounced_soft,
                               &n.suppressed,      &n.expired,
                               &n.cancelled};
  for (int i = 0; i < 11; ++i)
    *fields[i] = load_le(value.data() + 8 * i, 8);
  return true;
}

// ---- campaigns ----

namespace {
constexpr std::uint8_t kCampaignKeepReturnPath = 1; // flags bit 0
constexpr std::uint8_t kCampaignVerbatim = 2;       // flags bit 1
constexpr std::uint8_t kCampaignFlagsKnown = kCampaignKeepReturnPath | kCampaignVerbatim;
} // namespace

void encode_campaign(std::string& out, const CampaignInfo& c) {
  out.clear();
  ByteWriter w(out);
  w.u8(3); // record layout version (1 had no unsubscribe_url, 2 no flags)
  w.str(c.id);
  w.str(c.kind);
  w.u8(static_cast<std::uint8_t>(c.state));
  w.str(c.from);
  w.varint(c.tags.size());
  for (const auto& [k, v] : c.tags) {
    w.str(k);
    w.str(v);
  }
  w.svarint(c.created_ms);
  w.svarint(c.not_before_ms);
  w.svarint(c.expires_after_s);
  w.varint(c.message_bytes);
  w.str(c.unsubscribe_url);
  w.u8(static_cast<std::uint8_t>((c.keep_return_path ? kCampaignKeepReturnPath : 0) |
                                 (c.verbatim ? kCampaignVerbatim : 0)));
}

bool decode_campaign(std::string_view value, CampaignInfo& out) {
  ByteReader r(value);
  std::uint8_t layout = 0, state = 0;
  std::uint64_t tag_count = 0;
  if (!r.u8(layout) || layout < 1 || layout > 3 || !r.str(out.id) || !r.str(out.kind) ||
      !r.u8(state) || state > static_cast<std::uint8_t>(CampaignState::cancelled) ||
      !r.str(out.from) || !r.varint(tag_count) || tag_count > value.size()) {
    return false;
  }
  out.state = static_cast<CampaignState>(state);
  out.tags.clear();
  for (std::uint64_t i = 0; i < tag_count; ++i) {
    auto& tag = out.tags.emplace_back();
    if (!r.str(tag.first) || !r.str(tag.second))
      return false;
  }
  std::uint64_t bytes = 0;
  if (!r.svarint(out.created_ms) || !r.svarint(out.not_before_ms) ||
      !r.svarint(out.expires_after_s) || !r.varint(bytes)) {
    return false;
  }
  out.message_bytes = bytes;
  out.unsubscribe_url.clear();
  if (layout >= 2 && !r.str(out.unsubscribe_url))
    return false;
  std::uint8_t flags = 0;
  if (layout >= 3 && (!r.u8(flags) || (flags & ~kCampaignFlagsKnown) != 0))
    return false;
  out.keep_return_path = (flags & kCampaignKeepReturnPath) != 0;
  out.verbatim = (flags & kCampaignVerbatim) != 0;
  return r.done();
}

// ---- suppressions and bounces ----

std::string encode_suppression(const SuppressionEntry& e) {
  std::string out;
  ByteWriter w(out);
  w.str(e.reason);
  w.str(e.source);
  w.svarint(e.at_ms);
  return out;
}

bool decode_suppression(std::string_view value, SuppressionEntry& out) {
  ByteReader r(value);
  return r.str(out.reason) && r.str(out.source) && r.svarint(out.at_ms) && r.done();
}

void encode_bounce(std::string& out, const BounceRecord& b) {
  out.clear();
  ByteWriter w(out);
  for (const std::string* s : {&b.campaign, &b.recipient, &b.recipient_id, &b.kind, &b.status}) {
    w.str(*s);
  }
  w.svarint(b.smtp_code);
  for (const std::string* s : {&b.reason, &b.diagnostic, &b.remote_mta, &b.source})
    w.str(*s);
  w.svarint(b.at_ms);
}

bool decode_bounce(std::string_view value, BounceRecord& out) {
  ByteReader r(value);
  for (std::string* s :
       {&out.campaign, &out.recipient, &out.recipient_id, &out.kind, &out.status}) {
    if (!r.str(*s))
      return false;
  }
  std::int64_t code = 0;
  if (!r.svarint(code))
    return false;
  out.smtp_code = static_cast<int>(code);
  for (std::string* s : {&out.reason, &out.diagnostic, &out.remote_mta, &out.source}) {
    if (!r.str(*s))
      return false;
  }
  return r.svarint(out.at_ms) && r.done();
}

// ---- schema header ----

std::string encode_schema_header(std::uint32_t version) {
  std::string out(4, '\0');
  store_be(out.data(), version, 4);
  out.append(kSchemaMagic);
  return out;
}

std::optional<std::uint32_t> decode_schema_header(std::string_view value) {
  if (value.size() != 4 + kSchemaMagic.size() || value.substr(4) != kSchemaMagic) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(load_be(value.data(), 4));
}

} // namespace volley::queue
