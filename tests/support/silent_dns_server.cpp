// Test support: a UDP socket on loopback that swallows DNS queries (see silent_dns_server.hpp).
// Must never read or answer what it receives.
#include "support/silent_dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace volley::testing_support {
namespace {

// Binds a UDP socket to 127.0.0.1:0; returns the fd and sets `port`.
int bind_loopback_udp(std::uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0)
    throw std::runtime_error(std::string("SilentDnsServer: socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int error = errno;
    ::close(fd);
    throw std::runtime_error(std::string("SilentDnsServer: bind 127.0.0.1:0/udp: ") +
                             std::strerror(error));
  }
  port = ntohs(addr.sin_port);
  return fd;
}

} // namespace

SilentDnsServer::SilentDnsServer() {
  fd_ = bind_loopback_udp(port_);
}

SilentDnsServer::~SilentDnsServer() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::string SilentDnsServer::unreachable_server() {
  std::uint16_t port = 0;
  ::close(bind_loopback_udp(port)); // free a moment ago, nothing bound now
  return "127.0.0.1:" + std::to_string(port);
}

} // namespace volley::testing_support
