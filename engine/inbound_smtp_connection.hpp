// One client of an inbound SMTP listener (bounce listener, submission listener): owns its socket
// (and after STARTTLS the TLS stream over it), a pure SmtpServerSession and its hooks; lives in a
// shared_ptr kept alive by its pending operation (read, write, handshake) and by its idle timer.
// Honours output pauses, STARTTLS and pending hook decisions: while a hook has not answered (the
// spool commits a message, a password is checked) nothing is read, and the answer comes back
// through InboundSmtpHooks::resume_later() from any thread. Must never block its io thread,
// have two writes pending at once, or touch the session from another thread.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "protocol/smtp_server_session.hpp"

namespace volley::engine {

class InboundSmtpConnection;

// Runs work on a listener's io_context thread from any thread while the listener runs; after
// close() work is dropped (never posted into a stopped or destroyed io_context).
class InboundSmtpExecutor {
public:
  explicit InboundSmtpExecutor(boost::asio::io_context& io) : io_(&io) {}
  void post(std::function<void()> work);
  void close();

private:
  std::mutex mutex_;
  boost::asio::io_context* io_;
};

// The hooks of one connection: SmtpServerHooks plus the way back for a pending decision.
class InboundSmtpHooks : public protocol::SmtpServerHooks {
public:
  // Completes the stage a hook answered with SmtpServerDecision::later(): callable once, from any
  // thread; does nothing when the connection is gone.
  using Resume = std::function<void(protocol::SmtpServerDecision)>;

protected:
  // Only inside a hook call.
  Resume resume_later() const;

private:
  friend class InboundSmtpConnection;
  InboundSmtpConnection* connection_ = nullptr;
};

// What every connection of one listener shares.
struct InboundSmtpContext {
  protocol::SmtpServerConfig session;
  std::shared_ptr<boost::asio::ssl::context> tls; // null: no STARTTLS
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};
  std::shared_ptr<InboundSmtpExecutor> executor;
  std::atomic<std::size_t> open{0};      // connections
  std::atomic<std::size_t> answering{0}; // connections whose pending decision is not yet written
};

class InboundSmtpConnection : public std::enable_shared_from_this<InboundSmtpConnection> {
public:
  InboundSmtpConnection(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<InboundSmtpContext> context,
                        std::unique_ptr<InboundSmtpHooks> hooks);
  ~InboundSmtpConnection();
  InboundSmtpConnection(const InboundSmtpConnection&) = delete;
  InboundSmtpConnection& operator=(const InboundSmtpConnection&) = delete;

  void start(); // sends the greeting
  InboundSmtpHooks::Resume resumer();

private:
  void read();
  void on_read(const boost::system::error_code& error, std::size_t bytes);
  void send_output(); // takes the session's output and writes it, honouring pauses
  void write_next();
  void after_output();
  void start_tls();
  void resume(const protocol::SmtpServerDecision& decision);
  void watch_idle();
  void close();

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  boost::asio::steady_timer pause_timer_;
  boost::asio::steady_timer idle_timer_;
  std::shared_ptr<InboundSmtpContext> context_;
  std::unique_ptr<InboundSmtpHooks> hooks_;
  protocol::SmtpServerSession session_;
  protocol::SmtpServerOutput output_;
  std::size_t written_ = 0;    // bytes of output_ already written
  std::size_t next_pause_ = 0; // index into output_.pauses
  bool writing_ = false;
  bool answering_ = false; // counted in context_->answering
  bool closed_ = false;
  std::chrono::steady_clock::time_point last_activity_;
  std::array<char, 16384> buffer_{};
};

} // namespace volley::engine
