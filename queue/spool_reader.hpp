// SpoolReader: the read-side queries of the spool, run inside one (read) transaction the caller
// owns. Must never write, and never keep a view into LMDB memory beyond the call (results are
// copies).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "queue/spool_schema.hpp"
#include "queue/spool_types.hpp"

namespace volley::queue {

class SpoolReader {
public:
  SpoolReader(MDB_txn* txn, const SpoolDbs& dbs) : txn_(txn), dbs_(dbs) {}

  std::optional<CampaignInfo> campaign(std::string_view id) const;
  std::vector<CampaignInfo> campaigns() const;
  std::optional<std::string> campaign_message(std::string_view id) const;
  std::optional<StoredRecipient> recipient(std::uint32_t campaign_seq, std::uint64_t seq) const;
  void for_each_recipient(std::uint32_t campaign_seq,
                          const std::function<bool(const StoredRecipient&)>& visit) const;
  std::optional<SuppressionEntry> suppression(std::string_view canonical) const;
  std::vector<SuppressionEntry> suppressions(std::string_view after, std::size_t limit) const;
  std::vector<BounceRecord> bounces(std::string_view campaign, std::uint64_t after,
                                    std::size_t limit) const;

private:
  MDB_txn* txn_;
  const SpoolDbs& dbs_;
};

} // namespace volley::queue
