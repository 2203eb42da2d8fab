// Loads volleyd's daemon configuration: TOML syntax via toml++, then names, types and values
// checked against the schema below, all errors reported at once with file:line:column.
// Never touches the network or the spool, and never returns a half-valid configuration.
#include "policy/daemon_config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "policy/bounces_config.hpp"
#include "policy/config_diagnostics.hpp"
#include "policy/config_table_reader.hpp"
#include "policy/config_units.hpp"
#include "policy/delivery_config_reader.hpp"
#include "policy/dkim_config_reader.hpp"
#include "policy/dns_config_reader.hpp"
#include "policy/events_config.hpp"
#include "policy/listen_address.hpp"
#include "policy/sender_identity_config.hpp"
#include "policy/submission_config.hpp"

namespace volley::policy {
namespace {

constexpr std::uint64_t max_batch_limit = 1'000'000;
constexpr std::uint64_t max_control_threads = 64;
constexpr std::int64_t max_expires_after_s = 3650ll * 86400;
constexpr std::size_t max_unix_socket_path = 107; // sizeof(sockaddr_un::sun_path) - 1
constexpr const char* log_levels[] = {"trace", "debug", "info", "warn", "error"};

std::vector<SectionSchema> daemon_schema() {
  std::vector<SectionSchema> schema{
      {"spool", {"path", "initial_size", "max_size", "max_batch", "durable", "expires_after"}},
      {"control",
       {"listen", "socket", "token_file", "max_request_size", "max_line_size", "threads"}},
      {"limits", {"max_message_size", "max_vars_size", "max_inline_recipients"}},
      {"log", {"level", "file"}},
      {"policy", {"file"}},
  };
  for (SectionSchema& section : delivery_sections_schema())
    schema.push_back(std::move(section));
  schema.push_back(dkim_section_schema());
  for (SectionSchema& section : sender_identity_sections_schema())
    schema.push_back(std::move(section));
  schema.push_back(events_section_schema());
  schema.push_back(bounces_section_schema());
  schema.push_back(submission_section_schema());
  return schema;
}

void read_values(ConfigTableReader& reader, DaemonConfig& config) {
  reader.read_string("spool", "path", config.spool.path);
  reader.read_size("spool", "initial_size", config.spool.initial_size);
  reader.read_size("spool", "max_size", config.spool.max_size);
  reader.read_count("spool", "max_batch", config.spool.max_batch);
  reader.read_bool("spool", "durable", config.spool.durable);
  reader.read_duration("spool", "expires_after", config.spool.expires_after_s);
  reader.read_string("control", "listen", config.control.listen);
  reader.read_string("control", "socket", config.control.socket);
  reader.read_string("control", "token_file", config.control.token_file);
  reader.read_size("control", "max_request_size", config.control.max_request_size);
  reader.read_size("control", "max_line_size", config.control.max_line_size);
  reader.read_count("control", "threads", config.control.threads);
  reader.read_size("limits", "max_message_size", config.limits.max_message_size);
  reader.read_size("limits", "max_vars_size", config.limits.max_vars_size);
  reader.read_count("limits", "max_inline_recipients", config.limits.max_inline_recipients);
  reader.read_string("log", "level", config.log.level);
  reader.read_string("log", "file", config.log.file);
  reader.read_string("policy", "file", config.policy_file);
}

bool usable(const ConfigTableReader& reader, std::string_view section, std::string_view key) {
  return !reader.failed(section, key);
}

void require_positive_size(ConfigTableReader& reader, std::string_view section,
                           std::string_view key, std::uint64_t value, std::string_view hint) {
  if (value == 0 && usable(reader, section, key)) {
    reader.report(section, key, key_name(section, key) + " must be more than 0", hint);
  }
}

// a <= b, reported at whichever of the two keys the file sets (a first).
void require_not_larger(ConfigTableReader& reader, std::string_view a_section,
                        std::string_view a_key, std::uint64_t a, std::string_view b_section,
                        std::string_view b_key, std::uint64_t b, std::string_view why) {
  if (a <= b || !usable(reader, a_section, a_key) || !usable(reader, b_section, b_key))
    return;
  bool at_a = reader.present(a_section, a_key) || !reader.present(b_section, b_key);
  std::string what = key_name(a_section, a_key) + " (" + describe_size(a) + ") is larger than " +
                     key_name(b_section, b_key) + " (" + describe_size(b) + ")";
  if (at_a)
    return reader.report(a_section, a_key, what, why);
  reader.report(b_section, b_key, what, why);
}

void validate_spool(ConfigTableReader& reader, const SpoolConfig& spool) {
  if (spool.path.empty() && usable(reader, "spool", "path")) {
    reader.report("spool", "path", "`spool.path` is empty",
                  "set the directory of the LMDB spool, e.g. \"./var/spool\"");
  }
  require_positive_size(reader, "spool", "initial_size", spool.initial_size,
                        "the first LMDB map size, e.g. \"64MiB\"");
  if (spool.max_size < spool.initial_size && usable(reader, "spool", "initial_size") &&
      usable(reader, "spool", "max_size")) {
    bool at_max = reader.present("spool", "max_size") || !reader.present("spool", "initial_size");
    reader.report("spool", at_max ? "max_size" : "initial_size",
                  "`spool.max_size` (" + describe_size(spool.max_size) +
                      ") is smaller than `spool.initial_size` (" +
                      describe_size(spool.initial_size) + ")",
                  "raise max_size or lower initial_size; the map grows from initial_size up to "
                  "max_size");
  }
  if ((spool.max_batch == 0 || spool.max_batch > max_batch_limit) &&
      usable(reader, "spool", "max_batch")) {
    reader.report("spool", "max_batch",
                  "`spool.max_batch` = " + std::to_string(spool.max_batch) + " is out of range",
                  "use 1 to 1000000 requests per group commit (default 4096)");
  }
  if ((spool.expires_after_s <= 0 || spool.expires_after_s > max_expires_after_s) &&
      usable(reader, "spool", "expires_after")) {
    reader.report("spool", "expires_after",
                  "`spool.expires_after` = " + std::to_string(spool.expires_after_s) +
                      "s is out of range",
                  "use 1s to 3650d, e.g. \"72h\"");
  }
}

void validate_listen(ConfigTableReader& reader, const ControlConfig& control) {
  if (control.listen.empty() || !usable(reader, "control", "listen"))
    return;
  auto address = parse_listen_address(control.listen);
  if (!address) {
    return reader.report("control", "listen", "`control.listen`: " + address.error().message, "");
  }
  if (!is_loopback_host(address->host)) {
    reader.report("control", "listen",
                  "`control.listen` host \"" + address->host + "\" is not a loopback address",
                  "the control API is loopback-only in this version: use 127.0.0.1 (any of "
                  "127.0.0.0/8), ::1 or localhost, and reach it from elsewhere through an SSH "
                  "tunnel");
  }
}

void validate_control(ConfigTableReader& reader, const ControlConfig& control) {
  validate_listen(reader, control);
  if (!control.listen.empty() && control.token_file.empty() &&
      usable(reader, "control", "token_file")) {
    reader.report("control", "token_file", "`control.token_file` is empty but TCP is enabled",
                  "TCP clients need a bearer token: set a file, e.g. \"./var/control.token\", "
                  "or disable TCP with listen = \"\"");
  }
  if (control.socket.size() > max_unix_socket_path && usable(reader, "control", "socket")) {
    reader.report("control", "socket",
                  "`control.socket` path is " + std::to_string(control.socket.size()) +
                      " bytes long (\"" + control.socket + "\")",
                  "Unix socket paths are limited to 107 bytes: use a shorter path");
  }
  require_positive_size(reader, "control", "max_request_size", control.max_request_size,
                        "the largest JSON request body, e.g. \"64MiB\"");
  require_positive_size(reader, "control", "max_line_size", control.max_line_size,
                        "the longest NDJSON recipient line, e.g. \"64KiB\"");
  if ((control.threads == 0 || control.threads > max_control_threads) &&
      usable(reader, "control", "threads")) {
    reader.report("control", "threads",
                  "`control.threads` = " + std::to_string(control.threads) + " is out of range",
                  "use 1 to 64 io_context threads (default 1)");
  }
}

void validate_limits(ConfigTableReader& reader, const DaemonConfig& config) {
  const LimitsConfig& limits = config.limits;
  require_positive_size(reader, "limits", "max_message_size", limits.max_message_size,
                        "the largest raw message, e.g. \"10MiB\"");
  require_positive_size(reader, "limits", "max_vars_size", limits.max_vars_size,
                        "the largest merge-field object of one recipient, e.g. \"16KiB\"");
  require_not_larger(reader, "limits", "max_message_size", limits.max_message_size, "control",
                     "max_request_size", config.control.max_request_size,
                     "a message travels inside a request body, so it could never be accepted: "
                     "raise control.max_request_size or lower limits.max_message_size");
  require_not_larger(reader, "limits", "max_vars_size", limits.max_vars_size, "control",
                     "max_line_size", config.control.max_line_size,
                     "merge-field variables travel inside one NDJSON line: raise "
                     "control.max_line_size or lower limits.max_vars_size");
}

void validate_log(ConfigTableReader& reader, const LogConfig& log) {
  std::vector<std::string_view> levels(std::begin(log_levels), std::end(log_levels));
  if (std::find(levels.begin(), levels.end(), log.level) != levels.end())
    return;
  if (!usable(reader, "log", "level"))
    return;
  std::string suggestion = closest_name(log.level, levels);
  reader.report("log", "level", "unknown log level \"" + log.level + "\"",
                suggestion.empty()
                    ? "use one of " + join_names(levels)
                    : "did you mean \"" + suggestion + "\"? (levels: " + join_names(levels) + ")");
}

void resolve_path(std::string& path, std::string_view base_dir) {
  if (path.empty() || base_dir.empty())
    return;
  std::filesystem::path given(path);
  if (given.is_absolute())
    return;
  path = (std::filesystem::path(base_dir) / given).lexically_normal().string();
}

void resolve_paths(DaemonConfig& config, std::string_view base_dir) {
  resolve_path(config.spool.path, base_dir);
  resolve_path(config.control.socket, base_dir);
  resolve_path(config.control.token_file, base_dir);
  resolve_path(config.log.file, base_dir);
  resolve_path(config.delivery.tls_ca_file, base_dir);
  resolve_path(config.verp.secret_file, base_dir);
  resolve_path(config.events.log_file, base_dir);
  resolve_path(config.events.webhook_secret_file, base_dir);
  resolve_path(config.events.webhook_ca_file, base_dir);
  resolve_path(config.policy_file, base_dir);
}

Result<toml::table> parse_toml(std::string_view text, std::string_view source_name) {
  try {
    return toml::parse(text, std::string_view(source_name));
  } catch (const toml::parse_error& e) {
    ConfigDiagnostics diagnostics{std::string(source_name)};
    diagnostics.add(SourcePosition{std::max<std::uint32_t>(e.source().begin.line, 1),
                                   std::max<std::uint32_t>(e.source().begin.column, 1)},
                    "invalid TOML: " + std::string(e.description()),
                    "fix the syntax here; strings need double quotes (path = \"./var/spool\") "
                    "and sections are written [name]");
    return diagnostics.to_error();
  }
}

} // namespace

Result<DaemonConfig> parse_daemon_config(std::string_view toml_text, std::string_view source_name,
                                         std::string_view base_dir) {
  auto root = parse_toml(toml_text, source_name);
  if (!root)
    return root.error();
  ConfigDiagnostics diagnostics{std::string(source_name)};
  ConfigTableReader reader(*root, daemon_schema(), diagnostics);
  reader.check_names();
  DaemonConfig config;
  config.source = std::string(source_name);
  read_values(reader, config);
  read_delivery_section(reader, config.delivery);
  read_routes_section(reader, config.delivery);
  read_dns_section(reader, config.dns);
  read_dkim_section(*root, diagnostics, base_dir, config.dkim);
  read_sender_identity_sections(reader, config.verp, config.headers);
  read_events_section(reader, config.events);
  read_bounces_section(reader, config.bounces);
  read_submission_section(reader, base_dir, config.limits.max_message_size, config.submission);
  resolve_paths(config, base_dir);
  validate_spool(reader, config.spool);
  validate_control(reader, config.control);
  validate_limits(reader, config);
  validate_log(reader, config.log);
  if (!diagnostics.empty())
    return diagnostics.to_error();
  return config;
}

Result<DaemonConfig> load_daemon_config_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) {
    int error = errno;
    return make_error(error == ENOENT ? error_code::not_found : error_code::invalid_request,
                      "cannot read config file " + path + ": " + std::strerror(error) +
                          " — check the --config path (`volleyd --print-default-config > " + path +
                          "` writes a starting point)");
  }
  std::string text;
  char buffer[64 * 1024];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    text.append(buffer, got);
  int read_error = std::ferror(file) ? errno : 0;
  std::fclose(file);
  if (read_error != 0) {
    return make_error(error_code::invalid_request, "cannot read config file " + path + ": " +
                                                       std::strerror(read_error) +
                                                       " — --config must name a readable file");
  }
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  std::string base_dir = ec ? std::filesystem::path(path).parent_path().string()
                            : absolute.parent_path().lexically_normal().string();
  return parse_daemon_config(text, path, base_dir);
}

DaemonConfig default_daemon_config() {
  auto config = parse_daemon_config(embedded_default_config(), "<embedded default>", "");
  if (!config) {
    throw std::logic_error("the embedded default configuration is invalid: " +
                           config.error().message);
  }
  return std::move(config).value();
}

} // namespace volley::policy
