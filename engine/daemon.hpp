// Daemon: wires volleyd together — spool, control token, control API server, io_context threads and
// signal handling (SIGINT/SIGTERM: graceful stop). Must never acknowledge anything before the spool
// is open, and never exit without draining the spool's queued requests.
#pragma once

#include <functional>

#include "policy/daemon_config.hpp"

namespace volley::engine {

struct DaemonStarted {
  unsigned short tcp_port = 0; // bound control port (0 if TCP is off)
};

// Runs until SIGINT/SIGTERM. on_ready is called once every listener is bound. Throws
// std::runtime_error on start-up failure (message says what and how to fix it).
void run_daemon(const policy::DaemonConfig& config,
                const std::function<void(const DaemonStarted&)>& on_ready = {});

} // namespace volley::engine
