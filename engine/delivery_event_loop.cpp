// run_delivery_event_loop (see delivery_event_loop.hpp).
#include "engine/delivery_event_loop.hpp"

#include <chrono>

namespace volley::engine {
namespace {

// Renders run between two rounds of events for about this long (three RSA-2048 signatures): with
// DKIM the CPU is the limit, and every round wakes the SMTP peers it writes to, which then preempt
// a signer; fewer, fuller rounds measured 1.5-2 % less CPU per message than one render per round.
// The rounds this delays are the price; the delivery thread pays it only while renders back up.
constexpr auto kRenderSlice = std::chrono::microseconds(600);

} // namespace

void run_delivery_event_loop(boost::asio::io_context& io, RenderQueue* renders) {
  if (renders == nullptr) {
    io.run();
    return;
  }
  while (!io.stopped()) {
    const std::size_t handled = io.poll();
    bool rendered = false;
    const auto slice_end = std::chrono::steady_clock::now() + kRenderSlice;
    // Only while signing is the bottleneck (more renders waiting than render threads): otherwise
    // the render threads keep up, and the delivery thread's time is better spent on I/O.
    while (renders->run_one(renders->threads())) {
      rendered = true;
      if (std::chrono::steady_clock::now() >= slice_end)
        break;
    }
    if (!rendered && handled == 0)
      io.run_one(); // blocks; returns 0 only once io is stopped or out of work (stopped too)
  }
}

} // namespace volley::engine
