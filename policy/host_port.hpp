// "host:port" values of the configuration: route targets ("mx.example.net:25", "[2001:db8::1]:25")
// and DNS servers ("127.0.0.1", "[::1]:5353"). Pure text checks (inet_pton); never resolves a name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::policy {

struct HostPort {
  std::string host; // without brackets: "127.0.0.1", "::1", "mx.example.net"
  std::uint16_t port = 0;
  bool host_is_ip = false;
};

// True for an IPv4 or IPv6 address literal (no brackets, no zone id).
bool is_ip_literal(std::string_view text);

// "host:port" or "[v6]:port" with port 1-65535; the host is an IP literal or a host name. With
// default_port != 0 the port may be left out ("127.0.0.1", "[::1]", "::1"). Errors read
// "what — hint"; example is a well-formed value for the hint.
Result<HostPort> parse_host_port(std::string_view text, std::uint16_t default_port,
                                 std::string_view example);

} // namespace volley::policy
