// The spool writer thread: request queue, group commit with nested transactions, map growth.
// Must never call a request's complete()/fail() while holding mutex_, nor before mdb_txn_commit of
// the parent transaction returned.
#include "queue/spool_writer.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <string>

namespace volley::queue {
namespace {

constexpr std::uint64_t kPageBytes = 4096;
// volley_spool_commit_duration_seconds buckets: 100 µs (no fsync, tmpfs) to 5 s (a stalled disk).
constexpr std::array<std::uint64_t, 15> kCommitBoundsUs = {
    100,    250,     500,     1'000,   2'500,     5'000,     10'000,   25'000,
    50'000, 100'000, 250'000, 500'000, 1'000'000, 2'500'000, 5'000'000};

Error spool_full_error(std::uint64_t map_bytes) {
  return make_error(error_code::spool_full,
                    "spool is full (map " + std::to_string(map_bytes >> 20) +
                        " MiB at its maximum spool.max_size); raise spool.max_size or free space");
}

} // namespace

SpoolWriter::SpoolWriter(LmdbEnv& env, SpoolWriterOptions options)
    : env_(env), options_(options), commit_duration_(kCommitBoundsUs) {
  if (options_.max_requests_per_commit == 0)
    options_.max_requests_per_commit = 1;
  refresh_map_stats();
  thread_ = std::thread([this] { run(); });
}

SpoolWriter::~SpoolWriter() {
  stop();
}

void SpoolWriter::submit(std::unique_ptr<WriteRequest> request) {
  std::unique_lock lock(mutex_);
  if (stopping_ || queue_.size() >= options_.max_queued_requests) {
    bool stopped = stopping_;
    lock.unlock();
    request->fail(make_error(error_code::unavailable,
                             stopped ? "the spool is shutting down; retry against the new process"
                                     : "the spool writer is overloaded (" +
                                           std::to_string(options_.max_queued_requests) +
                                           " requests waiting); retry later"));
    return;
  }
  queue_.push_back(std::move(request));
  queued_.store(queue_.size(), std::memory_order_relaxed);
  lock.unlock();
  wake_.notify_one();
}

void SpoolWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
    thread_.join();
}

SpoolWriterStats SpoolWriter::stats() const {
  SpoolWriterStats s;
  s.commit_duration = commit_duration_.snapshot();
  s.commits = s.commit_duration.count;
  s.requests_committed = requests_committed_.load(std::memory_order_relaxed);
  s.map_bytes = map_bytes_.load(std::memory_order_relaxed);
  s.used_bytes = used_bytes_.load(std::memory_order_relaxed);
  s.last_commit_us = last_commit_us_.load(std::memory_order_relaxed);
  s.queued_requests = queued_.load(std::memory_order_relaxed);
  return s;
}

void SpoolWriter::run() {
  Batch batch;
  while (take_batch(batch)) {
    process(batch);
    batch.clear();
  }
}

