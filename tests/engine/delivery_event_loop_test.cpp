// run_delivery_event_loop and RenderBacklog: every handler runs on the calling thread and the loop
// returns once the io_context stops; while renders are queued one round runs every ready handler
// and then pauses; the pause ends early when a render thread leaves the queue low; with no backlog
// or no pause the loop never sleeps.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <thread>

#include "engine/delivery_event_loop.hpp"
#include "engine/render_backlog.hpp"

namespace volley::engine {
namespace {

namespace asio = boost::asio;
using std::chrono::microseconds;
using std::chrono::seconds;

TEST(RenderBacklogTest, PausesOnlyFromTwiceTheThreadCount) {
  RenderBacklog backlog(2);
  for (int i = 0; i < 3; ++i)
    backlog.posted();
  EXPECT_EQ(backlog.pause_while_backlogged(seconds(60)), RenderBacklog::Pause::none);
  backlog.posted(); // 4 queued for 2 threads
  EXPECT_EQ(backlog.pause_while_backlogged(microseconds(100)), RenderBacklog::Pause::full);
}

TEST(RenderBacklogTest, ARenderThreadTakingWorkFromALowQueueEndsThePause) {
  RenderBacklog backlog(2);
  for (int i = 0; i < 4; ++i)
    backlog.posted();
  std::thread render_thread([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20)); // let the pause begin
    for (int i = 0; i < 3; ++i)
      backlog.started(); // 4 -> 1 queued: under the 2 threads
  });
  // A 60 s pause: only the render thread's wake-up can end it before the test times out.
  EXPECT_EQ(backlog.pause_while_backlogged(seconds(60)), RenderBacklog::Pause::ended_early);
  render_thread.join();
  EXPECT_EQ(backlog.queued(), 1u);
}

TEST(DeliveryEventLoopTest, OneRoundRunsEveryReadyHandlerThenPauses) {
  asio::io_context io{1};
  RenderBacklog backlog(1);
  backlog.posted();
  backlog.posted(); // backlogged for the whole test
  int handled = 0;
  int handled_in_first_round = -1;
  for (int i = 0; i < 10; ++i)
    asio::post(io, [&] { ++handled; });
  // Posted from the round's first handler: runs in the same poll(), before any pause.
  asio::post(io, [&] { asio::post(io, [&] { handled_in_first_round = handled; }); });
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    asio::post(io, [&] { io.stop(); });
  });
  run_delivery_event_loop(io, {microseconds(200), &backlog});
  stopper.join();
  EXPECT_EQ(handled, 10);
  EXPECT_EQ(handled_in_first_round, 10);
  EXPECT_TRUE(io.stopped());
}

TEST(DeliveryEventLoopTest, WaitsForWorkFromOtherThreadsAndTimersThenReturnsWhenStopped) {
  asio::io_context io{1};
  auto guard = asio::make_work_guard(io);
  RenderBacklog backlog(1);
  const std::thread::id loop_thread = std::this_thread::get_id();
  bool all_on_loop_thread = true;
  int handled = 0;
  auto note = [&] {
    ++handled;
    all_on_loop_thread = all_on_loop_thread && std::this_thread::get_id() == loop_thread;
  };
  asio::steady_timer timer(io, std::chrono::milliseconds(20));
  timer.async_wait([&](auto) { note(); });
  std::thread poster([&] {
    for (int i = 0; i < 50; ++i) {
      if (i % 10 == 0) // the backlog comes and goes
        for (int j = 0; j < 2; ++j)
          (i % 20 == 0) ? backlog.posted() : backlog.started();
      asio::post(io, note);
      std::this_thread::sleep_for(microseconds(300));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30)); // after the timer
    asio::post(io, [&] { io.stop(); });
  });
  run_delivery_event_loop(io, {microseconds(500), &backlog});
  poster.join();
  EXPECT_EQ(handled, 51);
  EXPECT_TRUE(all_on_loop_thread);
  EXPECT_TRUE(io.stopped());
}

TEST(DeliveryEventLoopTest, NoPauseOrNoBacklogIsPlainRun) {
  for (const EventBatching& batching :
       {EventBatching{microseconds(0), nullptr}, EventBatching{microseconds(500), nullptr}}) {
    asio::io_context io{1};
    int handled = 0;
    for (int i = 0; i < 5; ++i)
      asio::post(io, [&] { ++handled; });
    run_delivery_event_loop(io, batching);
    EXPECT_EQ(handled, 5); // out of work: returns like run()
  }
}

} // namespace
} // namespace volley::engine
