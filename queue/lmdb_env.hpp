// Thin RAII wrappers over the LMDB C API (environment, transaction, cursor) and LMDB code -> Error
// mapping. Knows nothing of spool records. Must never hide an LMDB error (failing calls throw
// LmdbFailure, caught at the request boundary in SpoolWriter), nor resize the map while a read
// transaction of this process is open (ReadTxn holds the shared side of the resize lock).
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::queue {

// An LMDB call failed. `code()` is the LMDB/errno return code; what() names the call.
class LmdbFailure : public std::runtime_error {
public:
  LmdbFailure(int rc, const std::string& where);
  int code() const { return rc_; }
  const std::string& where() const { return where_; }

private:
  int rc_;
  std::string where_;
};

// Throws LmdbFailure when rc != 0.
inline void check_lmdb(int rc, const char* where) {
  if (rc != 0)
    throw LmdbFailure(rc, where);
}

inline MDB_val to_val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view to_view(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// Maps a failed commit/apply code to a spool error. `dir` is named in the message; an EIO from LMDB
// (its report of a short write) is classified as disk_full when the file system or the file size
// limit is exhausted, otherwise internal.
Error lmdb_error(int rc, const std::filesystem::path& dir, std::string_view during);

// Point lookup; returns false when the key is absent. The view is valid until the txn writes or
// ends.
bool lmdb_get(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view& value);
void lmdb_put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
              unsigned flags = 0);
// Puts only when the key is new (MDB_NOOVERWRITE); on an existing key returns false and sets
// `existing`.
bool lmdb_put_new(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
                  std::string_view& existing);
// Deletes the key; returns false when it was absent.
bool lmdb_del(MDB_txn* txn, MDB_dbi dbi, std::string_view key);
std::uint64_t lmdb_entries(MDB_txn* txn, MDB_dbi dbi);

// One transaction (read, write or nested); aborted by the destructor unless committed.
class LmdbTxn {
public:
  LmdbTxn(MDB_env* env, MDB_txn* parent, unsigned flags);
  ~LmdbTxn() { abort(); }
  LmdbTxn(const LmdbTxn&) = delete;
  LmdbTxn& operator=(const LmdbTxn&) = delete;

  MDB_txn* get() const { return txn_; }
  // Commits; the transaction is finished whatever the result. Returns the LMDB code (0 =
  // committed).
  int commit() noexcept;
  void abort() noexcept;

private:
  MDB_txn* txn_ = nullptr;
};

// A cursor on one database of a transaction.
class LmdbCursor {
public:
  LmdbCursor(MDB_txn* txn, MDB_dbi dbi);
  ~LmdbCursor() { mdb_cursor_close(cursor_); }
  LmdbCursor(const LmdbCursor&) = delete;
  LmdbCursor& operator=(const LmdbCursor&) = delete;

  // Positioning; each returns false at the end of the database.
  bool first() { return move(MDB_FIRST); }
  bool next() { return move(MDB_NEXT); }
  bool last() { return move(MDB_LAST); }
  bool seek(std::string_view key); // first key >= key (MDB_SET_RANGE)
  std::string_view key() const { return to_view(key_); }
  std::string_view value() const { return to_view(value_); }
  // Replaces the current item's value by one of the same size.
  void overwrite(std::string_view value);
  // Puts a key; tries MDB_APPEND first while `append_ok` (cleared once the key is not the last
  // one).
  void put(std::string_view key, std::string_view value, bool& append_ok);

private:
  bool move(MDB_cursor_op op);
  MDB_cursor* cursor_ = nullptr;
  MDB_val key_{0, nullptr};
  MDB_val value_{0, nullptr};
};

struct LmdbEnvConfig {
  std::filesystem::path dir;
  std::uint64_t map_bytes = 0;
  unsigned max_dbs = 16;
  unsigned max_readers = 512;
  bool durable = true;
};

// Bytes of files (and shared memory) this process has mapped in: "shared" of /proc/self/statm.
std::uint64_t mapped_file_bytes();

// The environment. Read transactions must be opened through ReadTxn so map growth can exclude them.
class LmdbEnv {
public:
  explicit LmdbEnv(const LmdbEnvConfig& config); // throws std::runtime_error naming the directory
  ~LmdbEnv();
  LmdbEnv(const LmdbEnv&) = delete;
  LmdbEnv& operator=(const LmdbEnv&) = delete;

  MDB_env* get() const { return env_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::uint64_t map_bytes() const;  // current map size
  std::uint64_t used_bytes() const; // (last page + 1) * page size
  // Sets the map size; waits for open read transactions to end (exclusive lock). Writer thread
  // only, with no write transaction open.
  void set_map_bytes(std::uint64_t bytes);
  // Same, but gives up (returns false) instead of waiting for readers.
  bool try_set_map_bytes(std::uint64_t bytes);
  // Unmaps the spool pages this process has touched (madvise MADV_DONTNEED on the read-only shared
  // map): they stay in the kernel's page cache and are mapped again on the next access. Keeps RSS
  // to what volleyd uses now instead of every page it ever read. Never loses data (LMDB writes
  // through the file descriptor, not the map).
  void release_mapped_pages() const;
  std::shared_mutex& resize_mutex() const { return resize_mutex_; }

private:
  MDB_env* env_ = nullptr;
  std::filesystem::path dir_;
  mutable std::shared_mutex resize_mutex_;
};

// A read-only snapshot: holds the shared side of the resize lock for its lifetime.
class ReadTxn {
public:
  explicit ReadTxn(const LmdbEnv& env)
      : lock_(env.resize_mutex()), txn_(env.get(), nullptr, MDB_RDONLY) {}
  MDB_txn* get() const { return txn_.get(); }

private:
  std::shared_lock<std::shared_mutex> lock_; // declared first: released after the txn ends
  LmdbTxn txn_;
};

} // namespace volley::queue