// Waits for work; moves up to one commit's worth of requests into `batch`. False once stopped and
// drained.
bool SpoolWriter::take_batch(Batch& batch) {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  if (queue_.empty())
    return false;
  std::size_t weight = 0;
  while (!queue_.empty() && batch.size() < options_.max_requests_per_commit) {
    std::size_t w = queue_.front()->weight();
    if (!batch.empty() && weight + w > options_.max_weight_per_commit)
      break;
    weight += w;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  queued_.store(queue_.size(), std::memory_order_relaxed);
  return true;
}

void SpoolWriter::process(Batch& batch) {
  stages_.assign(batch.size(), Stage::pending);
  errors_.assign(batch.size(), Error{});
  std::size_t next = 0;
  while (next < batch.size())
    next = run_transaction(batch, next);
}

// One write transaction over batch[begin..]: applies requests until the end of the batch or one
// that does not fit, commits, delivers. Returns the index to continue from.
std::size_t SpoolWriter::run_transaction(Batch& batch, std::size_t begin) {
  std::optional<LmdbTxn> txn;
  try {
    txn.emplace(env_.get(), nullptr, 0);
  } catch (const LmdbFailure& f) {
    Error e = lmdb_error(f.code(), env_.dir(), "beginning a write transaction");
    for (std::size_t i = begin; i < batch.size(); ++i)
      batch[i]->fail(e);
    return batch.size();
  }
  Run run{begin, begin, 0};
  for (; run.end < batch.size(); ++run.end) {
    int rc = apply_one(*batch[run.end], run.end, txn->get());
    if (rc != 0) {
      run.stop_rc = rc;
      break;
    }
  }
  if (!commit_run(batch, *txn, run))
    return begin;
  if (run.stop_rc != 0)
    return after_full_stop(batch, run);
  return run.end;
}

// Applies one request in a nested transaction. Returns MDB_MAP_FULL/MDB_TXN_FULL when it did not
// fit (nothing of it kept), else 0 (the request is applied, refused or failed: see stages_).
int SpoolWriter::apply_one(WriteRequest& request, std::size_t index, MDB_txn* parent) {
  MDB_txn* child = nullptr;
  int rc = mdb_txn_begin(env_.get(), parent, 0, &child);
  if (rc != 0) {
    stages_[index] = Stage::failed;
    errors_[index] = lmdb_error(rc, env_.dir(), "beginning a nested transaction");
    return 0;
  }
  try {
    if (!request.apply(child)) {
      mdb_txn_abort(child);
      stages_[index] = Stage::refused;
      return 0;
    }
    rc = mdb_txn_commit(child); // ends the child whatever the result
    if (rc == 0) {
      stages_[index] = Stage::applied;
      return 0;
    }
    request_rolled_back();
    if (rc == MDB_MAP_FULL || rc == MDB_TXN_FULL)
      return rc;
    stages_[index] = Stage::failed;
    errors_[index] = lmdb_error(rc, env_.dir(), "committing a nested transaction");
  } catch (const LmdbFailure& f) {
    mdb_txn_abort(child);
    request_rolled_back();
    if (f.code() == MDB_MAP_FULL || f.code() == MDB_TXN_FULL)
      return f.code();
    stages_[index] = Stage::failed;
    errors_[index] = lmdb_error(f.code(), env_.dir(), f.where());
  } catch (const std::exception& e) {
    mdb_txn_abort(child);
    request_rolled_back();
    stages_[index] = Stage::failed;
    errors_[index] =
        make_error(error_code::internal, std::string("spool write failed: ") + e.what());
  }
  return 0;
}

void SpoolWriter::request_rolled_back() {
  if (options_.on_request_failed)
    options_.on_request_failed();
}

// Commits the run's transaction and delivers its results. Returns false (nothing delivered) when
// the commit itself ran out of map and the map could grow: the caller re-applies the run.
bool SpoolWriter::commit_run(Batch& batch, LmdbTxn& txn, const Run& run) {
  auto start = std::chrono::steady_clock::now();
  const std::size_t txn_id = mdb_txn_id(txn.get());
  int rc = txn.commit();
  auto took = std::chrono::steady_clock::now() - start;
  if (rc != 0 && options_.on_commit_failed)
    options_.on_commit_failed();
  if (rc == MDB_MAP_FULL && grow_map(true)) {
    for (std::size_t i = run.begin; i < run.end; ++i)
      stages_[i] = Stage::pending;
    return false;
  }
  if (run.end > run.begin) {
    last_commit_us_.store(std::chrono::duration_cast<std::chrono::microseconds>(took).count(),
                          std::memory_order_relaxed);
  }
  if (rc == 0) {
    if (run.end > run.begin && wrote_to_disk(txn_id))
      commit_duration_.observe(took); // counts the commit too
    refresh_map_stats();
    if (used_bytes_.load() > map_bytes_.load() / 4 * 3)
      grow_map(false);
    finish(batch, run, nullptr);
    auto now = std::chrono::steady_clock::now();
    if (options_.max_mapped_bytes > 0 && now - mapped_pages_checked_ >= std::chrono::seconds(1)) {
      mapped_pages_checked_ = now;
      if (mapped_file_bytes() > options_.max_mapped_bytes)
        env_.release_mapped_pages();
    }
  } else {
    Error e = rc == MDB_MAP_FULL ? spool_full_error(env_.map_bytes())
                                 : lmdb_error(rc, env_.dir(), "committing a write transaction");
    finish(batch, run, &e);
  }
  return true;
}

// True when the committed transaction `txn_id` wrote pages (and synced them). LMDB ends a write
// transaction that changed nothing (an idle claim_due poll) without writing or syncing; such
// transactions do not count as commits in the statistics. Only the writer thread commits, so the
// last transaction id of the environment is ours exactly when ours wrote.
bool SpoolWriter::wrote_to_disk(std::size_t txn_id) const {
  MDB_envinfo info{};
  return mdb_env_info(env_.get(), &info) == 0 && info.me_last_txnid == txn_id;
}

// Delivers results of batch[run.begin, run.end) in order; commit_error fails the applied ones.
// Statistics are updated first, so a caller woken by its callback sees them.
void SpoolWriter::finish(Batch& batch, const Run& run, const Error* commit_error) {
  if (commit_error == nullptr) {
    std::uint64_t applied = 0;
    for (std::size_t i = run.begin; i < run.end; ++i)
      applied += stages_[i] == Stage::applied;
    requests_committed_.fetch_add(applied, std::memory_order_relaxed);
  }
  for (std::size_t i = run.begin; i < run.end; ++i) {
    switch (stages_[i]) {
    case Stage::applied:
      if (commit_error != nullptr) {
        batch[i]->fail(*commit_error);
      } else {
        batch[i]->complete();
      }
      break;
    case Stage::refused:
      batch[i]->complete();
      break;
    case Stage::failed:
    case Stage::pending:
      batch[i]->fail(std::move(errors_[i]));
      break;
    }
    batch[i].reset();
  }
}

// batch[run.end] did not fit in the run's transaction (already committed). Grows the map and
// retries it, retries it alone in a fresh transaction, or fails it. Returns the index to continue
// from.
std::size_t SpoolWriter::after_full_stop(Batch& batch, const Run& run) {
  std::size_t i = run.end;
  if (run.stop_rc == MDB_MAP_FULL && grow_map(true))
    return i;
  if (i > run.begin)
    return i; // it shared the transaction with others: give it a fresh one
  if (run.stop_rc == MDB_MAP_FULL) {
    batch[i]->fail(spool_full_error(env_.map_bytes()));
  } else {
    batch[i]->fail(
        make_error(error_code::too_large, "the request is too large for one spool transaction (" +
                                              std::to_string(batch[i]->weight()) +
                                              " recipients); split it into smaller batches"));
  }
  batch[i].reset();
  return i + 1;
}

// Doubles the map (capped at max_map_bytes). With wait_for_readers=false gives up if a read
// transaction is open. Returns false when it did not grow.
bool SpoolWriter::grow_map(bool wait_for_readers) {
  std::uint64_t current = env_.map_bytes();
  std::uint64_t cap = options_.max_map_bytes / kPageBytes * kPageBytes;
  if (current >= cap)
    return false;
  std::uint64_t target = current > cap / 2 ? cap : current * 2;
  target = target / kPageBytes * kPageBytes;
  if (target <= current)
    return false;
  try {
    if (wait_for_readers) {
      env_.set_map_bytes(target);
    } else if (!env_.try_set_map_bytes(target)) {
      return false;
    }
  } catch (const LmdbFailure&) {
    return false; // the caller reports spool_full / keeps the old size
  }
  refresh_map_stats();
  return true;
}

void SpoolWriter::refresh_map_stats() {
  map_bytes_.store(env_.map_bytes(), std::memory_order_relaxed);
  used_bytes_.store(env_.used_bytes(), std::memory_order_relaxed);
}

} // namespace volley::queue
