// Test support: starting/stopping the real volleyd for integration tests (see header).
// Never leaves a daemon running after the test object is gone.
#include "support/volleyd_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace volley::testing_support {

std::string volleyd_path() {
  return std::string(VOLLEY_BINARY_DIR) + "/bin/volleyd";
}

namespace {

bool can_bind_loopback(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

} // namespace

// A random port below Linux's ephemeral range (32768-60999): outgoing connections and port-0
// listeners of other tests running in parallel never take it between this check and the bind.
std::uint16_t pick_free_loopback_port() {
  static std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> ports(20000, 32767);
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto port = static_cast<std::uint16_t>(ports(random));
    if (can_bind_loopback(port))
      return port;
  }
  throw std::runtime_error("no free loopback port in 20000-32767");
}

VolleydProcess::VolleydProcess(VolleydSettings settings) : settings_(std::move(settings)) {
  std::string pattern = (std::filesystem::temp_directory_path() / "volleyd-it-XXXXXX").string();
  if (!::mkdtemp(pattern.data()))
    throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  port_ = pick_free_loopback_port();
  write_config();
}

VolleydProcess::~VolleydProcess() {
  if (pid_ > 0)
    kill_hard();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void VolleydProcess::write_config() const {
  std::ofstream out(dir_ / "volleyd.toml");
  out << "[spool]\npath = \"spool\"\ninitial_size = \"" << settings_.spool_initial_size
      << "\"\nmax_size = \"" << settings_.spool_max_size
      << "\"\ndurable = " << (settings_.durable ? "true" : "false") << "\n"
      << "expires_after = \"" << settings_.expires_after << "\"\n"
      << "[control]\nlisten = \"127.0.0.1:" << port_ << "\"\nsocket = \"run/volley.sock\"\n"
      << "token_file = \"control.token\"\nmax_request_size = \"" << settings_.max_request_size
      << "\"\n"
      << "[limits]\nmax_message_size = \"" << settings_.max_message_size << "\"\n"
      << "[log]\nlevel = \"info\"\nfile = \"volleyd.log\"\n";
  out << (settings_.delivery_toml.empty() ? std::string("[delivery]\nenabled = false\n")
                                          : settings_.delivery_toml);
}

void VolleydProcess::start() {
  if (pid_ > 0)
    throw std::runtime_error("volleyd already running");
  std::string binary = volleyd_path();
  std::string config = (dir_ / "volleyd.toml").string();
  std::string log_path = (dir_ / "volleyd.log").string();
  pid_t child = ::fork();
  if (child == 0) {
    if (settings_.file_size_limit > 0) {
      rlimit limit{settings_.file_size_limit, settings_.file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    int devnull = ::open("/dev/null", O_RDWR);
    ::dup2(devnull, 0);
    // Errors printed before logging starts (a config the daemon refuses) end up in log() too.
    int log_file = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log_file >= 0)
      ::dup2(log_file, 2);
    ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  pid_ = child;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string text = log();
      // Another test's process took the control port after it was picked: pick again.
      if (port_retries_left_ > 0 &&
          text.find("cannot listen on control.listen") != std::string::npos &&
          text.find("Address already in use") != std::string::npos) {
        --port_retries_left_;
        port_ = pick_free_loopback_port();
        write_config();
        std::filesystem::remove(dir_ / "volleyd.log");
        return start();
      }
      throw std::runtime_error("volleyd exited during start-up; log:\n" + text);
    }
    if (std::filesystem::exists(dir_ / "run" / "volley.sock")) {
      auto answer = client().request("GET", "/healthz");
      if (answer && answer->status == 200)
        return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill_hard();
  throw std::runtime_error("volleyd did not become healthy within 30 s; log:\n" + log());
}

int VolleydProcess::stop() {
  if (pid_ <= 0)
    return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

void VolleydProcess::kill_hard() {
  if (pid_ <= 0)
    return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

tools::ControlClient VolleydProcess::client() const {
  tools::ControlEndpoint endpoint;
  endpoint.unix_socket = (dir_ / "run" / "volley.sock").string();
  endpoint.timeout_seconds = 600;
  return tools::ControlClient(endpoint);
}

tools::ControlClient VolleydProcess::tcp_client(const std::string& token) const {
  tools::ControlEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = port_;
  endpoint.token = token;
  return tools::ControlClient(endpoint);
}

std::string VolleydProcess::token() const {
  std::ifstream in(dir_ / "control.token");
  std::string token;
  in >> token;
  return token;
}

std::string VolleydProcess::log() const {
  std::ifstream in(dir_ / "volleyd.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace volley::testing_support
