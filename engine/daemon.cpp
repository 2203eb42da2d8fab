// volleyd's run loop: opens the spool, loads the token, starts the control server and waits for a
// stop signal. Never leaves a request unanswered at shutdown: listeners stop first, then the spool
// drains, then the io threads end.
#include "engine/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <thread>
#include <vector>

#include "engine/control_api.hpp"
#include "engine/control_server.hpp"
#include "engine/control_token.hpp"
#include "queue/spool.hpp"

namespace volley::engine {
namespace {

queue::SpoolOptions spool_options(const policy::DaemonConfig& config) {
  queue::SpoolOptions o;
  o.dir = config.spool.path;
  o.initial_map_bytes = config.spool.initial_size;
  o.max_map_bytes = config.spool.max_size;
  o.max_requests_per_commit = config.spool.max_batch;
  o.durable = config.spool.durable;
  o.default_expires_after_s = config.spool.expires_after_s;
  return o;
}

ControlApiOptions api_options(const policy::DaemonConfig& config) {
  ControlApiOptions o;
  o.limits.max_message_bytes = config.limits.max_message_size;
  o.limits.max_vars_bytes = config.limits.max_vars_size;
  o.limits.max_inline_recipients = config.limits.max_inline_recipients;
  o.max_line_bytes = config.control.max_line_size;
  return o;
}

} // namespace

void run_daemon(const policy::DaemonConfig& config,
                const std::function<void(const DaemonStarted&)>& on_ready) {
  std::filesystem::create_directories(config.spool.path);
  auto spool = queue::Spool::open(spool_options(config));
  auto stats = spool->stats();
  spdlog::info("spool open at {} (map {} MiB, {} MiB used, max {} MiB, durable={})",
               config.spool.path, stats.map_bytes >> 20, stats.used_bytes >> 20,
               config.spool.max_size >> 20, config.spool.durable);

  std::string token;
  if (!config.control.listen.empty()) {
    auto loaded = load_or_create_control_token(config.control.token_file);
    token = loaded.value;
    if (loaded.generated) {
      spdlog::info("generated control token in {} (mode 0600)", config.control.token_file);
    }
  }

  boost::asio::io_context io(static_cast<int>(config.control.threads));
  ControlApi api(*spool, api_options(config));
  ControlServerOptions server_options;
  server_options.listen = config.control.listen;
  server_options.unix_socket = config.control.socket;
  server_options.token = token;
  server_options.limits.max_request_bytes = config.control.max_request_size;
  ControlServer server(io, api, server_options);
  server.start();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal_number) {
    if (ec)
      return;
    spdlog::info("signal {} received: stopping (listeners first, then the spool drains)",
                 signal_number);
    server.stop();
    io.stop();
  });

  DaemonStarted started{server.tcp_port()};
  spdlog::info("volleyd ready: control http://{} (token file {}), socket {}",
               config.control.listen.empty() ? std::string("off") : config.control.listen,
               config.control.token_file,
               config.control.socket.empty() ? std::string("off") : config.control.socket);
  if (on_ready)
    on_ready(started);

  std::vector<std::thread> threads;
  for (std::uint64_t i = 1; i < config.control.threads; ++i)
    threads.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : threads)
    t.join();
  spool->stop();
  spdlog::info("volleyd stopped; spool closed cleanly");
}

} // namespace volley::engine
