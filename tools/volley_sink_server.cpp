// VolleySinkServer and run_volley_sink (see header). Must never leave a thread running or a stats
// file half-written when it returns.
#include "tools/volley_sink_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "tools/volley_sink_connection.hpp"
#include "tools/volley_sink_tls_context.hpp"

namespace volley::tools {

namespace asio = boost::asio;

VolleySinkServer::VolleySinkServer(VolleySinkOptions options)
    : options_(std::move(options)), io_(static_cast<int>(options_.threads)),
      strand_(asio::make_strand(io_)), acceptor_(strand_), signals_(strand_, SIGTERM, SIGINT),
      stats_timer_(strand_), accept_retry_timer_(strand_) {
  if (options_.tls_self_signed)
    tls_ = make_self_signed_tls_context(options_.hostname);
  else if (!options_.tls_cert.empty())
    tls_ = make_file_tls_context(options_.tls_cert, options_.tls_key);
  if (!options_.record_file.empty() || !options_.record_bodies_dir.empty())
    recorder_ =
        std::make_unique<VolleySinkRecorder>(options_.record_file, options_.record_bodies_dir);
  faults_ = std::make_unique<VolleySinkFaultPlan>(options_.faults, options_.seed);
  stats_ = std::make_unique<VolleySinkStats>(*faults_);
  protocol::SmtpServerConfig& session = context_.session;
  session.hostname = options_.hostname;
  session.software = "volley-sink";
  session.max_message_size = options_.max_message_size;
  session.pipelining = options_.pipelining;
  session.tls_available = tls_ != nullptr;
  session.keep_body = recorder_ != nullptr;
  context_.faults = faults_.get();
  context_.stats = stats_.get();
  context_.recorder = recorder_.get();
  context_.tls = tls_.get();
}

VolleySinkServer::~VolleySinkServer() = default;

std::string VolleySinkServer::listen() {
  boost::system::error_code error;
  const asio::ip::address address = asio::ip::make_address(options_.listen_host, error);
  if (error)
    throw std::runtime_error("--listen: '" + options_.listen_host + "' is not an IP address");
  const asio::ip::tcp::endpoint endpoint(address, options_.listen_port);
  acceptor_.open(endpoint.protocol(), error);
  if (!error)
    acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error)
    acceptor_.bind(endpoint, error);
  if (!error)
    acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error)
    throw std::runtime_error("volley-sink: cannot listen on " + options_.listen_host + ":" +
                             std::to_string(options_.listen_port) + ": " + error.message() +
                             "; pick another --listen port (0 = any free one)");
  const asio::ip::tcp::endpoint bound = acceptor_.local_endpoint();
  const std::string host = bound.address().to_string();
  return (bound.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(bound.port());
}

void VolleySinkServer::accept() {
  acceptor_.async_accept(
      [this](const boost::system::error_code& error, asio::ip::tcp::socket socket) {
        if (stopping_ || error == asio::error::operation_aborted)
          return;
        if (error) { // EMFILE and friends: back off briefly instead of spinning
          accept_retry_timer_.expires_after(std::chrono::milliseconds(50));
          accept_retry_timer_.async_wait([this](const boost::system::error_code& wait_error) {
            if (!wait_error && !stopping_)
              accept();
          });
          return;
        }
        std::make_shared<VolleySinkConnection>(std::move(socket), context_)->start();
        accept();
      });
}

void VolleySinkServer::schedule_stats() {
  if (options_.stats_file.empty())
    return;
  stats_timer_.expires_after(std::chrono::seconds(1));
  stats_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopping_)
      return;
    write_stats();
    schedule_stats();
  });
}

void VolleySinkServer::write_stats() {
  if (options_.stats_file.empty())
    return;
  if (const std::string problem = stats_->write_file(options_.stats_file); !problem.empty())
    std::cerr << "volley-sink: --stats " << problem << "\n";
}

void VolleySinkServer::stop() {
  stopping_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  stats_timer_.cancel();
  accept_retry_timer_.cancel();
  io_.stop();
}

int VolleySinkServer::run() {
  signals_.async_wait([this](const boost::system::error_code& error, int) {
    if (!error)
      stop();
  });
  accept();
  write_stats();
  schedule_stats();
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < options_.threads; ++i)
    threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (std::thread& thread : threads)
    thread.join();
  write_stats();
  return 0;
}

int run_volley_sink(const std::vector<std::string>& arguments, std::ostream& out,
                    std::ostream& err) {
  Result<VolleySinkOptions> options = parse_volley_sink_options(arguments);
  if (!options) {
    err << options.error().message << "\n";
    return 2;
  }
  if (options->help) {
    out << volley_sink_usage();
    return 0;
  }
  std::unique_ptr<VolleySinkServer> server;
  try {
    server = std::make_unique<VolleySinkServer>(std::move(options.value()));
  } catch (const std::exception& error) {
    err << "volley-sink: " << error.what() << "\n";
    return 2;
  }
  try {
    out << "listening on " << server->listen() << std::endl;
  } catch (const std::exception& error) {
    err << error.what() << "\n";
    return 1;
  }
  const int status = server->run();
  out << server->stats().summary() << std::endl;
  return status;
}

} // namespace volley::tools
