// Parsing of "host:port" listen addresses and the loopback check for the control API. Never accepts
// a port outside 0-65535 or a bare IPv6 address whose port could be misread.
#include "policy/listen_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cctype>
#include <charconv>

namespace volley::policy {
namespace {

constexpr std::string_view listen_example =
    "write host:port, e.g. \"127.0.0.1:8025\" or \"[::1]:8025\"";

Error listen_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  unsigned long port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size()) {
    return listen_error("port \"" + std::string(text) + "\" in \"" + std::string(whole) +
                        "\" is not a number — " + std::string(listen_example));
  }
  if (ec == std::errc::result_out_of_range || port > 65535) {
    return listen_error("port " + std::string(text) +
                        " is out of range — use 1-65535 (0 picks a "
                        "free port)");
  }
  return static_cast<std::uint16_t>(port);
}

} // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  std::string whole(text);
  ListenAddress address;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return listen_error("\"" + whole + "\" is not host:port — " + std::string(listen_example));
    }
    address.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos && !text.empty() &&
        text.find_first_not_of("0123456789") == std::string_view::npos) {
      return listen_error("\"" + whole + "\" has no host — write \"127.0.0.1:" + whole + "\"");
    }
    if (colon == std::string_view::npos) {
      return listen_error("\"" + whole + "\" has no port — " + std::string(listen_example));
    }
    address.host = std::string(text.substr(0, colon));
    if (address.host.find(':') != std::string::npos) {
      return listen_error("IPv6 address in \"" + whole + "\" needs brackets — write \"[" +
                          address.host + "]:" + std::string(text.substr(colon + 1)) + "\"");
    }
    port_text = text.substr(colon + 1);
  }
  if (address.host.empty()) {
    return listen_error("\"" + whole + "\" has no host — " + std::string(listen_example));
  }
  auto port = parse_port(port_text, text);
  if (!port)
    return port.error();
  address.port = *port;
  return address;
}

bool is_loopback_host(std::string_view host) {
  std::string text(host);
  std::string lower;
  for (char c : text)
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "localhost")
    return true;
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

} // namespace volley::policy
