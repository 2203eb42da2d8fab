// volleyd: the Volley daemon. Parses the command line, loads the config (embedded default or
// --config FILE), sets up logging and runs the daemon. Never starts with an invalid config.
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <iostream>
#include <string>

#include "engine/daemon.hpp"
#include "policy/daemon_config.hpp"
#include "policy/rate_policy_loader.hpp"

namespace {

constexpr const char* usage =
    "usage: volleyd [--config FILE] [--check-config] [--print-default-config]\n"
    "  --config FILE           TOML configuration (default: the embedded one; see\n"
    "                          --print-default-config). Spool under ./var, control API on\n"
    "                          127.0.0.1:8025 and ./var/run/volley.sock.\n"
    "  --check-config          validate the configuration and its [policy] file, then exit\n"
    "                          (0 = valid, 78 = errors)\n"
    "  --print-default-config  print the embedded default configuration and exit\n";

void set_up_logging(const volley::policy::LogConfig& log) {
  std::shared_ptr<spdlog::logger> logger;
  if (log.file.empty()) {
    logger = spdlog::stderr_color_mt("volleyd");
  } else {
    logger = spdlog::basic_logger_mt("volleyd", log.file);
  }
  logger->set_level(spdlog::level::from_str(log.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

} // namespace

int main(int argc, char** argv) {
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--print-default-config") {
      std::cout << volley::policy::embedded_default_config();
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    } else {
      std::cerr << "volleyd: unknown argument \"" << arg << "\"\n" << usage;
      return 64;
    }
  }
  auto config =
      config_path.empty()
          ? volley::Result<volley::policy::DaemonConfig>(volley::policy::default_daemon_config())
          : volley::policy::load_daemon_config_file(config_path);
  if (!config) {
    std::cerr << "volleyd: " << config.error().message << "\n";
    return 78; // EX_CONFIG
  }
  if (check_only) {
    std::cout << "volleyd: configuration " << config->source << " is valid\n";
    if (config->policy_file.empty())
      return 0;
    auto policy = volley::policy::load_rate_policy_file(config->policy_file);
    if (!policy) {
      std::cerr << "volleyd: " << policy.error().message << "\n";
      return 78;
    }
    std::cout << "volleyd: policy file " << policy->source << " is valid ("
              << volley::policy::describe_rate_policy_size(*policy) << ")\n";
    return 0;
  }
  // A full disk or file size limit must surface as an error, not kill the daemon.
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGXFSZ, SIG_IGN);
  set_up_logging(config->log);
  try {
    volley::engine::run_daemon(*config);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 1;
  }
  return 0;
}
