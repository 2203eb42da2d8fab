// Test support: runs the real volleyd binary in a private temp directory (own spool, Unix socket,
// loopback TCP port, token) and gives a ControlClient for it. Never binds a non-loopback address;
// always kills what it started.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "tools/control_client.hpp"

namespace volley::testing_support {

struct VolleydSettings {
  std::string spool_initial_size = "4MiB";
  std::string spool_max_size = "8GiB";
  std::string max_message_size = "1MiB";
  std::string max_request_size = "8MiB";
  bool durable = true;
  std::string expires_after = "72h"; // [spool] expires_after: e.g. "3s" for expiry tests
  std::uint64_t file_size_limit =
      0; // RLIMIT_FSIZE for the daemon (0 = none): simulates a full disk
  // TOML appended to the generated config: [delivery], [dns], [routes] sections. Empty = delivery
  // off (tests that only inject must never make volleyd look up real domains).
  std::string delivery_toml;
};

class VolleydProcess {
public:
  explicit VolleydProcess(VolleydSettings settings = {});
  ~VolleydProcess(); // SIGKILLs a running daemon and removes the temp dir

  void start();     // starts and waits (≤ 30 s) until /healthz answers; throws on failure
  int stop();       // SIGTERM, waits, returns the exit status (as from waitpid)
  void kill_hard(); // SIGKILL, waits
  bool running() const { return pid_ > 0; }

  tools::ControlClient client() const; // over the Unix socket (no token)
  tools::ControlClient tcp_client(const std::string& token) const;
  std::string token() const; // content of the token file
  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path spool_dir() const { return dir_ / "spool"; }
  std::uint16_t port() const { return port_; }
  std::string log() const; // what the daemon wrote to its log file (and to stderr)

private:
  void write_config() const;

  VolleydSettings settings_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  int port_retries_left_ = 5; // start() picks another port when the control port is taken
};

// A free port on 127.0.0.1 outside the ephemeral range (see volleyd_process.cpp).
std::uint16_t pick_free_loopback_port();
std::string volleyd_path();

} // namespace volley::testing_support
