// ControlServer: accepts control API connections on loopback TCP (bearer token required, or the
// status page's read-only session cookie) and on a Unix socket (mode 0660, no token), one
// ControlSession per connection on its own strand. While running, a timer samples the delivery
// counters into the status page's throughput history every ControlServerOptions::sample_interval.
// Must never bind a non-loopback TCP address (the config loader refuses them too).
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "engine/control_api.hpp"
#include "engine/control_session.hpp"

namespace volley::engine {

struct ControlServerOptions {
  std::string listen;      // "127.0.0.1:8025", "[::1]:8025"; "" = no TCP listener
  std::string unix_socket; // path; "" = no Unix socket
  std::string token;       // bearer token for TCP
  ControlSessionLimits limits;
  std::chrono::milliseconds sample_interval{2000}; // throughput history sampling
};

class ControlServer {
public:
  ControlServer(boost::asio::io_context& io, ControlApi& api, ControlServerOptions options);
  ~ControlServer();

  // Binds and starts accepting. Throws std::runtime_error naming the address and the reason.
  void start();
  // Stops accepting and removes the Unix socket file. Open sessions finish on their own.
  void stop();

  unsigned short tcp_port() const; // the bound port (useful with port 0)

private:
  void accept_tcp();
  void accept_unix();
  void schedule_sample();

  boost::asio::io_context& io_;
  ControlApi& api_;
  ControlServerOptions options_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> tcp_acceptor_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> unix_acceptor_;
  boost::asio::steady_timer sample_timer_;
  std::atomic<bool> sampling_{false};
};

} // namespace volley::engine
