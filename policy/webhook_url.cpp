// Parsing of the events.webhook URL (see webhook_url.hpp). Never accepts a scheme other than http
// and https, user:password@, a fragment, or characters that could split an HTTP request line.
#include "policy/webhook_url.hpp"

#include "policy/host_port.hpp"

namespace volley::policy {
namespace {

constexpr std::string_view example = "http://127.0.0.1:8080/volley/events";

Error url_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i])
      return false;
  }
  return true;
}

} // namespace

std::string WebhookUrl::host_header() const {
  bool v6 = host.find(':') != std::string::npos;
  std::string name = v6 ? "[" + host + "]" : host;
  if (port == (tls ? 443 : 80))
    return name;
  return name + ":" + std::to_string(port);
}

Result<WebhookUrl> parse_webhook_url(std::string_view text) {
  std::string quoted = "\"" + std::string(text) + "\"";
  WebhookUrl url;
  std::string_view rest;
  if (starts_with_ignoring_case(text, "http://")) {
    rest = text.substr(7);
  } else if (starts_with_ignoring_case(text, "https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else {
    return url_error(quoted + " is not an http:// or https:// URL — write e.g. \"" +
                     std::string(example) + "\"");
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
      return url_error(quoted + " contains spaces or control characters — percent-encode them");
  }
  if (text.find('#') != std::string_view::npos)
    return url_error(quoted + " has a fragment (#...) — leave it out; it is never sent");
  std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return url_error(quoted + " holds user credentials — leave them out: batches are signed "
                              "with events.webhook_secret_file (X-Volley-Signature)");
  }
  if (authority.empty())
    return url_error(quoted + " has no host — write e.g. \"" + std::string(example) + "\"");
  if (authority.front() != '[' && authority.find(':') != authority.rfind(':'))
    return url_error(quoted +
                     ": an IPv6 address in a URL needs brackets, e.g. \"http://[::1]:8080/\"");
  auto host_port = parse_host_port(authority, url.tls ? 443 : 80, "crm.example.org:8443");
  if (!host_port)
    return url_error("host of " + quoted + ": " + host_port.error().message);
  url.host = host_port->host;
  url.port = host_port->port;
  url.host_is_ip = host_port->host_is_ip;
  if (slash != std::string_view::npos) {
    url.target = std::string(rest.substr(slash));
    if (url.target.front() == '?')
      url.target.insert(url.target.begin(), '/');
  }
  return url;
}

} // namespace volley::policy
