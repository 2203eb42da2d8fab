// The [submission] section of volleyd's configuration: the SMTP submission listener CRMs send
// their mail to (CiviCRM, EspoCRM, Django-CRM speak SMTP to an outbound server). Off unless
// `listen` is set; loopback by default; on any other address it needs a TLS certificate and a
// users file (AUTH PLAIN/LOGIN over STARTTLS), and always requires AUTH there. Plain data plus the
// reader. Never touches the network or the spool; reads only the users file (and checks that the
// certificate files exist).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/config_table_reader.hpp"
#include "policy/submission_users_file.hpp"

namespace volley::policy {

// Which envelope sender a submitted message is delivered with.
enum class SubmissionReturnPath : std::uint8_t {
  automatic, // "auto": the client's MAIL FROM when it differs from the From field, else VERP
  keep,      // "keep": always the client's MAIL FROM (the CRM does its own bounce handling)
  verp,      // "verp": always Volley's VERP address (when [verp] is enabled)
};
const char* to_string(SubmissionReturnPath mode);

struct SubmissionConfig {
  std::string listen;   // "127.0.0.1:2587"; "" = no submission listener
  std::string hostname; // greeting and EHLO name; "" = delivery.helo_name or the host name
  std::uint64_t max_message_size = 10ull << 20;  // default: limits.max_message_size
  std::uint64_t max_recipients = 1000;           // per message (then 452)
  std::uint64_t max_connections = 100;           // at once (then 421)
  std::uint64_t max_messages_per_minute = 60000; // per client address (then 421)
  std::int64_t idle_timeout_s = 300;             // a client silent this long is disconnected
  std::string tls_cert_file;                     // PEM chain; with tls_key_file: STARTTLS
  std::string tls_key_file;
  std::string users_file;            // "user:pbkdf2-sha256$..." lines (volley-passwd)
  std::vector<SubmissionUser> users; // read from users_file
  bool require_auth = false;         // default: true unless listen is a loopback address
  SubmissionReturnPath return_path = SubmissionReturnPath::automatic;
  std::vector<std::pair<std::string, std::string>> tags; // on every message, e.g. source = smtp
  bool operator==(const SubmissionConfig&) const = default;
};

SectionSchema submission_section_schema();
// Reads and checks [submission]; keys not in the file keep their value, except max_message_size
// (default_max_message_size: limits.max_message_size) and require_auth (true off loopback).
// Relative file names are resolved against base_dir; the users file is read here.
void read_submission_section(ConfigTableReader& reader, std::string_view base_dir,
                             std::uint64_t default_max_message_size, SubmissionConfig& config);

} // namespace volley::policy
