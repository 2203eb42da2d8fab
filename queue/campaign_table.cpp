// Campaign rows (see campaign_table.hpp). Must never write a counters value it did not read or
// create in the same transaction.
#include "queue/campaign_table.hpp"

#include <cerrno>

#include "queue/lmdb_env.hpp"

namespace volley::queue {

std::uint64_t next_meta_seq(MDB_txn* txn, MDB_dbi meta, std::string_view name,
                            std::uint64_t count) {
  std::string_view value;
  std::uint64_t next = 1;
  if (lmdb_get(txn, meta, name, value) && !parse_seq(value, next)) {
    throw LmdbFailure(MDB_CORRUPTED, "meta " + std::string(name));
  }
  lmdb_put(txn, meta, name, encode_u64(next + count));
  return next;
}

std::optional<std::uint32_t> CampaignTable::find(std::string_view id) const {
  std::string_view value;
  if (!lmdb_get(txn_, dbs_.campaign_ids, id, value))
    return std::nullopt;
  std::uint32_t seq = 0;
  if (!parse_campaign_key(value, seq)) {
    throw LmdbFailure(MDB_CORRUPTED, "campaign_ids entry of '" + std::string(id) + "'");
  }
  return seq;
}

std::optional<CampaignInfo> CampaignTable::read(std::uint32_t seq) const {
  std::string_view value;
  if (!lmdb_get(txn_, dbs_.campaigns, campaign_key(seq).view(), value))
    return std::nullopt;
  CampaignInfo info;
  if (!decode_campaign(value, info)) {
    throw LmdbFailure(MDB_CORRUPTED, "campaign record " + std::to_string(seq));
  }
  info.seq = seq;
  info.counts = counters(seq).counts;
  return info;
}

Result<CampaignInfo> CampaignTable::read_by_id(std::string_view id) const {
  auto seq = find(id);
  std::optional<CampaignInfo> info;
  if (seq)
    info = read(*seq);
  if (!info) {
    return make_error(error_code::not_found, "campaign '" + std::string(id) +
                                                 "' not found; list campaigns to see the ids");
  }
  return std::move(*info);
}

CampaignCounters CampaignTable::counters(std::uint32_t seq) const {
  std::string_view value;
  CampaignCounters c;
  if (lmdb_get(txn_, dbs_.counters, campaign_key(seq).view(), value) &&
      !decode_counters(value, c)) {
    throw LmdbFailure(MDB_CORRUPTED, "counters of campaign " + std::to_string(seq));
  }
  return c;
}

void CampaignTable::write_counters(std::uint32_t seq, const CampaignCounters& counters) {
  lmdb_put(txn_, dbs_.counters, campaign_key(seq).view(), encode_counters(counters));
}

void CampaignTable::write_record(const CampaignInfo& info) {
  std::string value;
  encode_campaign(value, info);
  lmdb_put(txn_, dbs_.campaigns, campaign_key(info.seq).view(), value);
}

std::optional<std::string> CampaignTable::body(std::uint32_t seq) const {
  std::string_view value;
  if (!lmdb_get(txn_, dbs_.bodies, campaign_key(seq).view(), value))
    return std::nullopt;
  return std::string(value);
}

std::uint32_t CampaignTable::allocate_seq() {
  std::uint64_t seq = next_meta_seq(txn_, dbs_.meta, "next_campaign_seq", 1);
  if (seq > UINT32_MAX)
    throw LmdbFailure(ERANGE, "allocating a campaign seq (all 2^32 used)");
  return static_cast<std::uint32_t>(seq);
}

Result<CampaignInfo> CampaignTable::create(const NewCampaign& campaign, std::int64_t now_ms,
                                           std::int64_t default_expires_after_s) {
  if (!campaign.id.empty() && find(campaign.id)) {
    return make_error(error_code::conflict, "campaign id '" + campaign.id +
                                                "' already exists; choose another id or add "
                                                "recipients to the existing campaign");
  }
  CampaignInfo info;
  info.seq = allocate_seq();
  info.kind = campaign.kind.empty() ? "campaign" : campaign.kind;
  info.id = campaign.id;
  if (info.id.empty()) {
    std::string base = (info.kind == "message" ? "m-" : "c-") + std::to_string(info.seq);
    info.id = base;
    for (int n = 2; find(info.id); ++n)
      info.id = base + "-" + std::to_string(n);
  }
  info.state = CampaignState::active;
  info.from = campaign.from;
  info.tags = campaign.tags;
  info.created_ms = now_ms;
  info.not_before_ms = campaign.not_before_ms != 0 ? campaign.not_before_ms : now_ms;
  info.expires_after_s =
      campaign.expires_after_s != 0 ? campaign.expires_after_s : default_expires_after_s;
  info.message_bytes = campaign.message.size();
  info.unsubscribe_url = campaign.unsubscribe_url;
  info.keep_return_path = campaign.keep_return_path;
  info.verbatim = campaign.verbatim;
  auto key = campaign_key(info.seq);
  lmdb_put(txn_, dbs_.campaign_ids, info.id, key.view(), MDB_NOOVERWRITE);
  write_record(info);
  lmdb_put(txn_, dbs_.bodies, key.view(), campaign.message);
  write_counters(info.seq, CampaignCounters{});
  return info;
}

} // namespace volley::queue
