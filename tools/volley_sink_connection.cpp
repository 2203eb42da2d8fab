// VolleySinkConnection: the read → feed → write loop of one client, STARTTLS, pauses and closing
// (see header). Must never touch the connection from a handler after close() except to return.
#include "tools/volley_sink_connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>

namespace volley::tools {

namespace asio = boost::asio;

VolleySinkConnection::VolleySinkConnection(asio::ip::tcp::socket socket,
                                           const VolleySinkContext& context)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), context_(context),
      hooks_(context), session_(context.session, hooks_), read_buffer_(new char[kReadBufferBytes]) {
  context_.stats->connection_opened();
}

VolleySinkConnection::~VolleySinkConnection() {
  context_.stats->connection_closed();
}

void VolleySinkConnection::start() {
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  session_.start();
  send_output();
}

void VolleySinkConnection::read() {
  auto handler = [self = shared_from_this()](const boost::system::error_code& error,
                                             std::size_t bytes) { self->on_read(error, bytes); };
  const asio::mutable_buffer buffer(read_buffer_.get(), kReadBufferBytes);
  if (tls_)
    tls_->async_read_some(buffer, std::move(handler));
  else
    socket_.async_read_some(buffer, std::move(handler));
}

void VolleySinkConnection::on_read(const boost::system::error_code& error, std::size_t bytes) {
  if (error)
    return close(); // EOF, reset or TLS error: the client is gone
  session_.feed(std::string_view(read_buffer_.get(), bytes));
  send_output();
}

void VolleySinkConnection::send_output() {
  session_.take_output(output_);
  written_ = 0;
  next_pause_ = 0;
  write_next();
}

void VolleySinkConnection::write_next() {
  const auto& pauses = output_.pauses;
  if (next_pause_ < pauses.size() && pauses[next_pause_].offset <= written_) {
    timer_.expires_after(std::chrono::milliseconds(pauses[next_pause_++].delay_ms));
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error)
        self->write_next();
    });
    return;
  }
  const std::size_t end =
      next_pause_ < pauses.size() ? pauses[next_pause_].offset : output_.bytes.size();
  if (end <= written_)
    return after_output();
  auto handler = [self = shared_from_this(), end](const boost::system::error_code& error,
                                                  std::size_t) {
    if (error)
      return self->close();
    self->written_ = end;
    self->write_next();
  };
  const asio::const_buffer buffer(output_.bytes.data() + written_, end - written_);
  if (tls_)
    asio::async_write(*tls_, buffer, std::move(handler));
  else
    asio::async_write(socket_, buffer, std::move(handler));
}

void VolleySinkConnection::after_output() {
  if (output_.close_after)
    return close();
  if (output_.start_tls_after)
    return start_tls();
  read();
}

void VolleySinkConnection::start_tls() {
  if (context_.tls == nullptr)
    return close(); // cannot happen: the session only offers STARTTLS with a context
  tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *context_.tls);
  tls_->async_handshake(asio::ssl::stream_base::server,
                        [self = shared_from_this()](const boost::system::error_code& error) {
                          if (error) {
                            self->context_.stats->tls_failure();
                            return self->close();
                          }
                          self->context_.stats->tls_session();
                          self->session_.tls_started();
                          self->read();
                        });
}

void VolleySinkConnection::close() {
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

} // namespace volley::tools
