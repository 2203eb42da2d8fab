// Test support for the DNS delivery tests: a volley-sink on a fixed loopback address other than
// 127.0.0.1 (a second MX host), and a UDP DNS proxy that hands dnsmasq's answers back late (an MX
// lookup that takes a while). Never binds or forwards to a non-loopback address; always stops what
// it started (destructors).
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "integration/lifecycle_checks.hpp"
#include "support/volley_sink_process.hpp"

extern char** environ;

namespace volley::testing_support {

// True when host:port (IPv4 literal) can be bound for TCP right now.
inline bool tcp_port_free(const std::string& host, std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// A volley-sink on a fixed loopback address and port other than 127.0.0.1 (VolleySinkProcess
// always listens on 127.0.0.1). Its stdout goes to a file; start() waits (<= 10 s) for the
// "listening on" line. The destructor SIGKILLs it and removes the temp dir.
class FixedAddressSink {
public:
  FixedAddressSink(const std::string& host_port, std::vector<std::string> extra) {
    std::string pattern = (std::filesystem::temp_directory_path() / "fixed-sink-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    argv_ = {volley_sink_path(), "--listen", host_port, "--stats", (dir_ / "stats.json").string()};
    argv_.insert(argv_.end(), extra.begin(), extra.end());
  }
  ~FixedAddressSink() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FixedAddressSink(const FixedAddressSink&) = delete;
  FixedAddressSink& operator=(const FixedAddressSink&) = delete;

  void start() {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, (dir_ / "stdout.log").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / "stderr.log").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (std::string& arg : argv_)
      args.push_back(arg.data());
    args.push_back(nullptr);
    int rc = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
      throw std::runtime_error("cannot start volley-sink");
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (read_text_file(dir_ / "stdout.log").find("listening on") != std::string::npos)
        return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("fixed-address volley-sink did not start: " +
                             read_text_file(dir_ / "stderr.log"));
  }
  // SIGTERM (the stats file is final afterwards), SIGKILL after 10 s.
  void stop() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGTERM);
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= until) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }
  boost::json::object stats() const {
    return boost::json::parse(read_text_file(dir_ / "stats.json")).as_object();
  }

private:
  std::filesystem::path dir_;
  std::vector<std::string> argv_;
  pid_t pid_ = -1;
};

// A UDP DNS proxy on 127.0.0.1 that forwards every query to `upstream` (dnsmasq) at once and hands
// each answer back `delay` later: lookups that take a while, for what happens while they run.
// One thread; stopped and joined by the destructor. Loopback only.
class DelayedDnsProxy {
public:
  DelayedDnsProxy(std::uint16_t upstream_port, std::chrono::milliseconds delay) : delay_(delay) {
    front_ = bound_udp_socket(0);
    back_ = bound_udp_socket(0);
    sockaddr_in upstream = loopback(upstream_port);
    ::connect(back_, reinterpret_cast<sockaddr*>(&upstream), sizeof upstream);
    sockaddr_in self{};
    socklen_t len = sizeof self;
    ::getsockname(front_, reinterpret_cast<sockaddr*>(&self), &len);
    port_ = ntohs(self.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~DelayedDnsProxy() {
    stop_ = true;
    thread_.join();
    ::close(front_);
    ::close(back_);
  }
  DelayedDnsProxy(const DelayedDnsProxy&) = delete;
  DelayedDnsProxy& operator=(const DelayedDnsProxy&) = delete;
  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  std::size_t answers_released() const { return released_; }

private:
  struct Held {
    std::chrono::steady_clock::time_point due;
    std::string answer;
    sockaddr_in client;
  };
  static sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return addr;
  }
  static int bound_udp_socket(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr = loopback(port);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("DelayedDnsProxy: cannot bind a loopback UDP socket");
    return fd;
  }
  void run() {
    std::map<std::string, sockaddr_in> clients; // DNS id (2 bytes) -> who asked
    std::deque<Held> held;
    char buffer[4096];
    while (!stop_) {
      pollfd fds[2] = {{front_, POLLIN, 0}, {back_, POLLIN, 0}};
      ::poll(fds, 2, 10);
      if (fds[0].revents & POLLIN) {
        sockaddr_in client{};
        socklen_t len = sizeof client;
        ssize_t n = ::recvfrom(front_, buffer, sizeof buffer, 0,
                               reinterpret_cast<sockaddr*>(&client), &len);
        if (n >= 12) {
          clients[std::string(buffer, 2)] = client;
          ::send(back_, buffer, static_cast<std::size_t>(n), 0);
        }
      }
      if (fds[1].revents & POLLIN) {
        ssize_t n = ::recv(back_, buffer, sizeof buffer, 0);
        auto who = n >= 12 ? clients.find(std::string(buffer, 2)) : clients.end();
        if (who != clients.end())
          held.push_back({std::chrono::steady_clock::now() + delay_,
                          std::string(buffer, static_cast<std::size_t>(n)), who->second});
      }
      while (!held.empty() && held.front().due <= std::chrono::steady_clock::now()) {
        const Held& h = held.front();
        ::sendto(front_, h.answer.data(), h.answer.size(), 0,
                 reinterpret_cast<const sockaddr*>(&h.client), sizeof h.client);
        held.pop_front();
        ++released_;
      }
    }
  }

  std::chrono::milliseconds delay_;
  int front_ = -1, back_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::size_t> released_{0};
  std::thread thread_;
};

} // namespace volley::testing_support
