// Test support: one child process that plays a loopback peer for a test (Postfix smtp-sink, the
// aiosmtpd recorder, ...). Starts argv without a shell, with stdin from /dev/null, stdout to a pipe
// (read line by line with a deadline) or to a file, and stderr to a file. Used by
// SmtpSinkProcess and AiosmtpdServer. Never waits without a deadline and never outlives its owner:
// the destructor SIGKILLs and reaps a child that is still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace volley::testing_support {

struct PeerProcessOptions {
  std::vector<std::string> argv{};     // argv[0] is the program path
  std::filesystem::path stdout_file{}; // empty = a pipe, read with read_stdout_line()
  std::filesystem::path stderr_file{}; // required
};

class PeerProcess {
public:
  PeerProcess() = default;
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  void start(PeerProcessOptions options); // throws std::runtime_error when fork/pipe fails
  // Next stdout line (without "\n") or nullopt at EOF or when the deadline passes (pipe mode).
  std::optional<std::string> read_stdout_line(std::chrono::steady_clock::time_point deadline);
  // Everything left on the stdout pipe until EOF or the deadline.
  std::string read_stdout_rest(std::chrono::steady_clock::time_point deadline);
  // True while the child has not exited (reaps it when it has; see exit_code()).
  bool running();
  // SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit code (128 + signal if killed),
  // or the code it already exited with; -1 when it was never started.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  pid_t pid() const { return pid_; }
  int exit_code() const { return exit_code_; }
  std::string errors() const; // the stderr file so far

private:
  bool reap(int options); // waitpid; true when the child is gone (exit_code_ set)

  PeerProcessOptions options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int exit_code_ = -1;
  std::string pending_; // stdout bytes read but not yet returned
};

} // namespace volley::testing_support
