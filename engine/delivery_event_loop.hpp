// run_delivery_event_loop: runs the delivery thread's io_context and, between rounds of events,
// queued renders. Must never delay events when no render is queued (an idle or I/O-bound engine
// keeps its latency), render for much longer than a slice (about 0.6 ms) between two rounds, or
// spin without blocking.
#pragma once

#include <boost/asio/io_context.hpp>

#include "engine/render_queue.hpp"

namespace volley::engine {

// Returns when `io` is stopped (or runs out of work). renders null = plain io_context::run().
// With renders, a round is io.poll() (every ready handler; the reactor asked with a zero timeout),
// then queued renders for up to a slice while more are queued than there are render threads (so
// on a machine whose render threads keep up it only does I/O); only when neither had work does it
// block for an event.
void run_delivery_event_loop(boost::asio::io_context& io, RenderQueue* renders);

} // namespace volley::engine
