// Parsing of "host:port" configuration values. Never accepts port 0, a bare IPv6 address whose port
// could be misread, or brackets around anything but an IPv6 address.
#include "policy/host_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <charconv>

#include "policy/domain_name.hpp"

namespace volley::policy {
namespace {

Error host_port_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

bool is_ipv6_literal(std::string_view text) {
  in6_addr v6{};
  return inet_pton(AF_INET6, std::string(text).c_str(), &v6) == 1;
}

Result<std::uint16_t> parse_port(std::string_view whole, std::string_view port_text,
                                 std::string_view example) {
  unsigned long port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec == std::errc::invalid_argument ||
      end != port_text.data() + port_text.size()) {
    return host_port_error("port " + quoted(port_text) + " in " + quoted(whole) +
                           " is not a number — write host:port, e.g. " + quoted(example));
  }
  if (ec == std::errc::result_out_of_range || port == 0 || port > 65535) {
    return host_port_error("port " + std::string(port_text) + " in " + quoted(whole) +
                           " is out of range — use 1-65535");
  }
  return static_cast<std::uint16_t>(port);
}

// Splits text into host and port text; port_text stays empty when there is no port.
Result<Unit> split_host_port(std::string_view text, std::string& host, std::string_view& port_text,
                             bool& has_port) {
  if (text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || (close + 1 < text.size() && text[close + 1] != ':')) {
      return host_port_error(quoted(text) + " is not [IPv6 address]:port");
    }
    host = std::string(text.substr(1, close - 1));
    if (!is_ipv6_literal(host)) {
      return host_port_error(quoted(host) + " in " + quoted(text) +
                             " is not an IPv6 address — brackets are only for IPv6 addresses");
    }
    has_port = close + 1 < text.size();
    port_text = has_port ? text.substr(close + 2) : std::string_view();
    return Unit{};
  }
  std::size_t colon = text.rfind(':');
  has_port = colon != std::string_view::npos;
  host = std::string(has_port ? text.substr(0, colon) : text);
  port_text = has_port ? text.substr(colon + 1) : std::string_view();
  return Unit{};
}

} // namespace

bool is_ip_literal(std::string_view text) {
  in_addr v4{};
  return inet_pton(AF_INET, std::string(text).c_str(), &v4) == 1 || is_ipv6_literal(text);
}

Result<HostPort> parse_host_port(std::string_view text, std::uint16_t default_port,
                                 std::string_view example) {
  std::string hint = "write host:port, e.g. " + quoted(example);
  if (text.empty())
    return host_port_error("empty address — " + hint);
  if (text.front() != '[' && std::count(text.begin(), text.end(), ':') > 1) {
    if (default_port != 0 && is_ipv6_literal(text))
      return HostPort{std::string(text), default_port, true};
    return host_port_error("IPv6 address in " + quoted(text) +
                           " needs brackets — write \"[address]:port\", e.g. \"[::1]:" +
                           std::to_string(default_port != 0 ? default_port : 25) + "\"");
  }
  HostPort result;
  std::string_view port_text;
  bool has_port = false;
  if (auto split = split_host_port(text, result.host, port_text, has_port); !split)
    return split.error();
  if (!has_port && default_port == 0)
    return host_port_error(quoted(text) + " has no port — " + hint);
  result.port = default_port;
  if (has_port) {
    auto port = parse_port(text, port_text, example);
    if (!port)
      return port.error();
    result.port = *port;
  }
  result.host_is_ip = is_ip_literal(result.host);
  if (!result.host_is_ip) {
    if (auto name = check_host_name(result.host); !name)
      return host_port_error("in " + quoted(text) + ": " + name.error().message);
  }
  return result;
}

} // namespace volley::policy
