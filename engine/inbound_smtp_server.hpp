// InboundSmtpServer: the listening half shared by volleyd's inbound SMTP listeners (bounces,
// submission): binds one IP:port, runs its own io_context thread, makes an InboundSmtpConnection
// with fresh hooks per client, refuses clients beyond max_connections with 421, and stops cleanly:
// no new clients, answers still owed (a message being committed) are written first (up to
// drain_timeout), then the thread ends. Must never block the threads of the daemon, nor post into
// its io_context after stop().
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "engine/inbound_smtp_connection.hpp"

namespace volley::engine {

struct InboundSmtpServerOptions {
  std::string name;       // "bounce listener": log lines and errors
  std::string config_key; // "[bounces] listen": named when the address is unusable
  std::string listen;     // "IP:port"
  protocol::SmtpServerConfig session;
  std::shared_ptr<boost::asio::ssl::context> tls; // null: no STARTTLS
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  std::size_t max_connections = 100;
  std::chrono::milliseconds drain_timeout{std::chrono::seconds(10)};
};

class InboundSmtpServer {
public:
  // The hooks of a new client, by its address ("127.0.0.1"); called on the listener thread.
  using HooksFactory = std::function<std::unique_ptr<InboundSmtpHooks>(const std::string& client)>;

  InboundSmtpServer(InboundSmtpServerOptions options, HooksFactory make_hooks);
  ~InboundSmtpServer(); // stops and joins
  InboundSmtpServer(const InboundSmtpServer&) = delete;
  InboundSmtpServer& operator=(const InboundSmtpServer&) = delete;

  // Binds (throws std::runtime_error naming the address on failure) and starts the thread.
  void start();
  void stop();
  std::uint16_t port() const { return port_; }
  std::string host() const { return host_; }

private:
  void accept();
  void finish_when_answered(std::chrono::steady_clock::time_point deadline);

  InboundSmtpServerOptions options_;
  HooksFactory make_hooks_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  boost::asio::steady_timer drain_timer_{io_};
  boost::asio::steady_timer retry_timer_{io_};
  std::shared_ptr<InboundSmtpContext> context_;
  std::thread thread_;
  std::string host_;
  std::uint16_t port_ = 0;
};

} // namespace volley::engine
