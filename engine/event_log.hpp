// EventLog: the JSON-lines event log (events.jsonl). emit() queues events from any thread (the
// delivery thread after an outcome batch is committed, the bounce listener for DSN/ARF reports);
// a writer thread numbers them (seq, monotonic across restarts), appends them in batches, fsyncs
// each batch and rotates the file by size (events.jsonl -> .1 -> .2 ... -> .keep, then deleted).
// At start it continues after the highest seq found on disk and drops a torn last line left by a
// crash. Must never block the caller on disk, write a partial line it keeps, or reuse a seq.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/event_metrics.hpp"
#include "engine/event_record.hpp"

namespace volley::engine {

struct EventLogOptions {
  std::string path;                        // events.jsonl
  std::uint64_t rotate_size = 64ull << 20; // rotate before a batch would pass this size
  std::size_t keep = 10;                   // rotated files kept
  std::array<bool, event_kind_count> kinds{true, true, true, true, true, true}; // by EventKind
  std::uint64_t seq_floor = 0; // seqs continue above this too (the webhook's acknowledged seq)
  bool sync = true;            // fsync after each batch
};

class EventLog {
public:
  // Opens (creating directories) and starts the writer thread. Throws std::runtime_error naming
  // the file when it cannot be opened.
  explicit EventLog(EventLogOptions options, EventMetrics* metrics = nullptr);
  ~EventLog(); // stop()
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Any thread. Events of kinds not configured are dropped; at_ms 0 becomes now.
  void emit(Event event);
  void emit(std::vector<Event> events);
  bool wants(EventKind kind) const { return options_.kinds[static_cast<std::size_t>(kind)]; }
  bool wants_any() const;
  // Called on the writer thread after each batch is written (set before the first emit).
  void on_written(std::function<void()> callback) { on_written_ = std::move(callback); }
  // Waits until every event emitted before the call is written (or its write failed for good).
  void flush();
  // Writes what is queued and stops the writer thread; later emits are dropped with a warning.
  void stop();
  std::uint64_t last_seq() const;
  const std::string& path() const { return options_.path; }

private:
  bool open_current(); // false: open_error_ says why
  void recover_seq();
  void run();
  bool write_lines(const std::string& lines, std::size_t count);
  void rotate();
  void count_handled(std::uint64_t n);

  EventLogOptions options_;
  EventMetrics* metrics_;
  EventMetrics own_metrics_;
  int fd_ = -1;
  std::string open_error_;
  std::uint64_t size_ = 0;
  std::uint64_t seq_ = 0; // last seq written (writer thread; read under mutex_ via last_seq_)
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable handled_;
  std::vector<Event> queued_;
  std::uint64_t emitted_ = 0; // events accepted by emit
  std::uint64_t done_ = 0;    // events written or given up
  std::uint64_t last_seq_ = 0;
  bool stopping_ = false;
  bool stopped_ = false;
  std::function<void()> on_written_;
  std::thread writer_;
};

// EventLogOptions::kinds from event names ("delivered", ...); unknown names are ignored.
std::array<bool, event_kind_count> event_kinds_from_names(const std::vector<std::string>& names);

} // namespace volley::engine
