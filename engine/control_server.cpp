// Control API listeners (TCP + Unix socket) and the accept loops (see control_server.hpp).
// Never accepts on a non-loopback address; never leaves a stale socket file behind on stop().
#include "engine/control_server.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "policy/listen_address.hpp"

namespace volley::engine {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using unix_stream = asio::local::stream_protocol;

namespace {

// The text rules (host:port, [v6]:port, loopback only) are the config loader's: one parser.
tcp::endpoint listen_endpoint(const std::string& listen) {
  auto parsed = policy::parse_listen_address(listen);
  if (!parsed)
    throw std::runtime_error("control.listen: " + parsed.error().message);
  std::string host = parsed->host;
  if (policy::is_loopback_host(host) && host.find_first_not_of("0123456789.:") != std::string::npos)
    host = "127.0.0.1"; // "localhost"
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec || !address.is_loopback()) {
    throw std::runtime_error(
        "control.listen \"" + listen +
        "\" is not a loopback IP address; the control API serves loopback only");
  }
  return tcp::endpoint(address, parsed->port);
}

} // namespace

ControlServer::ControlServer(asio::io_context& io, ControlApi& api, ControlServerOptions options)
    : io_(io), api_(api), options_(std::move(options)), sample_timer_(io) {
  api_.set_login_token(options_.token); // the status page's login form checks this token
}

ControlServer::~ControlServer() {
  stop();
}

void ControlServer::start() {
  if (!options_.listen.empty()) {
    auto endpoint = listen_endpoint(options_.listen);
    tcp_acceptor_ = std::make_unique<tcp::acceptor>(io_);
    boost::system::error_code ec;
    tcp_acceptor_->open(endpoint.protocol(), ec);
    if (!ec)
      tcp_acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
      tcp_acceptor_->bind(endpoint, ec);
    if (!ec)
      tcp_acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on control.listen " + options_.listen + ": " +
                               ec.message() + " (is another volleyd running?)");
    }
    accept_tcp();
  }
  if (!options_.unix_socket.empty()) {
    std::filesystem::path path(options_.unix_socket);
    if (path.has_parent_path())
      std::filesystem::create_directories(path.parent_path());
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) {
        throw std::runtime_error("control.socket " + path.string() +
                                 " exists and is not a socket; remove it");
      }
      unix_stream::socket probe(io_);
      boost::system::error_code ec;
      probe.connect(unix_stream::endpoint(path.string()), ec);
      if (!ec) {
        throw std::runtime_error("control.socket " + path.string() +
                                 " is in use by a running volleyd; stop it first");
      }
      std::filesystem::remove(path); // stale: left by a crashed volleyd
    }
    unix_acceptor_ = std::make_unique<unix_stream::acceptor>(io_);
    boost::system::error_code ec;
    unix_acceptor_->open(unix_stream(), ec);
    if (!ec)
      unix_acceptor_->bind(unix_stream::endpoint(path.string()), ec);
    if (!ec)
      unix_acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error("cannot listen on control.socket " + path.string() + ": " +
                               ec.message());
    }
    ::chmod(path.c_str(), 0660);
    accept_unix();
  }
  sampling_ = true;
  schedule_sample();
}

void ControlServer::stop() {
  sampling_ = false;
  sample_timer_.cancel();
  boost::system::error_code ignored;
  if (tcp_acceptor_)
    tcp_acceptor_->close(ignored);
  if (unix_acceptor_) {
    unix_acceptor_->close(ignored);
    unix_acceptor_.reset();
    std::filesystem::remove(options_.unix_socket, ignored);
  }
}

void ControlServer::schedule_sample() {
  sample_timer_.expires_after(options_.sample_interval);
  sample_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !sampling_)
      return; // cancelled by stop() or the destructor
    api_.sample_throughput(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
    schedule_sample();
  });
}

unsigned short ControlServer::tcp_port() const {
  return tcp_acceptor_ ? tcp_acceptor_->local_endpoint().port() : 0;
}

void ControlServer::accept_tcp() {
  tcp_acceptor_->async_accept(
      asio::make_strand(io_), [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !tcp_acceptor_->is_open())
          return;
        if (!ec) {
          socket.set_option(tcp::no_delay(true), ec);
          std::make_shared<ControlSession<tcp::socket>>(std::move(socket), api_, options_.token,
                                                        options_.limits)
              ->start();
        }
        accept_tcp();
      });
}

void ControlServer::accept_unix() {
  unix_acceptor_->async_accept(
      asio::make_strand(io_), [this](boost::system::error_code ec, unix_stream::socket socket) {
        if (ec == asio::error::operation_aborted || !unix_acceptor_ || !unix_acceptor_->is_open()) {
          return;
        }
        if (!ec) {
          std::make_shared<ControlSession<unix_stream::socket>>(std::move(socket), api_, "",
                                                                options_.limits)
              ->start();
        }
        accept_unix();
      });
}

} // namespace volley::engine
