// SiteEndpoint: one address to try for a site, in order of preference (MX preference, then A before
// AAAA), with the host name used for logs, SNI and certificate checks. Plain data.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>

namespace volley::engine {

struct SiteEndpoint {
  std::string host; // MX host name or route host
  boost::asio::ip::address address;
  std::uint16_t port = 25;
  std::string text() const {
    return host + "[" + address.to_string() + "]:" + std::to_string(port);
  }
};

} // namespace volley::engine
