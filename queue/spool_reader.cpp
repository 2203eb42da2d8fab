// Read-side queries (see spool_reader.hpp). Must never return a record it could not decode: a
// corrupt value throws LmdbFailure(MDB_CORRUPTED) naming the database.
#include "queue/spool_reader.hpp"

#include "queue/campaign_table.hpp"
#include "queue/lmdb_env.hpp"
#include "queue/spool_codec.hpp"

namespace volley::queue {

std::optional<CampaignInfo> SpoolReader::campaign(std::string_view id) const {
  CampaignTable table(txn_, dbs_);
  auto seq = table.find(id);
  if (!seq)
    return std::nullopt;
  return table.read(*seq);
}

std::vector<CampaignInfo> SpoolReader::campaigns() const {
  CampaignTable table(txn_, dbs_);
  std::vector<CampaignInfo> out;
  LmdbCursor cursor(txn_, dbs_.campaigns);
  for (bool more = cursor.first(); more; more = cursor.next()) {
    std::uint32_t seq = 0;
    CampaignInfo& info = out.emplace_back();
    if (!parse_campaign_key(cursor.key(), seq) || !decode_campaign(cursor.value(), info)) {
      throw LmdbFailure(MDB_CORRUPTED, "campaigns record");
    }
    info.seq = seq;
    info.counts = table.counters(seq).counts;
  }
  return out;
}

std::optional<std::string> SpoolReader::campaign_message(std::string_view id) const {
  CampaignTable table(txn_, dbs_);
  auto seq = table.find(id);
  if (!seq)
    return std::nullopt;
  return table.body(*seq);
}

std::optional<StoredRecipient> SpoolReader::recipient(std::uint32_t campaign_seq,
                                                      std::uint64_t seq) const {
  std::string_view value;
  if (!lmdb_get(txn_, dbs_.recipients, recipient_key(campaign_seq, seq).view(), value)) {
    return std::nullopt;
  }
  RecipientView view;
  if (!decode_recipient(value, view))
    throw LmdbFailure(MDB_CORRUPTED, "recipients record");
  return to_stored(campaign_seq, seq, view);
}

void SpoolReader::for_each_recipient(
    std::uint32_t campaign_seq, const std::function<bool(const StoredRecipient&)>& visit) const {
  LmdbCursor cursor(txn_, dbs_.recipients);
  for (bool more = cursor.seek(recipient_key(campaign_seq, 0).view()); more; more = cursor.next()) {
    std::uint32_t cseq = 0;
    std::uint64_t seq = 0;
    RecipientView view;
    if (!parse_recipient_key(cursor.key(), cseq, seq)) {
      throw LmdbFailure(MDB_CORRUPTED, "recipients key");
    }
    if (cseq != campaign_seq)
      break;
    if (!decode_recipient(cursor.value(), view)) {
      throw LmdbFailure(MDB_CORRUPTED, "recipients record");
    }
    if (!visit(to_stored(cseq, seq, view)))
      break;
  }
}

std::optional<SuppressionEntry> SpoolReader::suppression(std::string_view canonical) const {
  std::string_view value;
  if (canonical.empty() || !lmdb_get(txn_, dbs_.suppressions, canonical, value)) {
    return std::nullopt;
  }
  SuppressionEntry e;
  if (!decode_suppression(value, e))
    throw LmdbFailure(MDB_CORRUPTED, "suppressions record");
  e.address.assign(canonical);
  return e;
}

std::vector<SuppressionEntry> SpoolReader::suppressions(std::string_view after,
                                                        std::size_t limit) const {
  std::vector<SuppressionEntry> out;
  if (limit == 0)
    return out;
  LmdbCursor cursor(txn_, dbs_.suppressions);
  bool more = after.empty() ? cursor.first() : cursor.seek(after);
  if (more && !after.empty() && cursor.key() == after)
    more = cursor.next();
  for (; more && out.size() < limit; more = cursor.next()) {
    SuppressionEntry& e = out.emplace_back();
    if (!decode_suppression(cursor.value(), e)) {
      throw LmdbFailure(MDB_CORRUPTED, "suppressions record");
    }
    e.address.assign(cursor.key());
  }
  return out;
}

std::vector<BounceRecord> SpoolReader::bounces(std::string_view campaign, std::uint64_t after,
                                               std::size_t limit) const {
  std::vector<BounceRecord> out;
  if (limit == 0 || after == UINT64_MAX)
    return out;
  LmdbCursor cursor(txn_, dbs_.bounces);
  BounceRecord record;
  for (bool more = cursor.seek(seq_key(after + 1).view()); more && out.size() < limit;
       more = cursor.next()) {
    if (!parse_seq(cursor.key(), record.seq) || !decode_bounce(cursor.value(), record)) {
      throw LmdbFailure(MDB_CORRUPTED, "bounces record");
    }
    if (campaign.empty() || record.campaign == campaign)
      out.push_back(record);
  }
  return out;
}

} // namespace volley::queue
