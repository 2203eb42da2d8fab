// RenderQueue (see render_queue.hpp): one mutex-protected FIFO; a worker sleeps on the condition
// variable only while the queue is empty, so posting to busy workers makes no system call.
#include "engine/render_queue.hpp"

#include <utility>

namespace volley::engine {

RenderQueue::RenderQueue(std::size_t threads) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { work(); });
}

RenderQueue::~RenderQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    tasks_.clear();
  }
  ready_.notify_all();
  for (std::thread& thread : threads_)
    thread.join();
}

void RenderQueue::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

bool RenderQueue::run_one(std::size_t leave) {
  Task task;
  {
    std::lock_guard lock(mutex_);
    if (tasks_.size() <= leave || stopping_)
      return false;
    task = std::move(tasks_.front());
    tasks_.pop_front();
  }
  task();
  return true;
}

std::size_t RenderQueue::queued() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void RenderQueue::work() {
  while (true) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (stopping_)
        return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

} // namespace volley::engine
