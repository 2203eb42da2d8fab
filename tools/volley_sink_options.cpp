// Parsing of volley-sink's flags (see header). Accepts "--flag VALUE" and "--flag=VALUE".
// Must never accept a non-loopback listen address without --allow-any-address.
#include "tools/volley_sink_options.hpp"

#include <arpa/inet.h>

#include <charconv>

#include "policy/config_units.hpp"
#include "policy/listen_address.hpp"

namespace volley::tools {
namespace {

constexpr std::string_view kUsage =
    R"(usage: volley-sink [options]
A fast SMTP sink for tests and benchmarks, with fault injection. Loopback only by default.

  --listen HOST:PORT      where to listen (default 127.0.0.1:0; port 0 = pick a free one). The
                          first stdout line is "listening on HOST:PORT".
  --allow-any-address     allow a non-loopback --listen address
  --threads N             io threads (default 1)
  --hostname NAME         name in the greeting and EHLO reply (default volley-sink.localhost)
  --max-message-size N    SIZE limit in bytes (units KiB, MiB, ... allowed; default 10MiB); larger
                          messages get 552
  --no-pipelining         do not advertise PIPELINING
  --tls-self-signed       offer STARTTLS with a throwaway certificate made at start
  --tls-cert FILE --tls-key FILE
                          offer STARTTLS with this PEM certificate chain and key
  --record FILE           append one JSON line per accepted message:
                          {"n","mail_from","rcpts","size","tls","sha256","at_ms"}
  --record-bodies DIR     write each accepted message to DIR/<n>.eml
  --stats FILE            JSON counters, rewritten every second and at exit
  --fault STAGE:ACTION[:SELECTOR]   (repeatable; the first matching rule wins)
      STAGE     connect | ehlo | mail | rcpt | data | dot (the reply after the message body)
      ACTION    421 | 451 | 452 | 550 | 552 | 554 (any 4xx/5xx; 421 closes the connection)
                drop (close without reply; at dot: close mid-body) | garbage (a malformed reply
                line, then go on) | slow=MS (delay the reply)
      SELECTOR  p=0.1 (probability) | first=N (first N occurrences) | rcpt~TEXT (a recipient
                contains TEXT); default: always
  --seed N                seed for p= selectors (default 1)
  --help                  this text

SIGTERM/SIGINT: stop listening, write --stats, print a summary line, exit 0.
Exit status 2: bad flags; 1: cannot listen.
)";

Error flag_error(std::string_view flag, const std::string& what) {
  return make_error(error_code::invalid_request, "volley-sink: " + std::string(flag) + ": " + what +
                                                     " (see volley-sink --help)");
}

template <class Number> bool read_number(std::string_view text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && error == std::errc() && end == text.data() + text.size();
}

bool is_ip_literal(const std::string& host) {
  unsigned char address[16];
  return inet_pton(AF_INET, host.c_str(), address) == 1 ||
         inet_pton(AF_INET6, host.c_str(), address) == 1;
}

Result<Unit> read_listen(std::string_view value, VolleySinkOptions& options) {
  Result<policy::ListenAddress> address = policy::parse_listen_address(value);
  if (!address)
    return flag_error("--listen", address.error().message);
  options.listen_host = address->host;
  options.listen_port = address->port;
  if (policy::is_loopback_host(options.listen_host) && !is_ip_literal(options.listen_host))
    options.listen_host = "127.0.0.1"; // "localhost"
  if (!is_ip_literal(options.listen_host))
    return flag_error("--listen", "'" + options.listen_host + "' is not an IP address");
  return Unit{};
}

bool takes_value(std::string_view flag) {
  static constexpr std::string_view kWithValue[] = {
      "--listen",   "--threads", "--hostname", "--max-message-size",
      "--tls-cert", "--tls-key", "--record",   "--record-bodies",
      "--stats",    "--fault",   "--seed"};
  for (std::string_view name : kWithValue)
    if (flag == name)
      return true;
  return false;
}

Result<Unit> apply_flag(std::string_view flag, std::string_view value, VolleySinkOptions& options) {
  if (flag == "--listen")
    return read_listen(value, options);
  if (flag == "--threads") {
    if (!read_number(value, options.threads) || options.threads < 1 || options.threads > 256)
      return flag_error(flag, "expected a thread count 1..256, not '" + std::string(value) + "'");
  } else if (flag == "--hostname") {
    if (value.empty() || value.find_first_of(" \r\n\t") != std::string_view::npos)
      return flag_error(flag, "expected a host name without spaces");
    options.hostname = std::string(value);
  } else if (flag == "--max-message-size") {
    Result<std::uint64_t> size = policy::parse_size_text(value);
    if (!size || *size == 0)
      return flag_error(flag, "expected a size in bytes > 0 such as 10485760 or 10MiB" +
                                  (size ? std::string() : " (" + size.error().message + ")"));
    options.max_message_size = *size;
  } else if (flag == "--tls-cert") {
    options.tls_cert = std::string(value);
  } else if (flag == "--tls-key") {
    options.tls_key = std::string(value);
  } else if (flag == "--record") {
    options.record_file = std::string(value);
  } else if (flag == "--record-bodies") {
    options.record_bodies_dir = std::string(value);
  } else if (flag == "--stats") {
    options.stats_file = std::string(value);
  } else if (flag == "--fault") {
    Result<VolleySinkFault> fault = parse_volley_sink_fault(value);
    if (!fault)
      return make_error(error_code::invalid_request, "volley-sink: " + fault.error().message);
    options.faults.push_back(std::move(fault.value()));
  } else if (flag == "--seed") {
    if (!read_number(value, options.seed))
      return flag_error(flag, "expected a non-negative integer, not '" + std::string(value) + "'");
  }
  return Unit{};
}

Result<Unit> apply_switch(std::string_view flag, VolleySinkOptions& options) {
  if (flag == "--allow-any-address")
    options.allow_any_address = true;
  else if (flag == "--tls-self-signed")
    options.tls_self_signed = true;
  else if (flag == "--no-pipelining")
    options.pipelining = false;
  else if (flag == "--help" || flag == "-h")
    options.help = true;
  else
    return flag_error(flag, "unknown option");
  return Unit{};
}

Result<Unit> check_combination(const VolleySinkOptions& options) {
  if (!options.allow_any_address && !policy::is_loopback_host(options.listen_host))
    return flag_error("--listen", options.listen_host +
                                      " is not a loopback address; use 127.0.0.1 or ::1, or add "
                                      "--allow-any-address");
  if (options.tls_cert.empty() != options.tls_key.empty())
    return flag_error(options.tls_cert.empty() ? "--tls-key" : "--tls-cert",
                      "--tls-cert and --tls-key must be given together");
  if (options.tls_self_signed && !options.tls_cert.empty())
    return flag_error("--tls-self-signed", "cannot be combined with --tls-cert/--tls-key");
  return Unit{};
}

} // namespace

std::string_view volley_sink_usage() {
  return kUsage;
}

Result<VolleySinkOptions> parse_volley_sink_options(const std::vector<std::string>& arguments) {
  VolleySinkOptions options;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    std::string_view flag = arguments[i];
    std::string_view value;
    const std::size_t equals = flag.find('=');
    const bool inline_value = flag.starts_with("--") && equals != std::string_view::npos;
    if (inline_value) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
    }
    Result<Unit> applied = Unit{};
    if (takes_value(flag)) {
      if (!inline_value) {
        if (i + 1 >= arguments.size())
          return flag_error(flag, "missing value");
        value = arguments[++i];
      }
      applied = apply_flag(flag, value, options);
    } else if (inline_value) {
      applied = flag_error(flag, "takes no value");
    } else {
      applied = apply_switch(flag, options);
    }
    if (!applied)
      return applied.error();
  }
  if (options.help)
    return options;
  if (Result<Unit> combination = check_combination(options); !combination)
    return combination.error();
  return options;
}

} // namespace volley::tools
