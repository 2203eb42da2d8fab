// The control API's listen address "host:port" / "[v6]:port" and the loopback-only rule of this
// version. Pure text checks (inet_pton); never resolves names or opens sockets.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::policy {

struct ListenAddress {
  std::string host;       // without brackets: "127.0.0.1", "::1", "localhost"
  std::uint16_t port = 0; // 0 = let the kernel pick a free port
};

// Errors read "what — hint" (the caller adds file:line:column).
Result<ListenAddress> parse_listen_address(std::string_view text);

// 127.0.0.0/8, ::1 and "localhost" (any case).
bool is_loopback_host(std::string_view host);

} // namespace volley::policy
