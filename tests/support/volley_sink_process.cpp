// Test support: starting, stopping and reading the files of a real volley-sink (see header).
// Never waits without a deadline and never leaves the process behind.
#include "support/volley_sink_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace volley::testing_support {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Reads from fd into `into` until `until` is true, EOF, or the deadline; false on EOF/timeout.
template <class Until>
bool read_until(int fd, std::string& into, std::chrono::steady_clock::time_point deadline,
                Until until) {
  while (!until()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd fds{fd, POLLIN, 0};
    if (::poll(&fds, 1, static_cast<int>(left.count())) <= 0)
      continue;
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0)
      return false;
    into.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

} // namespace

std::string volley_sink_path() {
  return std::string(VOLLEY_BINARY_DIR) + "/bin/volley-sink";
}

VolleySinkProcess::VolleySinkProcess(VolleySinkSettings settings) : settings_(std::move(settings)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "volley-sink-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
}

VolleySinkProcess::~VolleySinkProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0)
    ::close(stdout_fd_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void VolleySinkProcess::start() {
  if (pid_ > 0)
    throw std::runtime_error("volley-sink already running");
  std::vector<std::string> argv = {volley_sink_path(), "--listen", "127.0.0.1:0", "--stats",
                                   stats_path().string()};
  if (settings_.record)
    argv.insert(argv.end(), {"--record", record_path().string()});
  if (settings_.record_bodies)
    argv.insert(argv.end(), {"--record-bodies", bodies_dir().string()});
  argv.insert(argv.end(), settings_.args.begin(), settings_.args.end());
  std::vector<char*> args;
  for (std::string& arg : argv)
    args.push_back(arg.data());
  args.push_back(nullptr);
  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  const std::string err_path = (dir_ / "stderr.log").string();
  const pid_t child = ::fork();
  if (child == 0) {
    const int devnull = ::open("/dev/null", O_RDONLY);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err, 2);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  stdout_fd_ = out_pipe[0];
  pid_ = child;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  const bool got_line = read_until(stdout_fd_, pending_, deadline,
                                   [this] { return pending_.find('\n') != std::string::npos; });
  const std::string prefix = "listening on 127.0.0.1:";
  if (!got_line || !pending_.starts_with(prefix)) {
    stop();
    throw std::runtime_error("volley-sink did not start; stdout: " + pending_ +
                             " stderr: " + errors());
  }
  const std::size_t newline = pending_.find('\n');
  port_ = static_cast<std::uint16_t>(
      std::stoul(pending_.substr(prefix.size(), newline - prefix.size())));
  pending_.erase(0, newline + 1);
}

int VolleySinkProcess::stop() {
  if (pid_ <= 0)
    return -1;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  read_until(stdout_fd_, pending_, deadline, [] { return false; }); // to EOF (exit) or deadline
  output_ = pending_;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    ::usleep(5000);
  }
  pid_ = -1;
  ::close(stdout_fd_);
  stdout_fd_ = -1;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

boost::json::object VolleySinkProcess::stats() const {
  return boost::json::parse(read_file(stats_path())).as_object();
}

std::vector<boost::json::object> VolleySinkProcess::records() const {
  std::vector<boost::json::object> records;
  if (!std::filesystem::exists(record_path()))
    return records;
  // A record is complete once its newline is written: a last line without one is still being
  // appended by the running sink (read now, it is half a JSON object) and is left for next time.
  std::string text = read_file(record_path());
  const std::size_t last_newline = text.rfind('\n');
  text.resize(last_newline == std::string::npos ? 0 : last_newline + 1);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty())
      records.push_back(boost::json::parse(line).as_object());
  return records;
}

std::string VolleySinkProcess::body(std::uint64_t n) const {
  return read_file(bodies_dir() / (std::to_string(n) + ".eml"));
}

std::string VolleySinkProcess::errors() const {
  try {
    return read_file(dir_ / "stderr.log");
  } catch (const std::exception&) {
    return "";
  }
}

} // namespace volley::testing_support
