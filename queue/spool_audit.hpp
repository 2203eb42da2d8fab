// audit_spool: full-scan consistency check of one snapshot: counters vs records, one due entry per
// waiting recipient and none for others, the in_flight index, one rcpt_dedup entry per indexed
// recipient. Must never write; O(spool size): for tests and offline checks, never a hot path.
#pragma once

#include <lmdb.h>

#include <string>
#include <vector>

#include "queue/spool_schema.hpp"

namespace volley::queue {

// Returns one line per problem found (empty = consistent); stops listing after 100.
std::vector<std::string> audit_spool(MDB_txn* txn, const SpoolDbs& dbs);

} // namespace volley::queue
