// InboundSmtpServer (see inbound_smtp_server.hpp).
#include "engine/inbound_smtp_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <stdexcept>

#include "policy/host_port.hpp"

namespace volley::engine {

namespace asio = boost::asio;

namespace {

// A client beyond max_connections: greeted with 421 and closed.
class TooManyConnections : public InboundSmtpHooks {
public:
  protocol::SmtpServerDecision on_connect() override {
    return protocol::SmtpServerDecision::replied(421, "4.7.0",
                                                 "too many connections; try again later");
  }
};

} // namespace

InboundSmtpServer::InboundSmtpServer(InboundSmtpServerOptions options, HooksFactory make_hooks)
    : options_(std::move(options)), make_hooks_(std::move(make_hooks)),
      context_(std::make_shared<InboundSmtpContext>()) {
  context_->session = options_.session;
  context_->session.tls_available = options_.tls != nullptr;
  context_->tls = options_.tls;
  context_->idle_timeout = options_.idle_timeout;
  context_->executor = std::make_shared<InboundSmtpExecutor>(io_);
}

InboundSmtpServer::~InboundSmtpServer() {
  stop();
}

void InboundSmtpServer::start() {
  auto parsed = policy::parse_host_port(options_.listen, 0, "127.0.0.1:2526");
  if (!parsed || !parsed->host_is_ip)
    throw std::runtime_error(options_.config_key + " = \"" + options_.listen +
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
    throw std::runtime_error(options_.name + " cannot listen on " + options_.listen + " (" +
                             options_.config_key + "): " + ec.message());
  host_ = parsed->host;
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_.run(); });
}

void InboundSmtpServer::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open())
      return; // stopped
    if (ec) { // EMFILE, a client that reset: try again shortly, the listener goes on
      spdlog::warn("{}: accept failed: {}", options_.name, ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      return retry_timer_.async_wait([this](boost::system::error_code error) {
        if (!error)
          accept();
      });
    }
    boost::system::error_code error;
    auto endpoint = socket.remote_endpoint(error);
    std::string client = error ? "unknown" : endpoint.address().to_string();
    std::unique_ptr<InboundSmtpHooks> hooks;
    if (context_->open >= options_.max_connections) {
      spdlog::warn("{}: refusing {} with 421: {} connections already open", options_.name, client,
                   context_->open.load());
      hooks = std::make_unique<TooManyConnections>();
    } else {
      hooks = make_hooks_(client);
    }
    std::make_shared<InboundSmtpConnection>(std::move(socket), context_, std::move(hooks))->start();
    accept();
  });
}

void InboundSmtpServer::stop() {
  if (!thread_.joinable())
    return;
  asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    finish_when_answered(std::chrono::steady_clock::now() + options_.drain_timeout);
  });
  thread_.join();
  context_->executor->close();
}

void InboundSmtpServer::finish_when_answered(std::chrono::steady_clock::time_point deadline) {
  if (context_->answering == 0 || std::chrono::steady_clock::now() >= deadline) {
    if (context_->answering > 0)
      spdlog::warn("{}: stopping with {} answer(s) not yet written", options_.name,
                   context_->answering.load());
    io_.stop();
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait(
      [this, deadline](boost::system::error_code) { finish_when_answered(deadline); });
}

} // namespace volley::engine
