// Opens the spool databases and enforces the schema header (see spool_schema.hpp).
// Must never write to an environment whose header is missing or newer than kSchemaVersion.
#include "queue/spool_schema.hpp"

#include <stdexcept>
#include <string>

#include "queue/lmdb_env.hpp"
#include "queue/spool_codec.hpp"

namespace volley::queue {
namespace {

[[noreturn]] void refuse(const std::filesystem::path& dir, const std::string& why) {
  throw std::runtime_error("cannot open spool " + dir.string() + ": " + why);
}

// Checks an existing environment's header; throws if it must not be used.
void check_header(MDB_txn* txn, const std::filesystem::path& dir) {
  MDB_dbi meta = 0;
  int rc = mdb_dbi_open(txn, "meta", 0, &meta);
  if (rc == MDB_NOTFOUND) {
    refuse(dir, "the LMDB environment is not empty but has no Volley schema header (meta); it is "
                "not a Volley spool, point spool.path at an empty or Volley directory");
  }
  check_lmdb(rc, "mdb_dbi_open(meta)");
  std::string_view value;
  if (!lmdb_get(txn, meta, "schema", value)) {
    refuse(dir, "the meta database has no schema header; the spool is damaged or not a Volley "
                "spool");
  }
  auto version = decode_schema_header(value);
  if (!version)
    refuse(dir, "the schema header is not a Volley header (bad magic); file corrupt?");
  if (*version > kSchemaVersion) {
    refuse(dir, "its schema version " + std::to_string(*version) +
                    " is newer than this binary supports (version " +
                    std::to_string(kSchemaVersion) +
                    "); run the newer volleyd that wrote it, or use another spool.path");
  }
  if (*version == 0)
    refuse(dir, "its schema version 0 is invalid; the header is corrupt");
}

MDB_dbi open_db(MDB_txn* txn, const char* name) {
  MDB_dbi dbi = 0;
  check_lmdb(mdb_dbi_open(txn, name, MDB_CREATE, &dbi), name);
  return dbi;
}

} // namespace

SpoolDbs open_spool_dbs(MDB_env* env, const std::filesystem::path& dir) {
  try {
    LmdbTxn txn(env, nullptr, 0);
    MDB_dbi main_db = 0;
    check_lmdb(mdb_dbi_open(txn.get(), nullptr, 0, &main_db), "mdb_dbi_open(main)");
    bool fresh = lmdb_entries(txn.get(), main_db) == 0;
    if (!fresh)
      check_header(txn.get(), dir);
    SpoolDbs dbs;
    dbs.meta = open_db(txn.get(), "meta");
    dbs.campaign_ids = open_db(txn.get(), "campaign_ids");
    dbs.campaigns = open_db(txn.get(), "campaigns");
    dbs.counters = open_db(txn.get(), "counters");
    dbs.bodies = open_db(txn.get(), "bodies");
    dbs.recipients = open_db(txn.get(), "recipients");
    dbs.rcpt_dedup = open_db(txn.get(), "rcpt_dedup");
    dbs.due = open_db(txn.get(), "due");
    dbs.in_flight = open_db(txn.get(), "in_flight");
    dbs.suppressions = open_db(txn.get(), "suppressions");
    dbs.bounces = open_db(txn.get(), "bounces");
    dbs.soft_bounces = open_db(txn.get(), "soft_bounces"); // added later: created when missing
    if (fresh)
      lmdb_put(txn.get(), dbs.meta, "schema", encode_schema_header(kSchemaVersion));
    check_lmdb(txn.commit(), "mdb_txn_commit");
    return dbs;
  } catch (const LmdbFailure& e) {
    refuse(dir, std::string("opening its databases failed: ") + e.what());
  }
}

} // namespace volley::queue
