// LMDB wrappers: environment open/close, transactions, cursors, and the errno/LMDB code -> spool
// Error mapping. Must never call mdb_env_set_mapsize without the exclusive resize lock.
#include "queue/lmdb_env.hpp"

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace volley::queue {
namespace {

constexpr std::uint64_t kLowDiskBytes = 64ull << 20; // below this, a short write means "disk full"

// LMDB reports a short write as EIO; decide whether the disk or the file size limit is the cause.
bool storage_exhausted(const std::filesystem::path& dir) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) == 0 &&
      static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize < kLowDiskBytes) {
    return true;
  }
  struct rlimit limit {};
  std::error_code ec;
  auto size = std::filesystem::file_size(dir / "data.mdb", ec);
  if (!ec && ::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      size + kLowDiskBytes >= limit.rlim_cur) {
    return true;
  }
  return false;
}

} // namespace

LmdbFailure::LmdbFailure(int rc, const std::string& where)
    : std::runtime_error(where + ": " + mdb_strerror(rc)), rc_(rc), where_(where) {}

Error lmdb_error(int rc, const std::filesystem::path& dir, std::string_view during) {
  std::string where = std::string(during) + " in spool " + dir.string();
  bool disk = rc == ENOSPC || rc == EDQUOT || rc == EFBIG || (rc == EIO && storage_exhausted(dir));
  if (disk) {
    std::string cause = rc == EIO ? "short write" : mdb_strerror(rc);
    return make_error(error_code::disk_full,
                      "disk full: " + where + " failed (" + cause +
                          "); free space on that file system or raise the file size limit");
  }
  return make_error(error_code::internal, where + " failed: " + mdb_strerror(rc));
}

bool lmdb_get(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view& value) {
  MDB_val k = to_val(key);
  MDB_val v{0, nullptr};
  int rc = mdb_get(txn, dbi, &k, &v);
  if (rc == MDB_NOTFOUND)
    return false;
  check_lmdb(rc, "mdb_get");
  value = to_view(v);
  return true;
}

void lmdb_put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
              unsigned flags) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  check_lmdb(mdb_put(txn, dbi, &k, &v, flags), "mdb_put");
}

bool lmdb_put_new(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
                  std::string_view& existing) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  int rc = mdb_put(txn, dbi, &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) {
    existing = to_view(v);
    return false;
  }
  check_lmdb(rc, "mdb_put");
  return true;
}

bool lmdb_del(MDB_txn* txn, MDB_dbi dbi, std::string_view key) {
  MDB_val k = to_val(key);
  int rc = mdb_del(txn, dbi, &k, nullptr);
  if (rc == MDB_NOTFOUND)
    return false;
  check_lmdb(rc, "mdb_del");
  return true;
}

std::uint64_t lmdb_entries(MDB_txn* txn, MDB_dbi dbi) {
  MDB_stat st{};
  check_lmdb(mdb_stat(txn, dbi, &st), "mdb_stat");
  return st.ms_entries;
}

// ---- LmdbTxn ----

LmdbTxn::LmdbTxn(MDB_env* env, MDB_txn* parent, unsigned flags) {
  check_lmdb(mdb_txn_begin(env, parent, flags, &txn_), "mdb_txn_begin");
}

int LmdbTxn::commit() noexcept {
  if (txn_ == nullptr)
    return EINVAL;
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;
  return rc;
}

void LmdbTxn::abort() noexcept {
  if (txn_ != nullptr)
    mdb_txn_abort(txn_);
  txn_ = nullptr;
}

// ---- LmdbCursor ----

LmdbCursor::LmdbCursor(MDB_txn* txn, MDB_dbi dbi) {
  check_lmdb(mdb_cursor_open(txn, dbi, &cursor_), "mdb_cursor_open");
}

bool LmdbCursor::move(MDB_cursor_op op) {
  int rc = mdb_cursor_get(cursor_, &key_, &value_, op);
  if (rc == MDB_NOTFOUND)
    return false;
  check_lmdb(rc, "mdb_cursor_get");
  return true;
}

bool LmdbCursor::seek(std::string_view key) {
  key_ = to_val(key);
  return move(MDB_SET_RANGE);
}

void LmdbCursor::overwrite(std::string_view value) {
  MDB_val v = to_val(value);
  check_lmdb(mdb_cursor_put(cursor_, &key_, &v, MDB_CURRENT), "mdb_cursor_put(MDB_CURRENT)");
}

