// volleyd's daemon configuration (TOML): spool, control listener, limits, logging, delivery, dns,
// routes, dkim, verp, headers, events, bounces, submission. Loading validates everything (and reads
// the DKIM key files named in [dkim] and the submission users file) and reports errors as
// "file:line:column: what — hint". Never touches the network or spool.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policy/bounces_config.hpp"
#include "policy/delivery_config.hpp"
#include "policy/dkim_config.hpp"
#include "policy/events_config.hpp"
#include "policy/sender_identity_config.hpp"
#include "policy/submission_config.hpp"
#include "protocol/result.hpp"

namespace volley::policy {

struct SpoolConfig {
  std::string path = "./var/spool";
  std::uint64_t initial_size = 64ull << 20;
  std::uint64_t max_size = 64ull << 30;
  std::uint64_t max_batch = 4096;
  bool durable = true;
  std::int64_t expires_after_s = 72 * 3600;
  bool operator==(const SpoolConfig&) const = default;
};

struct ControlConfig {
  std::string listen = "127.0.0.1:8025";        // "host:port"; "" disables TCP
  std::string socket = "./var/run/volley.sock"; // "" disables the Unix socket
  std::string token_file = "./var/control.token";
  std::uint64_t max_request_size = 64ull << 20;
  std::uint64_t max_line_size = 64ull << 10;
  std::uint64_t threads = 1;
  bool operator==(const ControlConfig&) const = default;
};

struct LimitsConfig {
  std::uint64_t max_message_size = 10ull << 20;
  std::uint64_t max_vars_size = 16ull << 10;
  std::uint64_t max_inline_recipients = 100000;
  bool operator==(const LimitsConfig&) const = default;
};

struct LogConfig {
  std::string level = "info";
  std::string file; // "" = stderr
  bool operator==(const LogConfig&) const = default;
};

struct DaemonConfig {
  SpoolConfig spool;
  ControlConfig control;
  LimitsConfig limits;
  LogConfig log;
  DeliveryConfig delivery;
  DnsConfig dns;
  std::vector<DkimDomainConfig> dkim; // [dkim."domain"] tables, keys loaded
  VerpConfig verp;
  HeadersConfig headers;
  BouncesConfig bounces;
  EventsConfig events;
  SubmissionConfig submission; // [submission]: the SMTP listener for CRMs
  std::string policy_file;     // [policy] file: the rate policy (TOML); "" = [delivery] values only
  std::string source;          // file path, or "<embedded default>"
  bool operator==(const DaemonConfig&) const = default;
};

// The compiled-in default (conf/volleyd.default.toml).
std::string_view embedded_default_config();

// Parses TOML text. source_name is used in error messages ("volleyd.toml:12:5: ..."). Relative
// paths in the result are resolved against base_dir (empty = keep relative, i.e. the working
// directory). Sizes accept integers (bytes) or strings with a unit ("64KiB", "10MiB", "1GiB",
// "500KB", "2MB"); durations accept "500ms", "30s", "72h", "30m", "3d". Unknown keys, wrong types
// and impossible values are errors.
Result<DaemonConfig> parse_daemon_config(std::string_view toml_text, std::string_view source_name,
                                         std::string_view base_dir);
// Reads and parses a file; relative paths are resolved against the file's directory.
Result<DaemonConfig> load_daemon_config_file(const std::string& path);
// The embedded default, relative paths kept relative to the working directory.
DaemonConfig default_daemon_config();

} // namespace volley::policy
