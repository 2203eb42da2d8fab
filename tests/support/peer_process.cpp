// Test support: PeerProcess (see header): fork/exec with redirected stdio, bounded line reads from
// the stdout pipe, bounded SIGTERM-then-SIGKILL stop. Never blocks without a deadline.
#include "support/peer_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace volley::testing_support {
namespace {

int open_for_child(const std::filesystem::path& path) {
  return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

// Runs in the forked child: only async-signal-safe calls (args is prepared before fork()).
[[noreturn]] void exec_child(std::vector<char*>& args, int out_fd, int err_fd) {
  const int devnull = ::open("/dev/null", O_RDONLY);
  ::dup2(devnull, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  ::execv(args[0], args.data());
  ::_exit(127);
}

} // namespace

PeerProcess::~PeerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
}

void PeerProcess::start(PeerProcessOptions options) {
  if (pid_ > 0)
    throw std::runtime_error("PeerProcess: " + options_.argv.at(0) + " already running");
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
  stdout_fd_ = -1;
  options_ = std::move(options);
  pending_.clear();
  exit_code_ = -1;
  int out_pipe[2] = {-1, -1};
  if (options_.stdout_file.empty()) {
    if (::pipe2(out_pipe, O_CLOEXEC) != 0)
      throw std::runtime_error("PeerProcess: pipe failed");
  } else {
    out_pipe[1] = open_for_child(options_.stdout_file);
  }
  const int err_fd = open_for_child(options_.stderr_file);
  if (out_pipe[1] < 0 || err_fd < 0)
    throw std::runtime_error("PeerProcess: cannot open the output files of " + options_.argv[0]);
  std::vector<char*> args;
  for (std::string& arg : options_.argv)
    args.push_back(arg.data());
  args.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0)
    exec_child(args, out_pipe[1], err_fd);
  ::close(out_pipe[1]);
  ::close(err_fd);
  stdout_fd_ = out_pipe[0];
  if (child < 0)
    throw std::runtime_error("PeerProcess: fork failed for " + options_.argv[0]);
  pid_ = child;
}

std::optional<std::string>
PeerProcess::read_stdout_line(std::chrono::steady_clock::time_point deadline) {
  while (pending_.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (stdout_fd_ < 0 || left.count() <= 0)
      return std::nullopt;
    pollfd fds{stdout_fd_, POLLIN, 0};
    if (::poll(&fds, 1, static_cast<int>(left.count())) <= 0)
      continue;
    char buffer[4096];
    const ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n <= 0)
      return std::nullopt;
    pending_.append(buffer, static_cast<std::size_t>(n));
  }
  const std::size_t newline = pending_.find('\n');
  std::string line = pending_.substr(0, newline);
  pending_.erase(0, newline + 1);
  return line;
}

std::string PeerProcess::read_stdout_rest(std::chrono::steady_clock::time_point deadline) {
  std::string rest;
  while (auto line = read_stdout_line(deadline))
    rest += *line + "\n";
  rest += pending_;
  pending_.clear();
  return rest;
}

bool PeerProcess::reap(int options) {
  if (pid_ <= 0)
    return true;
  int status = 0;
  if (::waitpid(pid_, &status, options) != pid_)
    return false;
  exit_code_ =
      WIFEXITED(status) ? WEXITSTATUS(status) : (WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1);
  pid_ = -1;
  return true;
}

bool PeerProcess::running() {
  return !reap(WNOHANG);
}

int PeerProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0)
    return exit_code_;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (!reap(WNOHANG)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      reap(0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_;
}

std::string PeerProcess::errors() const {
  std::ifstream in(options_.stderr_file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace volley::testing_support
