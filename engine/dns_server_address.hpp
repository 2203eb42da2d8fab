// DnsServerAddress: one configured DNS server ("127.0.0.1:5353", "[::1]:53", "127.0.0.1") parsed
// into an IP address and a UDP/TCP port for c-ares. Must never resolve names (a server is an IP
// literal) or accept a malformed entry silently.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>

namespace volley::engine {

struct DnsServerAddress {
  boost::asio::ip::address address;
  std::uint16_t port = 53;

  // Throws std::runtime_error naming the entry: "dns.servers: '1.2.3' is not host:port ...".
  static DnsServerAddress parse(const std::string& text);
};

} // namespace volley::engine
