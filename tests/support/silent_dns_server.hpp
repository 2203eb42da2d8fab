// Test support: a "DNS server" on 127.0.0.1 that never answers (a bound UDP socket nobody reads),
// for timeout cases: point DnsOptions::servers at server() with a short timeout. Also gives a
// loopback address where nothing listens at all (unreachable_server()). Never answers, never
// binds a non-loopback address; the socket is closed by the destructor.
#pragma once

#include <cstdint>
#include <string>

namespace volley::testing_support {

class SilentDnsServer {
public:
  SilentDnsServer(); // binds 127.0.0.1:<free port>/udp; throws std::runtime_error on failure
  ~SilentDnsServer();
  SilentDnsServer(const SilentDnsServer&) = delete;
  SilentDnsServer& operator=(const SilentDnsServer&) = delete;

  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }

  // "127.0.0.1:PORT" with nothing bound there (queries get ICMP port unreachable).
  static std::string unreachable_server();

private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

} // namespace volley::testing_support
