// Endpoint and token selection for volleyctl. Command line beats environment beats defaults; a
// token file named explicitly must be readable, the default one may be absent. Never prints.
#include "tools/volleyctl_endpoint.hpp"

#include <charconv>
#include <fstream>

namespace volley::tools {
namespace {

constexpr std::string_view url_example = "e.g. --url http://127.0.0.1:8025";

Error usage_error(std::string message) {
  return make_error(error_code::invalid_request, std::move(message));
}

std::optional<std::string> non_empty(const EnvironmentLookup& environment, const char* name) {
  auto value = environment ? environment(name) : std::nullopt;
  if (value && value->empty())
    return std::nullopt;
  return value;
}

Result<int> parse_timeout(const ParsedArgs& args, int fallback) {
  if (!args.has("timeout"))
    return fallback;
  std::string text = args.value("timeout");
  int seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || seconds < 1 || seconds > 86400) {
    return usage_error("--timeout must be a number of seconds from 1 to 86400, got \"" + text +
                       "\"");
  }
  return seconds;
}

struct ChosenToken {
  std::string token;
  std::string source; // for error messages; "" = none
};

Result<ChosenToken> choose_token(const ParsedArgs& args, const EnvironmentLookup& environment,
                                 const FileExists& exists) {
  if (args.has("token"))
    return ChosenToken{args.value("token"), "--token"};
  if (args.has("token-file")) {
    auto token = read_token_file(args.value("token-file"));
    if (!token)
      return token.error();
    return ChosenToken{*token, "--token-file " + args.value("token-file")};
  }
  if (auto token = non_empty(environment, "VOLLEY_TOKEN"))
    return ChosenToken{*token, "VOLLEY_TOKEN"};
  if (exists(default_token_file)) {
    auto token = read_token_file(default_token_file);
    if (!token)
      return token.error();
    return ChosenToken{*token, std::string(default_token_file) + " (default)"};
  }
  return ChosenToken{};
}

} // namespace

Result<ControlUrl> parse_control_url(std::string_view url) {
  std::string_view rest = url;
  if (rest.rfind("https://", 0) == 0) {
    return usage_error("--url " + std::string(url) +
                       ": the control API speaks plain HTTP on loopback; use http://");
  }
  if (rest.rfind("http://", 0) == 0)
    rest.remove_prefix(7);
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) {
    return usage_error("--url " + std::string(url) + " has a path; give only http://HOST:PORT, " +
                       std::string(url_example));
  }
  ControlUrl parsed;
  std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || (rest.front() == '[' && rest[colon - 1] != ']')) {
    return usage_error("--url " + std::string(url) + " has no port, " + std::string(url_example));
  }
  std::string_view host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string_view port = rest.substr(colon + 1);
  unsigned number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (host.empty() || ec != std::errc{} || end != port.data() + port.size() || number == 0 ||
      number > 65535) {
    return usage_error("--url " + std::string(url) +
                       " is not http://HOST:PORT with a port from 1 "
                       "to 65535, " +
                       std::string(url_example));
  }
  parsed.host = std::string(host);
  parsed.port = static_cast<std::uint16_t>(number);
  return parsed;
}

Result<std::string> read_token_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return make_error(error_code::not_found,
                      "cannot read token file " + path +
                          " — volleyd writes it at first start (control.token_file); pass "
                          "--token-file FILE or set VOLLEY_TOKEN");
  }
  std::string line;
  std::getline(file, line);
  std::size_t begin = line.find_first_not_of(" \t\r\n");
  std::size_t end = line.find_last_not_of(" \t\r\n");
  if (begin == std::string::npos) {
    return make_error(error_code::not_found,
                      "token file " + path + " is empty — restart volleyd to regenerate it");
  }
  return line.substr(begin, end - begin + 1);
}

Result<ControlEndpoint> choose_control_endpoint(const ParsedArgs& args,
                                                const EnvironmentLookup& environment,
                                                const FileExists& exists) {
  if (args.has("socket") && args.has("url")) {
    return usage_error("--socket and --url both given; choose one");
  }
  ControlEndpoint endpoint;
  auto timeout = parse_timeout(args, endpoint.timeout_seconds);
  if (!timeout)
    return timeout.error();
  endpoint.timeout_seconds = *timeout;
  std::optional<std::string> socket, url;
  if (args.has("socket")) {
    socket = args.value("socket");
    endpoint.source = "--socket";
  }
  if (args.has("url")) {
    url = args.value("url");
    endpoint.source = "--url";
  }
  if (!socket && !url && (socket = non_empty(environment, "VOLLEY_SOCKET")))
    endpoint.source = "VOLLEY_SOCKET";
  if (!socket && !url && (url = non_empty(environment, "VOLLEY_URL")))
    endpoint.source = "VOLLEY_URL";
  if (!socket && !url) {
    endpoint.source = "default";
    if (exists(default_control_socket))
      socket = default_control_socket;
  }
  if (socket && socket->empty())
    return usage_error("--socket needs a path");
  if (socket) {
    endpoint.unix_socket = *socket;
  } else if (url) {
    auto parsed = parse_control_url(*url);
    if (!parsed)
      return parsed.error();
    endpoint.host = parsed->host;
    endpoint.port = parsed->port;
  }
  // The Unix socket needs no token; one given explicitly is still sent.
  bool explicit_token = args.has("token") || args.has("token-file");
  if (endpoint.unix_socket.empty() || explicit_token) {
    auto token = choose_token(args, environment, exists);
    if (!token)
      return token.error();
    endpoint.token = std::move(token->token);
    endpoint.token_source = std::move(token->source);
  }
  return endpoint;
}

} // namespace volley::tools
