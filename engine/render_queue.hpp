// RenderQueue: the work queue of the render threads (personalising and DKIM-signing messages),
// which the delivery thread also takes from between rounds of events. Must never run a task twice,
// drop one while running, or let a task outlive the queue (the destructor joins the threads).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace volley::engine {

class RenderQueue {
public:
  using Task = std::function<void()>;

  explicit RenderQueue(std::size_t threads); // threads may be 0: then only run_one() runs tasks
  ~RenderQueue();                            // tasks not yet started are dropped
  RenderQueue(const RenderQueue&) = delete;
  RenderQueue& operator=(const RenderQueue&) = delete;

  void post(Task task); // any thread
  // Runs the oldest queued task on the calling thread when more than `leave` are queued (checked
  // and taken under one lock); false otherwise. The delivery thread calls it with leave = threads()
  // instead of sleeping: with DKIM the CPU is the limit, and a render done there costs no context
  // switch, while the SMTP replies that arrive meanwhile are handled in one round.
  bool run_one(std::size_t leave = 0);
  std::size_t queued() const;
  std::size_t threads() const { return threads_.size(); }

private:
  void work();

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace volley::engine
