// run_delivery_event_loop: every handler runs on the calling thread and the loop returns once the
// io_context stops; while backlogged, one round runs every ready handler (the backlog is consulted
// once per round, not once per handler); with no pause it is plain run().
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <thread>

#include "engine/delivery_event_loop.hpp"

namespace volley::engine {
namespace {

namespace asio = boost::asio;

TEST(DeliveryEventLoopTest, OneRoundRunsEveryReadyHandler) {
  asio::io_context io{1};
  int handled = 0;
  for (int i = 0; i < 10; ++i)
    asio::post(io, [&] { ++handled; });
  asio::post(io, [&] { io.stop(); });
  int rounds = 0;
  run_delivery_event_loop(io, {std::chrono::microseconds(200), [&] {
                                 ++rounds;
                                 return true;
                               }});
  EXPECT_EQ(handled, 10);
  EXPECT_EQ(rounds, 1); // one wake-up handled all eleven handlers
}

TEST(DeliveryEventLoopTest, WaitsForWorkFromOtherThreadsAndTimersThenReturnsWhenStopped) {
  asio::io_context io{1};
  auto guard = asio::make_work_guard(io);
  const std::thread::id loop_thread = std::this_thread::get_id();
  bool all_on_loop_thread = true;
  int handled = 0;
  asio::steady_timer timer(io, std::chrono::milliseconds(20));
  timer.async_wait([&](auto) {
    ++handled;
    all_on_loop_thread = all_on_loop_thread && std::this_thread::get_id() == loop_thread;
  });
  std::thread poster([&] {
    for (int i = 0; i < 50; ++i) {
      asio::post(io, [&] {
        ++handled;
        all_on_loop_thread = all_on_loop_thread && std::this_thread::get_id() == loop_thread;
      });
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30)); // after the timer
    asio::post(io, [&] { io.stop(); });
  });
  bool backlogged = false; // alternate: both branches of the loop run
  run_delivery_event_loop(io, {std::chrono::microseconds(500), [&] {
                                 backlogged = !backlogged;
                                 return backlogged;
                               }});
  poster.join();
  EXPECT_EQ(handled, 51);
  EXPECT_TRUE(all_on_loop_thread);
  EXPECT_TRUE(io.stopped());
}

TEST(DeliveryEventLoopTest, NoPauseIsPlainRunAndNeverAsksAboutTheBacklog) {
  asio::io_context io{1};
  int handled = 0;
  for (int i = 0; i < 5; ++i)
    asio::post(io, [&] { ++handled; });
  int asked = 0;
  run_delivery_event_loop(io, {std::chrono::microseconds(0), [&] {
                                 ++asked;
                                 return true;
                               }});
  EXPECT_EQ(handled, 5); // out of work: returns like run()
  EXPECT_EQ(asked, 0);
}

} // namespace
} // namespace volley::engine
