// SpoolWriter: the spool's one writer thread: applies a batch of WriteRequests, each in a nested
// transaction of ONE write transaction, commits (fsync), then completes them; grows the map on
// MDB_MAP_FULL. Must never: complete before the commit returned, call back holding its mutex,
// resize the map with a transaction open, let one request fail or half-write another.
#pragma once

#include <lmdb.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "protocol/duration_histogram.hpp"
#include "protocol/result.hpp"
#include "queue/lmdb_env.hpp"

namespace volley::queue {

// One queued write. apply() may run more than once (retry after the map grew, or after a failed
// commit's neighbours were retried), so it must not consume its inputs.
class WriteRequest {
public:
  virtual ~WriteRequest() = default;
  // Applies the request inside `txn` and keeps its result. Returns false for a request-level
  // refusal (not_found, conflict...): the writer then aborts the nested transaction. Throws
  // LmdbFailure on a storage error.
  virtual bool apply(MDB_txn* txn) = 0;
  // Delivers the kept result (after the commit) or the refusal.
  virtual void complete() = 0;
  // Delivers a failure (commit failed, spool full, writer stopped...).
  virtual void fail(Error error) = 0;
  // Work units (recipients) of the request; bounds the size of one commit.
  virtual std::size_t weight() const = 0;
};

struct SpoolWriterOptions {
  std::size_t max_requests_per_commit = 4096;
  std::size_t max_queued_requests = 65536;
  std::size_t max_weight_per_commit = 1u
                                      << 18; // recipients per commit (latency and txn size bound)
  std::uint64_t max_map_bytes = 1ull << 40;
  // Called on the writer thread when a write transaction failed to commit (state kept outside LMDB
  // that the failed transaction may have changed must be dropped).
  std::function<void()> on_commit_failed;
  // Called on the writer thread when one request's nested transaction was rolled back after it had
  // been applied (an error, or a full map: the request is retried in the next transaction).
  std::function<void()> on_request_failed;
  // After a commit (checked at most once a second): when the process has more than this many bytes
  // of files mapped (mostly spool pages it read), the spool pages are released
  // (LmdbEnv::release_mapped_pages); zero = never.
  std::uint64_t max_mapped_bytes = 256ull << 20;
};

struct SpoolWriterStats {
  std::uint64_t commits = 0;
  std::uint64_t requests_committed = 0;
  std::uint64_t map_bytes = 0;
  std::uint64_t used_bytes = 0;
  std::uint64_t last_commit_us = 0;
  std::uint64_t queued_requests = 0;
  protocol::DurationHistogramSnapshot commit_duration; // count == commits
};

class SpoolWriter {
public:
  SpoolWriter(LmdbEnv& env, SpoolWriterOptions options);
  ~SpoolWriter(); // stop()
  SpoolWriter(const SpoolWriter&) = delete;
  SpoolWriter& operator=(const SpoolWriter&) = delete;

  // Queues the request, or fails it at once (on the caller's thread) with unavailable when the
  // queue is full or the writer stopped.
  void submit(std::unique_ptr<WriteRequest> request);
  // Commits everything queued, then ends the thread. Idempotent.
  void stop();
  SpoolWriterStats stats() const;

private:
  using Batch = std::vector<std::unique_ptr<WriteRequest>>;
  enum class Stage : std::uint8_t { pending, applied, refused, failed };
  struct Run { // one write transaction over batch[begin, end)
    std::size_t begin = 0, end = 0;
    int stop_rc = 0; // MDB_MAP_FULL / MDB_TXN_FULL when batch[end] did not fit
  };

  void run();
  bool take_batch(Batch& batch);
  void process(Batch& batch);
  std::size_t run_transaction(Batch& batch, std::size_t begin);
  int apply_one(WriteRequest& request, std::size_t index, MDB_txn* parent);
  void request_rolled_back();
  bool commit_run(Batch& batch, LmdbTxn& txn, const Run& run);
  bool wrote_to_disk(std::size_t txn_id) const;
  void finish(Batch& batch, const Run& run, const Error* commit_error);
  std::size_t after_full_stop(Batch& batch, const Run& run);
  bool grow_map(bool wait_for_readers);
  void refresh_map_stats();

  LmdbEnv& env_;
  SpoolWriterOptions options_;
  std::vector<Stage> stages_;
  std::vector<Error> errors_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<WriteRequest>> queue_;
  bool stopping_ = false;
  std::thread thread_;

  std::atomic<std::uint64_t> requests_committed_{0}, map_bytes_{0}, used_bytes_{0},
      last_commit_us_{0}, queued_{0};
  // Every commit that wrote (and synced): its count is the commits statistic.
  protocol::DurationHistogram commit_duration_;
  std::chrono::steady_clock::time_point mapped_pages_checked_ = std::chrono::steady_clock::now();
};

} // namespace volley::queue
