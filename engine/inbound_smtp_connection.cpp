// InboundSmtpConnection: the read → feed → write loop of one client, STARTTLS, pauses, pending
// decisions and the idle timeout (see header). Must never touch the connection from a handler
// after close() except to return.
#include "engine/inbound_smtp_connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace volley::engine {

namespace asio = boost::asio;
using protocol::SmtpServerDecision;
using protocol::SmtpServerSession;

void InboundSmtpExecutor::post(std::function<void()> work) {
  std::lock_guard lock(mutex_);
  if (io_)
    asio::post(*io_, std::move(work));
}

void InboundSmtpExecutor::close() {
  std::lock_guard lock(mutex_);
  io_ = nullptr;
}

InboundSmtpHooks::Resume InboundSmtpHooks::resume_later() const {
  return connection_->resumer();
}

InboundSmtpConnection::InboundSmtpConnection(asio::ip::tcp::socket socket,
                                             std::shared_ptr<InboundSmtpContext> context,
                                             std::unique_ptr<InboundSmtpHooks> hooks)
    : socket_(std::move(socket)), pause_timer_(socket_.get_executor()),
      idle_timer_(socket_.get_executor()), context_(std::move(context)), hooks_(std::move(hooks)),
      session_(context_->session, *hooks_), last_activity_(std::chrono::steady_clock::now()) {
  hooks_->connection_ = this;
  ++context_->open;
}

InboundSmtpConnection::~InboundSmtpConnection() {
  if (answering_)
    --context_->answering;
  --context_->open;
}

void InboundSmtpConnection::start() {
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  watch_idle();
  session_.start();
  send_output();
}

InboundSmtpHooks::Resume InboundSmtpConnection::resumer() {
  std::weak_ptr<InboundSmtpConnection> weak = weak_from_this();
  std::shared_ptr<InboundSmtpExecutor> executor = context_->executor;
  return [weak, executor](SmtpServerDecision decision) {
    executor->post([weak, decision = std::move(decision)] {
      if (auto self = weak.lock())
        self->resume(decision);
    });
  };
}

void InboundSmtpConnection::resume(const SmtpServerDecision& decision) {
  if (closed_)
    return;
  session_.resume(decision);
  if (!writing_)
    send_output();
}

void InboundSmtpConnection::read() {
  auto handler = [self = shared_from_this()](const boost::system::error_code& error,
                                             std::size_t bytes) { self->on_read(error, bytes); };
  const asio::mutable_buffer buffer(buffer_.data(), buffer_.size());
  if (tls_)
    tls_->async_read_some(buffer, std::move(handler));
  else
    socket_.async_read_some(buffer, std::move(handler));
}

void InboundSmtpConnection::on_read(const boost::system::error_code& error, std::size_t bytes) {
  if (error || closed_)
    return close(); // EOF, reset, TLS error or idle timeout: the client is gone
  last_activity_ = std::chrono::steady_clock::now();
  session_.feed(std::string_view(buffer_.data(), bytes));
  send_output();
}

void InboundSmtpConnection::send_output() {
  session_.take_output(output_);
  written_ = 0;
  next_pause_ = 0;
  writing_ = true;
  write_next();
}

void InboundSmtpConnection::write_next() {
  const auto& pauses = output_.pauses;
  if (next_pause_ < pauses.size() && pauses[next_pause_].offset <= written_) {
    pause_timer_.expires_after(std::chrono::milliseconds(pauses[next_pause_++].delay_ms));
    pause_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->closed_)
        return self->close();
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
    if (error || self->closed_)
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

void InboundSmtpConnection::after_output() {
  writing_ = false;
  const bool pending = session_.state() == SmtpServerSession::State::pending;
  if (pending != answering_) { // a pending answer is owed until it has been written
    answering_ = pending;
    pending ? ++context_->answering : --context_->answering;
  }
  if (output_.close_after || session_.state() == SmtpServerSession::State::closed)
    return close();
  if (output_.start_tls_after)
    return start_tls();
  if (pending)
    return; // resume() writes the answer, then reading goes on
  if (!session_.output().empty())
    return send_output();
  read();
}

void InboundSmtpConnection::start_tls() {
  if (!context_->tls)
    return close(); // cannot happen: the session only offers STARTTLS with a context
  tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *context_->tls);
  tls_->async_handshake(asio::ssl::stream_base::server,
                        [self = shared_from_this()](const boost::system::error_code& error) {
                          if (error || self->closed_)
                            return self->close();
                          self->last_activity_ = std::chrono::steady_clock::now();
                          self->session_.tls_started();
                          self->read();
                        });
}

// The idle timer keeps the connection alive while it waits for a pending decision; a client (or
// a decision) silent for idle_timeout closes it.
void InboundSmtpConnection::watch_idle() {
  idle_timer_.expires_at(last_activity_ + context_->idle_timeout);
  idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->closed_)
      return;
    if (std::chrono::steady_clock::now() >= self->last_activity_ + self->context_->idle_timeout)
      return self->close();
    self->watch_idle();
  });
}

void InboundSmtpConnection::close() {
  if (closed_)
    return;
  closed_ = true;
  idle_timer_.cancel();
  pause_timer_.cancel();
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

} // namespace volley::engine
