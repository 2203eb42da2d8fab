// RenderQueue and run_delivery_event_loop: every posted task runs exactly once (on a render thread
// or on the thread calling run_one); tasks not started are dropped by the destructor, running ones
// finish; the event loop runs handlers on its thread, queued renders between rounds of events
// (so a queue without render threads still drains), and returns once the io_context stops.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "engine/delivery_event_loop.hpp"
#include "engine/render_queue.hpp"

namespace volley::engine {
namespace {

namespace asio = boost::asio;

TEST(RenderQueueTest, EveryTaskRunsExactlyOnceAcrossThreadsAndRunOne) {
  std::vector<std::atomic<int>> runs(2000);
  {
    RenderQueue queue(2);
    std::atomic<bool> posted_all{false};
    std::thread poster([&] {
      for (std::size_t i = 0; i < runs.size(); ++i)
        queue.post([&runs, i] { ++runs[i]; });
      posted_all = true;
    });
    while (!posted_all || queue.queued() > 0)
      queue.run_one(); // competes with the render threads for the same tasks
    poster.join();
    while (true) { // the render threads finish what they took
      int done = 0;
      for (auto& r : runs)
        done += r.load();
      if (done == static_cast<int>(runs.size()))
        break;
      std::this_thread::yield();
    }
  }
  for (std::size_t i = 0; i < runs.size(); ++i)
    ASSERT_EQ(runs[i].load(), 1) << "task " << i;
}

TEST(RenderQueueTest, WithoutThreadsOnlyRunOneRunsTasksInOrder) {
  RenderQueue queue(0);
  std::vector<int> order;
  for (int i = 0; i < 3; ++i)
    queue.post([&order, i] { order.push_back(i); });
  EXPECT_EQ(queue.queued(), 3u);
  EXPECT_FALSE(queue.run_one(3)); // leaves three queued: nothing to take
  EXPECT_EQ(queue.queued(), 3u);
  while (queue.run_one()) {
  }
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(queue.run_one());
}

TEST(RenderQueueTest, DestructorDropsTasksNotStartedAndWaitsForRunningOnes) {
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  std::atomic<int> dropped_ran{0};
  {
    RenderQueue queue(1);
    queue.post([&] {
      started = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      finished = true;
    });
    while (!started)
      std::this_thread::yield();
    for (int i = 0; i < 10; ++i)
      queue.post([&] { ++dropped_ran; });
  }
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(dropped_ran.load(), 0);
}

// No render thread: the loop itself must run the renders, one between rounds, each of which posts
// its result back to the io_context as SmtpConnection's do.
TEST(DeliveryEventLoopTest, RunsQueuedRendersBetweenRoundsAndTheirResults) {
  asio::io_context io{1};
  auto guard = asio::make_work_guard(io);
  RenderQueue renders(0);
  const std::thread::id loop_thread = std::this_thread::get_id();
  int results = 0;
  bool all_on_loop_thread = true;
  for (int i = 0; i < 20; ++i) {
    renders.post([&] {
      all_on_loop_thread = all_on_loop_thread && std::this_thread::get_id() == loop_thread;
      asio::post(io, [&] {
        if (++results == 20)
          io.stop();
      });
    });
  }
  run_delivery_event_loop(io, &renders);
  EXPECT_EQ(results, 20);
  EXPECT_TRUE(all_on_loop_thread);
  EXPECT_EQ(renders.queued(), 0u);
}

// The loop renders only while renders back up (more queued than render threads): one task waiting
// for a busy render thread is left to it; three are shared.
TEST(DeliveryEventLoopTest, HelpsOnlyWhenMoreRendersWaitThanThereAreRenderThreads) {
  asio::io_context io{1};
  auto guard = asio::make_work_guard(io);
  RenderQueue renders(1);
  const std::thread::id loop_thread = std::this_thread::get_id();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> render_thread_busy{false};
  renders.post([&, released] { // occupies the only render thread until released
    render_thread_busy = true;
    released.wait();
  });
  while (!render_thread_busy)
    std::this_thread::yield();
  int on_loop = 0; // only the loop thread touches these
  int done = 0;
  bool freed = false;
  auto task = [&] {
    const bool here = std::this_thread::get_id() == loop_thread;
    asio::post(io, [&, here] {
      on_loop += here ? 1 : 0;
      if (on_loop > 0 && !freed) { // the loop helped: let the render thread take the last one
        freed = true;
        release.set_value();
      }
      if (++done == 4)
        io.stop();
    });
  };
  renders.post(task); // one waiting, one render thread: not the loop's to take
  // Rounds pass meanwhile (the loop polls, looks at the queue, then waits for this timer).
  asio::steady_timer later(io, std::chrono::milliseconds(20));
  later.async_wait([&](auto) {
    EXPECT_EQ(renders.queued(), 1u);
    EXPECT_EQ(done, 0);
    for (int i = 0; i < 3; ++i)
      renders.post(task); // four waiting for one render thread: the loop helps
  });
  asio::steady_timer deadline(io, std::chrono::seconds(10)); // a loop that never helps
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (ec)
      return;
    ADD_FAILURE() << "the loop never took a render; " << done << " of 4 done";
    if (!freed) {
      freed = true;
      release.set_value();
    }
    io.stop();
  });
  run_delivery_event_loop(io, &renders);
  deadline.cancel();
  EXPECT_EQ(done, 4);
  EXPECT_GE(on_loop, 1);
  EXPECT_LE(on_loop, 3); // never the last one while the render thread has it to do
  if (!freed)
    release.set_value();
}

TEST(DeliveryEventLoopTest, WaitsForWorkFromOtherThreadsAndTimersThenReturnsWhenStopped) {
  asio::io_context io{1};
  auto guard = asio::make_work_guard(io);
  RenderQueue renders(1);
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
      asio::post(io, note);
      renders.post([&] { asio::post(io, note); });
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30)); // after the timer
    asio::post(io, [&] { asio::post(io, [&] { io.stop(); }); });
  });
  run_delivery_event_loop(io, &renders);
  poster.join();
  EXPECT_EQ(handled, 101);
  EXPECT_TRUE(all_on_loop_thread);
  EXPECT_TRUE(io.stopped());
}

TEST(DeliveryEventLoopTest, WithoutARenderQueueItIsPlainRun) {
  asio::io_context io{1};
  int handled = 0;
  for (int i = 0; i < 5; ++i)
    asio::post(io, [&] { ++handled; });
  run_delivery_event_loop(io, nullptr);
  EXPECT_EQ(handled, 5); // out of work: returns like run()
}

} // namespace
} // namespace volley::engine
