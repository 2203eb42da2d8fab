// DnsServerAddress (see dns_server_address.hpp). Accepts IPv4 "a.b.c.d[:port]", IPv6 "[addr]:port"
// or a bare IPv6 literal; the port defaults to 53. Must never accept host names or port 0.
#include "engine/dns_server_address.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>

namespace volley::engine {
namespace {

[[noreturn]] void reject(const std::string& text, const std::string& why) {
  throw std::runtime_error("dns.servers: '" + text + "' is not host:port (" + why +
                           "); write an IP address and optional port, e.g. 127.0.0.1:53 or "
                           "[::1]:53");
}

std::uint16_t parse_port(const std::string& text, const std::string& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value == 0 ||
      value > 65535)
    reject(text, "port '" + port + "' must be a number from 1 to 65535");
  return static_cast<std::uint16_t>(value);
}

std::optional<boost::asio::ip::address> parse_ip(const std::string& host) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  if (ec)
    return std::nullopt;
  return address;
}

} // namespace

DnsServerAddress DnsServerAddress::parse(const std::string& text) {
  std::string host = text;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos)
      reject(text, "missing ']' after the IPv6 address");
    host = text.substr(1, close - 1);
    std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        reject(text, "expected ':' and a port after ']'");
      port = rest.substr(1);
      if (port.empty())
        reject(text, "empty port after ':'");
    }
  } else if (text.find(':') == text.rfind(':') && text.find(':') != std::string::npos) {
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
    if (port.empty())
      reject(text, "empty port after ':'");
  }
  auto address = parse_ip(host);
  if (!address)
    reject(text, "'" + host + "' is not an IPv4 or IPv6 address");
  if (!text.empty() && text.front() == '[' && !address->is_v6())
    reject(text, "only IPv6 addresses go inside [ ]");
  DnsServerAddress result;
  result.address = *address;
  if (!port.empty())
    result.port = parse_port(text, port);
  return result;
}

} // namespace volley::engine
