// One volley-sink client connection: owns its socket (and, after STARTTLS, the TLS stream over
// it), a pure SmtpServerSession and its hooks; lives in a shared_ptr kept alive by its one pending
// operation (read, write, pause timer or handshake). Reads big chunks, feeds them whole, writes all
// replies of a pipelined group at once. Must never block its io thread (a slow reply is a timer)
// and never have two operations pending at once (so it needs no strand).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <memory>

#include "protocol/smtp_server_session.hpp"
#include "tools/volley_sink_context.hpp"
#include "tools/volley_sink_hooks.hpp"

namespace volley::tools {

class VolleySinkConnection : public std::enable_shared_from_this<VolleySinkConnection> {
public:
  VolleySinkConnection(boost::asio::ip::tcp::socket socket, const VolleySinkContext& context);
  ~VolleySinkConnection();
  VolleySinkConnection(const VolleySinkConnection&) = delete;
  VolleySinkConnection& operator=(const VolleySinkConnection&) = delete;

  void start(); // sends the greeting

private:
  static constexpr std::size_t kReadBufferBytes = 32 * 1024;

  void read();
  void on_read(const boost::system::error_code& error, std::size_t bytes);
  void send_output(); // takes the session's output and writes it, honouring pauses
  void write_next();
  void after_output();
  void start_tls();
  void close();

  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
  boost::asio::steady_timer timer_;
  const VolleySinkContext& context_;
  VolleySinkHooks hooks_;
  protocol::SmtpServerSession session_;
  protocol::SmtpServerOutput output_;
  std::size_t written_ = 0;    // bytes of output_ already written
  std::size_t next_pause_ = 0; // index into output_.pauses
  std::unique_ptr<char[]> read_buffer_;
};

} // namespace volley::tools
