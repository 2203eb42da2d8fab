// RenderBacklog: how many renders wait for a render thread, shared by the delivery thread (which
// posts them and may pause while there are many) and the render threads (which take them). Must
// never let the delivery thread sleep while the render threads run out of work: a render thread
// that leaves fewer queued than there are threads wakes it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace volley::engine {

class RenderBacklog {
public:
  // Backlogged from 2 x threads queued; the pause ends early under `threads` queued.
  explicit RenderBacklog(std::size_t threads) : low_(threads), high_(2 * threads) {}

  void posted() { queued_.fetch_add(1); } // delivery thread, before posting
  void started() {                        // render thread, as it takes one
    if (queued_.fetch_sub(1) - 1 < low_ && sleeping_.load()) {
      std::lock_guard lock(mutex_); // the delivery thread is inside wait_for (or not yet asleep)
      wake_.notify_one();
    }
  }
  std::size_t queued() const { return queued_.load(); }

  enum class Pause { none, full, ended_early };
  // Delivery thread: when backlogged, sleeps for `pause` or until the queue runs low.
  Pause pause_while_backlogged(std::chrono::microseconds pause) {
    if (queued_.load() < high_)
      return Pause::none;
    std::unique_lock lock(mutex_);
    sleeping_.store(true);
    const bool low = wake_.wait_for(lock, pause, [this] { return queued_.load() < low_; });
    sleeping_.store(false);
    return low ? Pause::ended_early : Pause::full;
  }

private:
  const std::size_t low_;
  const std::size_t high_;
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> sleeping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

} // namespace volley::engine
