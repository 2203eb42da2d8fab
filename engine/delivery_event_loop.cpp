// run_delivery_event_loop (see delivery_event_loop.hpp).
#include "engine/delivery_event_loop.hpp"

namespace volley::engine {

void run_delivery_event_loop(boost::asio::io_context& io, RenderQueue* renders) {
  if (renders == nullptr) {
    io.run();
    return;
  }
  while (!io.stopped()) {
    const std::size_t handled = io.poll();
    if (renders->run_one())
      continue;
    if (handled == 0)
      io.run_one(); // blocks; returns 0 only once io is stopped or out of work (stopped too)
  }
}

} // namespace volley::engine
