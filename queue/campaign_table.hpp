// CampaignTable: the campaign rows of one transaction: id -> seq, the campaign record, its counters
// and its body. Must never touch recipients; counters are written whole, once per request, by the
// caller that changed recipient states in the same transaction.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/result.hpp"
#include "queue/spool_codec.hpp"
#include "queue/spool_schema.hpp"
#include "queue/spool_types.hpp"

namespace volley::queue {

class CampaignTable {
public:
  CampaignTable(MDB_txn* txn, const SpoolDbs& dbs) : txn_(txn), dbs_(dbs) {}

  std::optional<std::uint32_t> find(std::string_view id) const;
  // Record and counts; nullopt when the seq is unknown. Throws LmdbFailure on a corrupt record.
  std::optional<CampaignInfo> read(std::uint32_t seq) const;
  // Looks the id up and reads it; Error{not_found} names the id.
  Result<CampaignInfo> read_by_id(std::string_view id) const;
  CampaignCounters counters(std::uint32_t seq) const;
  void write_counters(std::uint32_t seq, const CampaignCounters& counters);
  void write_record(const CampaignInfo& info); // info.seq is the key; counts are not stored here
  std::optional<std::string> body(std::uint32_t seq) const;

  // Stores the rows of a new campaign (id, record, body, zero counters). Error{conflict} if the id
  // is taken. The returned info has seq, id and resolved defaults filled in.
  Result<CampaignInfo> create(const NewCampaign& campaign, std::int64_t now_ms,
                              std::int64_t default_expires_after_s);

private:
  std::uint32_t allocate_seq();

  MDB_txn* txn_;
  const SpoolDbs& dbs_;
};

// Reads and increments a u64 sequence stored in meta[name] (first value 1).
std::uint64_t next_meta_seq(MDB_txn* txn, MDB_dbi meta, std::string_view name, std::uint64_t count);

} // namespace volley::queue
