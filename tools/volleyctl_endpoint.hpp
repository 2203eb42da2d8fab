// Chooses where volleyctl talks to volleyd: --socket / --url, then VOLLEY_SOCKET / VOLLEY_URL, then
// ./var/run/volley.sock if it exists, else 127.0.0.1:8025; and the bearer token from --token,
// --token-file, VOLLEY_TOKEN or ./var/control.token. Never connects; only reads the token file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/result.hpp"
#include "tools/cli_args.hpp"
#include "tools/control_client.hpp"

namespace volley::tools {

inline constexpr const char* default_control_socket = "./var/run/volley.sock";
inline constexpr const char* default_token_file = "./var/control.token";

struct ControlUrl {
  std::string host;
  std::uint16_t port = 0;
};

// "http://HOST:PORT" (also "HOST:PORT", a trailing "/", "[::1]:PORT"). Errors are usage errors.
Result<ControlUrl> parse_control_url(std::string_view url);

using EnvironmentLookup = std::function<std::optional<std::string>(const char* name)>;
using FileExists = std::function<bool(const std::string& path)>;

// Errors: invalid_request = bad option (usage), not_found / internal = unreadable token file.
Result<ControlEndpoint> choose_control_endpoint(const ParsedArgs& args,
                                                const EnvironmentLookup& environment,
                                                const FileExists& exists);

// The first line of a token file without surrounding whitespace.
Result<std::string> read_token_file(const std::string& path);

} // namespace volley::tools
