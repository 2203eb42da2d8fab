// The spool's named LMDB databases and its schema header (meta["schema"]). Opening checks the
// header: a newer schema than this binary knows, or a non-empty environment without a header, is
// refused. Must never modify a spool it refused, nor open a database that is not listed here.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <filesystem>

namespace volley::queue {

inline constexpr std::uint32_t kSchemaVersion = 1;
inline constexpr unsigned kSpoolMaxDbs = 16;

struct SpoolDbs {
  MDB_dbi meta = 0;         // "schema", "next_campaign_seq", "next_bounce_seq"
  MDB_dbi campaign_ids = 0; // id -> u32 seq
  MDB_dbi campaigns = 0;    // u32 seq -> campaign record
  MDB_dbi counters = 0;     // u32 seq -> next recipient seq, dedup_indexed_through, counts
  MDB_dbi bodies = 0;       // u32 seq -> raw message
  MDB_dbi recipients = 0;   // (u32 campaign, u64 seq) -> recipient record
  MDB_dbi rcpt_dedup = 0;   // (u32 campaign, u64 hash) -> u64 recipient seq (merged tails)
  MDB_dbi due = 0;          // (i64 due ms, u32 campaign, u64 seq) -> empty
  MDB_dbi in_flight = 0;    // (u32 campaign, u64 seq) -> empty
  MDB_dbi suppressions = 0; // canonical address -> suppression record
  MDB_dbi bounces = 0;      // u64 seq -> bounce record
  MDB_dbi soft_bounces = 0; // canonical address -> soft bounce count since a time
};

// Opens (creating on an empty environment) every database in one write transaction and checks or
// writes the schema header. Throws std::runtime_error naming `dir` and what to do.
SpoolDbs open_spool_dbs(MDB_env* env, const std::filesystem::path& dir);

} // namespace volley::queue
