// BounceListener (see bounce_listener.hpp). One connection object per client drives the pure
// protocol::SmtpServerSession; the end-of-data hook waits for BounceIntake (on this listener's own
// thread), so "250" means the bounce is in the spool.
#include "engine/bounce_listener.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>

#include "engine/token_bucket.hpp"
#include "policy/host_port.hpp"
#include "protocol/smtp_server_session.hpp"

namespace volley::engine {
namespace asio = boost::asio;
using protocol::SmtpServerDecision;

struct BounceListener::Shared {
  BounceListenerOptions options;
  BounceIntake& intake;
  std::map<std::string, TokenBucket> per_client; // listener thread only
  std::uint64_t accepted = 0, refused_rcpts = 0;
};

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Hooks : public protocol::SmtpServerHooks {
public:
  Hooks(BounceListener::Shared& shared, std::string client) : shared_(shared), client_(client) {}

  SmtpServerDecision on_rcpt(const protocol::SmtpServerEnvelope&, std::string_view rcpt) override {
    if (shared_.intake.accepts_recipient(rcpt))
      return SmtpServerDecision::accepted();
    ++shared_.refused_rcpts;
    return SmtpServerDecision::replied(550, "5.1.1", "no such bounce address here");
  }
  SmtpServerDecision on_data(const protocol::SmtpServerEnvelope&) override {
    auto [it, added] = shared_.per_client.try_emplace(client_);
    if (added) {
      double rate = shared_.options.max_messages_per_minute / 60.0;
      it->second = TokenBucket(rate, shared_.options.max_messages_per_minute, now_ms());
    }
    if (!it->second.try_take(now_ms()))
      return SmtpServerDecision::replied(421, "4.7.0",
                                         "too many messages from " + client_ + ", try again later");
    return SmtpServerDecision::accepted();
  }
  SmtpServerDecision on_end_of_data(const protocol::SmtpServerEnvelope& envelope,
                                    const protocol::SmtpMessageContent& content) override {
    std::promise<Result<BounceIntakeResult>> done;
    auto future = done.get_future();
    shared_.intake.process(std::string(content.body), envelope.rcpts, envelope.mail_from,
                           [&done](Result<BounceIntakeResult> r) { done.set_value(std::move(r)); });
    Result<BounceIntakeResult> result = future.get();
    if (!result) {
      if (result.error().code == std::string(error_code::invalid_request))
        return SmtpServerDecision::replied(550, "5.6.0", result.error().message);
      return SmtpServerDecision::replied(451, "4.3.0", "cannot store it now, try again later");
    }
    ++shared_.accepted;
    spdlog::info("bounce listener: message from {} ({}): {} record(s), {} matched, {} "
                 "unsubscribed",
                 client_, protocol::to_string(result->type), result->stored.size(),
                 result->verified, result->unsubscribed);
    return SmtpServerDecision::accepted();
  }

private:
  BounceListener::Shared& shared_;
  std::string client_;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
  Connection(asio::ip::tcp::socket socket, BounceListener::Shared& shared,
             const protocol::SmtpServerConfig& config)
      : socket_(std::move(socket)), hooks_(shared, client_of(socket_)), session_(config, hooks_) {}

  void start() {
    session_.start();
    send_output();
  }

private:
  static std::string client_of(const asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    return ec ? "unknown" : endpoint.address().to_string();
  }
  void read() {
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
          if (ec)
            return self->close();
          self->session_.feed(std::string_view(self->buffer_.data(), n));
          self->send_output();
        });
  }
  void send_output() {
    session_.take_output(output_);
    if (output_.bytes.empty())
      return after_output();
    asio::async_write(socket_, asio::buffer(output_.bytes),
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec)
                          return self->close();
                        self->after_output();
                      });
  }
  void after_output() {
    if (output_.close_after || session_.state() == protocol::SmtpServerSession::State::closed)
      return close();
    read();
  }
  void close() {
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  asio::ip::tcp::socket socket_;
  Hooks hooks_;
  protocol::SmtpServerSession session_;
  protocol::SmtpServerOutput output_;
  std::array<char, 16384> buffer_{};
};

} // namespace

BounceListener::BounceListener(BounceListenerOptions options, BounceIntake& intake)
    : options_(std::move(options)), intake_(intake),
      shared_(std::make_shared<Shared>(Shared{options_, intake_, {}, 0, 0})) {}

BounceListener::~BounceListener() {
  stop();
}

void BounceListener::start() {
  auto parsed = policy::parse_host_port(options_.listen, 25, "127.0.0.1:2526");
  if (!parsed || !parsed->host_is_ip)
    throw std::runtime_error("[bounces] listen = \"" + options_.listen +
                             "\" is not an IP:port to listen on");
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(parsed->host), parsed->port);
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec)
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec)
    acceptor_.bind(endpoint, ec);
  if (!ec)
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("bounce listener cannot listen on " + options_.listen + ": " +
                             ec.message());
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_.run(); });
  spdlog::info("bounce listener on {}:{} (bounce and unsubscribe addresses only)", parsed->host,
               port_);
}

void BounceListener::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
    if (ec)
      return; // stopped
    protocol::SmtpServerConfig config;
    config.hostname = options_.hostname;
    config.max_message_size = options_.max_message_size;
    config.max_recipients = 100;
    config.keep_body = true;
    std::make_shared<Connection>(std::move(socket), *shared_, config)->start();
    accept();
  });
}

void BounceListener::stop() {
  if (!thread_.joinable())
    return;
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    io_.stop();
  });
  thread_.join();
}

} // namespace volley::engine