void LmdbCursor::put(std::string_view key, std::string_view value, bool& append_ok) {
  MDB_val k = to_val(key);
  MDB_val v = to_val(value);
  if (append_ok) {
    int rc = mdb_cursor_put(cursor_, &k, &v, MDB_APPEND);
    if (rc == 0)
      return;
    if (rc != MDB_KEYEXIST)
      throw LmdbFailure(rc, "mdb_cursor_put(MDB_APPEND)");
    append_ok = false;
  }
  check_lmdb(mdb_cursor_put(cursor_, &k, &v, 0), "mdb_cursor_put");
}

// ---- LmdbEnv ----

LmdbEnv::LmdbEnv(const LmdbEnvConfig& config) : dir_(config.dir) {
  auto fail = [&](const std::string& what, int rc) {
    if (env_ != nullptr)
      mdb_env_close(env_);
    env_ = nullptr;
    throw std::runtime_error("cannot open spool " + dir_.string() + ": " + what + ": " +
                             mdb_strerror(rc));
  };
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) {
    throw std::runtime_error("cannot create spool directory " + dir_.string() + ": " +
                             ec.message() + "; check the path and its permissions");
  }
  if (int rc = mdb_env_create(&env_))
    fail("mdb_env_create", rc);
  if (int rc = mdb_env_set_maxdbs(env_, config.max_dbs))
    fail("mdb_env_set_maxdbs", rc);
  if (int rc = mdb_env_set_maxreaders(env_, config.max_readers))
    fail("mdb_env_set_maxreaders", rc);
  if (int rc = mdb_env_set_mapsize(env_, config.map_bytes))
    fail("mdb_env_set_mapsize", rc);
  unsigned flags = MDB_NOTLS | MDB_NORDAHEAD | (config.durable ? 0u : MDB_NOSYNC);
  if (int rc = mdb_env_open(env_, dir_.c_str(), flags, 0640)) {
    fail(rc == EACCES ? "permission denied (check the owner of the directory and its files)"
                      : "mdb_env_open",
         rc);
  }
}

LmdbEnv::~LmdbEnv() {
  if (env_ != nullptr)
    mdb_env_close(env_);
}

std::uint64_t LmdbEnv::map_bytes() const {
  MDB_envinfo info{};
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

std::uint64_t LmdbEnv::used_bytes() const {
  MDB_envinfo info{};
  MDB_stat st{};
  mdb_env_info(env_, &info);
  mdb_env_stat(env_, &st);
  return (static_cast<std::uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
}

std::uint64_t mapped_file_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0, shared = 0;
  if (!(statm >> size >> resident >> shared))
    return 0;
  return shared * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

// LMDB does not tell where it mapped the file (mdb_env_info's me_mapaddr is only set with
// MDB_FIXEDMAP), and a resize moves the map: the mapping is found in /proc/self/maps by the data
// file's inode each time.
void LmdbEnv::release_mapped_pages() const {
  struct stat data {};
  if (::stat((dir_ / "data.mdb").c_str(), &data) != 0)
    return;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    // "start-end perms offset dev inode path"
    std::istringstream fields(line);
    std::string range, perms, offset, device;
    std::uint64_t inode = 0;
    if (!(fields >> range >> perms >> offset >> device >> inode) || inode != data.st_ino ||
        line.find("data.mdb") == std::string::npos) {
      continue;
    }
    auto dash = range.find('-');
    std::uintptr_t start = std::stoull(range.substr(0, dash), nullptr, 16);
    std::uintptr_t end = std::stoull(range.substr(dash + 1), nullptr, 16);
    // Advisory: a failure changes nothing. Pages past the file's end are not mapped anyway.
    ::madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
  }
}

void LmdbEnv::set_map_bytes(std::uint64_t bytes) {
  std::unique_lock lock(resize_mutex_);
  check_lmdb(mdb_env_set_mapsize(env_, bytes), "mdb_env_set_mapsize");
}

bool LmdbEnv::try_set_map_bytes(std::uint64_t bytes) {
  std::unique_lock lock(resize_mutex_, std::try_to_lock);
  if (!lock.owns_lock())
    return false;
  check_lmdb(mdb_env_set_mapsize(env_, bytes), "mdb_env_set_mapsize");
  return true;
}

} // namespace volley::queue
