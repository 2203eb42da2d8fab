// Test support for the volley-sink integration tests: runs tests/integration/smtp_probe.py
// (/usr/bin/python3 smtplib) against a loopback port and reads its JSON report, plus a raw
// blocking loopback socket for byte-exact conversations. Every wait is bounded; loopback only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "support/captured_command.hpp"

namespace volley::testing_support {

// Runs the probe with `args` (e.g. {"--rcpt", "a@b.test", "--starttls"}); returns its report.
inline boost::json::object run_probe(std::uint16_t port, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {
      "/usr/bin/python3", std::string(VOLLEY_SOURCE_DIR) + "/tests/integration/smtp_probe.py",
      "--port", std::to_string(port)};
  argv.insert(argv.end(), args.begin(), args.end());
  const CapturedCommand run = capture_command(argv, std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  boost::system::error_code error;
  boost::json::value report = boost::json::parse(run.out, error);
  if (error || !report.is_object()) {
    ADD_FAILURE() << "probe printed no JSON: " << run.out << run.err;
    return {};
  }
  return report.as_object();
}

// The reply codes the probe saw for every step called `name`, in order (-1 = malformed reply,
// 0 = the step raised without a code, e.g. the connection was dropped).
inline std::vector<int> step_codes(const boost::json::object& report, const std::string& name) {
  std::vector<int> codes;
  if (!report.contains("steps"))
    return codes;
  for (const boost::json::value& step : report.at("steps").as_array()) {
    const boost::json::object& entry = step.as_object();
    if (entry.at("step").as_string() == name)
      codes.push_back(entry.contains("code") ? static_cast<int>(entry.at("code").as_int64()) : 0);
  }
  return codes;
}

// The "error" of the last step ("" when it ended normally).
inline std::string last_error(const boost::json::object& report) {
  const boost::json::array& steps = report.at("steps").as_array();
  if (steps.empty() || !steps.back().as_object().contains("error"))
    return "";
  return std::string(steps.back().as_object().at("error").as_string());
}

inline std::int64_t stat(const boost::json::object& stats, const char* name) {
  return stats.at(name).as_int64();
}

// A blocking TCP connection to 127.0.0.1:port with a receive timeout.
class RawConnection {
public:
  explicit RawConnection(std::uint16_t port, int timeout_seconds = 10) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{timeout_seconds, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  void send(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // Reads until `expected` bytes arrived, the peer closed, or the receive timeout passed.
  std::string read(std::size_t expected) {
    std::string data;
    char buffer[8192];
    while (data.size() < expected) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0)
        break;
      data.append(buffer, static_cast<std::size_t>(n));
    }
    return data;
  }
  std::string read_until_closed() { return read(static_cast<std::size_t>(-1)); }

private:
  int fd_ = -1;
  bool connected_ = false;
};

} // namespace volley::testing_support
