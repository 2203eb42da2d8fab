// OutcomeBatcher: collects delivery outcomes on the delivery thread and hands them to the spool's
// group commit in batches (when max_batch are waiting, or after max_delay). Must never drop an
// outcome, and never call the spool with an empty batch.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "queue/spool.hpp"

namespace volley::engine {

class OutcomeBatcher {
public:
  OutcomeBatcher(boost::asio::io_context& io, queue::Spool& spool, std::size_t max_batch,
                 std::chrono::milliseconds max_delay);

  void add(queue::DeliveryOutcome outcome);
  void flush();
  // Nothing buffered and no batch waiting for its commit.
  bool drained() const { return buffered_.empty() && commits_running_ == 0; }
  // Called (on the io_context) each time a commit finishes.
  void on_commit(std::function<void()> callback) { on_commit_ = std::move(callback); }
  // Called (on the io_context) with each batch once the spool has committed it.
  using CommittedCallback = std::function<void(const std::vector<queue::DeliveryOutcome>&)>;
  void on_committed(CommittedCallback callback) { on_committed_ = std::move(callback); }
  std::uint64_t failed_commits() const { return failed_commits_; }

private:
  boost::asio::io_context& io_;
  queue::Spool& spool_;
  std::size_t max_batch_;
  std::chrono::milliseconds max_delay_;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  std::vector<queue::DeliveryOutcome> buffered_;
  std::size_t commits_running_ = 0;
  std::uint64_t failed_commits_ = 0;
  std::function<void()> on_commit_;
  CommittedCallback on_committed_;
};

} // namespace volley::engine
