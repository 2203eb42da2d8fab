// run_delivery_event_loop: runs the delivery thread's io_context, handling ready events in rounds
// while the render threads have a backlog. Must never delay events when there is no backlog (an
// idle or I/O-bound engine keeps its latency), sleep while the render threads run dry, or spin.
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>

#include "engine/render_backlog.hpp"

namespace volley::engine {

struct EventBatching {
  // Longest pause between rounds while backlogged; zero = plain io_context::run().
  std::chrono::microseconds pause{500};
  // With DKIM the CPU is the limit, and every SMTP reply or finished render that wakes the delivery
  // thread on its own preempts a signing thread (two context switches). Paused while renders are
  // queued, one wake-up handles a round of them; the pause ends early when the queue runs low.
  RenderBacklog* backlog = nullptr; // null = plain run()
};

// Returns when `io` is stopped (or runs out of work).
void run_delivery_event_loop(boost::asio::io_context& io, const EventBatching& batching);

} // namespace volley::engine
