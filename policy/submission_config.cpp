// Reading and checking [submission] (see submission_config.hpp). The security rules: a listener on
// a non-loopback address must have a certificate, a users file and require AUTH (never an open
// relay); require_auth needs a users file; the certificate and its key come together.
#include "policy/submission_config.hpp"

#include <filesystem>

#include "policy/config_value_checks.hpp"
#include "policy/host_port.hpp"
#include "policy/listen_address.hpp"

namespace volley::policy {
namespace {

constexpr std::string_view submission = "submission";
constexpr std::size_t kMaxTags = 64;
constexpr std::size_t kMaxTagBytes = 256;

void resolve(std::string& path, std::string_view base_dir) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute())
    return;
  path = (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

void read_values(ConfigTableReader& reader, SubmissionConfig& config) {
  reader.read_string(submission, "listen", config.listen);
  reader.read_string(submission, "hostname", config.hostname);
  reader.read_size(submission, "max_message_size", config.max_message_size);
  if (reader.present(submission, "max_message_size")) // else limits.max_message_size
    check_count_range(reader, submission, "max_message_size", config.max_message_size, 1024,
                      1ull << 30, "use 1KiB to 1GiB per message, e.g. \"10MiB\"");
  reader.read_count(submission, "max_recipients", config.max_recipients);
  check_count_range(reader, submission, "max_recipients", config.max_recipients, 1, 100000,
                    "use 1 to 100000 recipients per message");
  reader.read_count(submission, "max_connections", config.max_connections);
  check_count_range(reader, submission, "max_connections", config.max_connections, 1, 10000,
                    "use 1 to 10000 client connections at once");
  reader.read_count(submission, "max_messages_per_minute", config.max_messages_per_minute);
  check_count_range(reader, submission, "max_messages_per_minute", config.max_messages_per_minute,
                    1, 10'000'000, "use 1 or more messages per client address and minute");
  reader.read_duration(submission, "idle_timeout", config.idle_timeout_s);
  check_duration_range(reader, submission, "idle_timeout", config.idle_timeout_s, 1, 3600, 1000,
                       "use 1s to 1h, e.g. \"5m\"");
  reader.read_string(submission, "tls_cert_file", config.tls_cert_file);
  reader.read_string(submission, "tls_key_file", config.tls_key_file);
  reader.read_string(submission, "users_file", config.users_file);
  reader.read_bool(submission, "require_auth", config.require_auth);
}

void read_return_path(ConfigTableReader& reader, SubmissionConfig& config) {
  std::string text = to_string(config.return_path);
  reader.read_string(submission, "return_path", text);
  if (text == "auto")
    config.return_path = SubmissionReturnPath::automatic;
  else if (text == "keep")
    config.return_path = SubmissionReturnPath::keep;
  else if (text == "verp")
    config.return_path = SubmissionReturnPath::verp;
  else if (!reader.failed(submission, "return_path"))
    reader.report(submission, "return_path",
                  "`submission.return_path` = \"" + text + "\" is not a known mode",
                  "use \"auto\" (keep the client's MAIL FROM when it differs from the From "
                  "field, else VERP), \"keep\" or \"verp\"");
}

void read_tags(ConfigTableReader& reader, SubmissionConfig& config) {
  std::vector<ConfigMapEntry> entries;
  reader.read_string_map(submission, "tags", entries, "write tags = {source = \"smtp\"}");
  if (entries.size() > kMaxTags)
    return reader.report(submission, "tags",
                         "`submission.tags` has " + std::to_string(entries.size()) + " entries",
                         "use at most 64 tags");
  config.tags.clear();
  for (const ConfigMapEntry& entry : entries) {
    if (entry.key.empty() || entry.key.size() > kMaxTagBytes || entry.value.size() > kMaxTagBytes) {
      reader.report_at(entry.key_at, submission, "tags",
                       "tag \"" + entry.key + "\" is empty or longer than 256 bytes",
                       "keep tag names and values at 1 to 256 bytes");
      continue;
    }
    config.tags.emplace_back(entry.key, entry.value);
  }
}

// The listen address, whether it is loopback, and the rules that follow from that.
void check_security(ConfigTableReader& reader, SubmissionConfig& config) {
  auto address = parse_host_port(config.listen, 0, "127.0.0.1:2587");
  if (!address || !address->host_is_ip) {
    return reader.report(submission, "listen",
                         "`submission.listen` = \"" + config.listen +
                             "\" is not an IP address and port",
                         "write e.g. \"127.0.0.1:2587\" (loopback, for a CRM on this host) or "
                         "\"0.0.0.0:587\" (needs TLS and users); \"\" = no submission listener");
  }
  const bool loopback = is_loopback_host(address->host);
  if (!reader.present(submission, "require_auth"))
    config.require_auth = !loopback;
  if (loopback)
    return;
  std::string missing;
  if (config.tls_cert_file.empty() || config.tls_key_file.empty())
    missing = "tls_cert_file and tls_key_file";
  if (config.users_file.empty())
    missing += std::string(missing.empty() ? "" : " and ") + "users_file";
  if (!missing.empty()) {
    reader.report(submission, "listen",
                  "`submission.listen` = \"" + config.listen +
                      "\" is not a loopback address, so STARTTLS and AUTH are required, but " +
                      missing + (missing.find(" and ") == std::string::npos ? " is" : " are") +
                      " not set",
                  "set tls_cert_file and tls_key_file (PEM certificate chain and key) and "
                  "users_file (lines from `volley-passwd USER`), or listen on 127.0.0.1");
  }
  if (!config.require_auth && reader.present(submission, "require_auth")) {
    reader.report(submission, "require_auth",
                  "`submission.require_auth` = false on the non-loopback address \"" +
                      config.listen + "\" would make Volley an open relay",
                  "remove require_auth (it is true off loopback) or listen on 127.0.0.1");
  }
}

void check_files(ConfigTableReader& reader, SubmissionConfig& config) {
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    const std::string_view set = config.tls_cert_file.empty() ? "tls_key_file" : "tls_cert_file";
    reader.report(submission, set, "`submission." + std::string(set) + "` is set alone",
                  "STARTTLS needs both tls_cert_file (PEM chain) and tls_key_file (PEM key)");
  }
  for (std::string_view key : {"tls_cert_file", "tls_key_file"}) {
    const std::string& path = key == "tls_cert_file" ? config.tls_cert_file : config.tls_key_file;
    std::error_code ec;
    if (!path.empty() && !reader.failed(submission, key) &&
        !std::filesystem::is_regular_file(path, ec)) {
      reader.report(submission, key,
                    "`submission." + std::string(key) + "`: " + path + " is not a readable file",
                    "give the PEM file's path (relative paths start at the config file's "
                    "directory)");
    }
  }
  if (config.require_auth && config.users_file.empty() && !reader.failed(submission, "listen")) {
    reader.report(submission,
                  reader.present(submission, "require_auth") ? "require_auth" : "listen",
                  "the submission listener requires AUTH but `submission.users_file` is not set",
                  "set users_file to a file of `volley-passwd USER` lines");
  }
  if (config.users_file.empty() || reader.failed(submission, "users_file"))
    return;
  auto users = load_submission_users_file(config.users_file);
  if (!users)
    return reader.report(submission, "users_file", users.error().message, "");
  config.users = std::move(users.value());
}

} // namespace

const char* to_string(SubmissionReturnPath mode) {
  switch (mode) {
  case SubmissionReturnPath::automatic:
    return "auto";
  case SubmissionReturnPath::keep:
    return "keep";
  case SubmissionReturnPath::verp:
    return "verp";
  }
  return "auto";
}

SectionSchema submission_section_schema() {
  return {submission,
          {"listen", "hostname", "max_message_size", "max_recipients", "max_connections",
           "max_messages_per_minute", "idle_timeout", "tls_cert_file", "tls_key_file", "users_file",
           "require_auth", "return_path", "tags"}};
}

void read_submission_section(ConfigTableReader& reader, std::string_view base_dir,
                             std::uint64_t default_max_message_size, SubmissionConfig& config) {
  if (!reader.present(submission, "max_message_size"))
    config.max_message_size = default_max_message_size;
  read_values(reader, config);
  read_return_path(reader, config);
  read_tags(reader, config);
  resolve(config.tls_cert_file, base_dir);
  resolve(config.tls_key_file, base_dir);
  resolve(config.users_file, base_dir);
  if (config.listen.empty() || reader.failed(submission, "listen"))
    return;
  check_security(reader, config);
  check_files(reader, config);
}

} // namespace volley::policy
