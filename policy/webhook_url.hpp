// The events.webhook URL of volleyd's configuration: "http://host[:port][/path]" or
// "https://host[:port][/path]" split into what an HTTP client needs. Pure text checks; never
// resolves a name, and never accepts credentials or fragments in the URL (the batch is signed with
// events.webhook_secret_file instead).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::policy {

struct WebhookUrl {
  bool tls = false;         // https
  std::string host;         // without brackets: "crm.example.org", "127.0.0.1", "::1"
  std::uint16_t port = 0;   // 80 / 443 unless given
  std::string target = "/"; // path and query, e.g. "/civicrm/volley/events?site=1"
  bool host_is_ip = false;
  // "host" or "host:port" (IPv6 in brackets) for the Host header.
  std::string host_header() const;
};

// Errors read "what — hint".
Result<WebhookUrl> parse_webhook_url(std::string_view text);

} // namespace volley::policy
