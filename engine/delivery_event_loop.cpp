// run_delivery_event_loop (see delivery_event_loop.hpp): poll() runs every ready handler (the
// reactor is asked with a zero timeout); when none was ready, run_one() blocks for the next one.
#include "engine/delivery_event_loop.hpp"

namespace volley::engine {

void run_delivery_event_loop(boost::asio::io_context& io, const EventBatching& batching) {
  if (batching.pause.count() <= 0 || batching.backlog == nullptr) {
    io.run();
    return;
  }
  while (!io.stopped()) {
    if (io.poll() == 0) {
      io.run_one(); // blocks; returns 0 only once io is stopped or out of work (stopped too)
      continue;
    }
    batching.backlog->pause_while_backlogged(batching.pause);
  }
}

} // namespace volley::engine
