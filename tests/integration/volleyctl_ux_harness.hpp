// Test support for the volleyctl UX tests: a real volleyd delivering to a recording volley-sink on
// loopback (550 for recipients containing "bounce", slow.test paced at 10/s by a rate policy so a
// campaign is still running while `campaign watch` runs), and ways to run the built volleyctl
// binary: with pipes (capture_command) or with stdout on a pseudo-terminal, optionally sending
// Ctrl-C. Never uses a non-loopback address; always reaps what it starts.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "support/captured_command.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace volley::testing_support {

inline std::string volleyctl_binary() {
  return std::string(VOLLEY_BINARY_DIR) + "/bin/volleyctl";
}

// A daemon and its sink, started once per test process (ctest runs each test in its own).
struct VolleyctlUxPeers {
  VolleySinkProcess sink{{.args = {"--fault", "rcpt:550:rcpt~bounce"}, .record = false}};
  std::unique_ptr<VolleydProcess> daemon;

  VolleyctlUxPeers() {
    sink.start();
    VolleydSettings settings;
    settings.durable = false;
    settings.delivery_toml =
        delivery_toml_to(sink.address(), "", "[policy]\nfile = \"policy.toml\"\n");
    daemon = std::make_unique<VolleydProcess>(settings);
    std::ofstream(daemon->dir() / "policy.toml")
        << "[domain.\"slow.test\"]\nrate = {limit = \"10/s\", burst = 1}\n";
    daemon->start();
  }
  std::string socket() const { return (daemon->dir() / "run" / "volley.sock").string(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(daemon->port()); }
};

// volleyctl --socket <daemon> ARGS... with pipes for stdout and stderr.
inline CapturedCommand volleyctl_on(const VolleyctlUxPeers& peers, std::vector<std::string> args,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  args.insert(args.begin(), {volleyctl_binary(), "--socket", peers.socket()});
  return capture_command(args, timeout);
}

inline CapturedCommand volleyctl_raw(std::vector<std::string> args,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  args.insert(args.begin(), volleyctl_binary());
  return capture_command(args, timeout);
}

// The whole of `text` as one JSON document (null, and a test failure, when it is not).
inline boost::json::value one_json_document(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << "not one JSON document (" << ec.message() << "):\n" << text;
  return value;
}

inline std::vector<std::string> output_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The cells of a table line (columns are two or more spaces apart).
inline std::vector<std::string> table_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = line.find_first_not_of(' ');
  while (start != std::string::npos && start < line.size()) {
    std::size_t gap = line.find("  ", start);
    cells.push_back(line.substr(start, gap == std::string::npos ? gap : gap - start));
    if (gap == std::string::npos)
      break;
    start = line.find_first_not_of(' ', gap);
  }
  return cells;
}

// The value of "key  value" in a key/value block ("" when the key is absent).
inline std::string key_value(const std::string& text, const std::string& key) {
  for (const std::string& line : output_lines(text)) {
    std::string_view rest(line);
    if (!rest.starts_with(key + "  "))
      continue;
    rest.remove_prefix(key.size());
    return std::string(rest.substr(rest.find_first_not_of(' ')));
  }
  return "";
}

struct PtyRun {
  int exit_code = -1;
  bool timed_out = false;
  std::string output; // stdout and stderr as the terminal saw them
};

// Runs argv with stdin/stdout/stderr on a new 120x24 pseudo-terminal (TERM=xterm, NO_COLOR unset).
// When interrupt_when(output so far) first returns true, the child gets SIGINT.
inline PtyRun run_on_pty(const std::vector<std::string>& argv,
                         const std::function<bool(const std::string&)>& interrupt_when = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60)) {
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int master = -1;
  winsize size{24, 120, 0, 0};
  pid_t child = ::forkpty(&master, nullptr, nullptr, &size);
  if (child == 0) {
    ::setenv("TERM", "xterm", 1);
    ::unsetenv("NO_COLOR");
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  PtyRun run;
  if (child < 0)
    return run;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool interrupted = false;
  for (;;) {
    pollfd fd{master, POLLIN, 0};
    if (std::chrono::steady_clock::now() > deadline) {
      run.timed_out = true;
      ::kill(child, SIGKILL);
      break;
    }
    if (::poll(&fd, 1, 100) > 0) {
      char buffer[4096];
      ssize_t n = ::read(master, buffer, sizeof buffer);
      if (n <= 0)
        break; // EIO: the child closed the terminal
      run.output.append(buffer, static_cast<std::size_t>(n));
    }
    if (!interrupted && interrupt_when && interrupt_when(run.output)) {
      interrupted = true;
      ::kill(child, SIGINT);
    }
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(master);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

} // namespace volley::testing_support
