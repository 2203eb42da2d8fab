// volley-sink's server: the listener, the io threads, the once-a-second stats file and the
// SIGTERM/SIGINT shutdown; run_volley_sink() is the whole program behind volley_sink_main.cpp.
// Must never listen on a non-loopback address unless the options allow it, and never block an io
// thread (accepting, reading, writing and pauses are all asynchronous).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "tools/volley_sink_context.hpp"
#include "tools/volley_sink_options.hpp"

namespace volley::tools {

class VolleySinkServer {
public:
  // Builds TLS, recorder and fault plan. Throws std::runtime_error naming the flag at fault.
  explicit VolleySinkServer(VolleySinkOptions options);
  ~VolleySinkServer();

  // Binds and listens; returns "HOST:PORT" as bound. Throws std::runtime_error on failure.
  std::string listen();
  // Serves until SIGTERM/SIGINT, then writes the stats file. Returns the exit status (0).
  int run();
  const VolleySinkStats& stats() const { return *stats_; }

private:
  void accept();
  void schedule_stats();
  void write_stats();
  void stop();

  VolleySinkOptions options_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<VolleySinkRecorder> recorder_;
  std::unique_ptr<VolleySinkFaultPlan> faults_;
  std::unique_ptr<VolleySinkStats> stats_;
  VolleySinkContext context_;
  // Declared last: destroyed first, so pending connections die before what they point to.
  boost::asio::io_context io_;
  // Serializes the listener, signals and timers across io threads (connections do not need it:
  // each has one operation pending at a time).
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer stats_timer_;
  boost::asio::steady_timer accept_retry_timer_;
  std::atomic<bool> stopping_{false};
};

// The volley-sink program: parses arguments, serves, prints. Returns the process exit status.
int run_volley_sink(const std::vector<std::string>& arguments, std::ostream& out,
                    std::ostream& err);

} // namespace volley::tools
