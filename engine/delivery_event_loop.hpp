// run_delivery_event_loop: runs the delivery thread's io_context, handling ready events in rounds
// while the render threads are saturated. Must never delay events when there is no backlog (an
// idle or I/O-bound engine keeps its latency) or spin without blocking.
#pragma once

#include <chrono>
#include <functional>

#include <boost/asio/io_context.hpp>

namespace volley::engine {

struct EventBatching {
  // Pause between rounds while backlogged; zero = plain io_context::run().
  std::chrono::microseconds pause{500};
  // True while the render threads have more work queued than they can start: with DKIM the CPU is
  // the limit, and every SMTP reply or finished render that wakes the delivery thread on its own
  // preempts a signing thread (two context switches). Paused, one wake-up handles a round of them.
  std::function<bool()> backlogged;
};

// Returns when `io` is stopped (or runs out of work).
void run_delivery_event_loop(boost::asio::io_context& io, const EventBatching& batching);

} // namespace volley::engine
