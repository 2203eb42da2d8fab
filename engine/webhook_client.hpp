// WebhookClient: one blocking HTTP/1.1 POST at a time to the events.webhook URL (http, or https
// verified against the system CA store or webhook_ca_file), with one deadline for resolve, connect,
// TLS, send and answer. Runs its own io_context on the calling thread (the webhook sender's). Never
// follows redirects, never reads more than 64 KiB of an answer, never sends without a deadline.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "policy/webhook_url.hpp"

namespace volley::engine {

struct WebhookAnswer {
  unsigned status = 0; // 0 = no HTTP answer (error says why)
  std::string error;   // "" when an answer arrived
  std::string body;    // the first bytes of the answer's body, for logs
};

class WebhookClient {
public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Throws std::runtime_error when ca_file cannot be loaded.
  WebhookClient(policy::WebhookUrl url, std::chrono::milliseconds timeout,
                const std::string& ca_file);

  // Blocks until the answer, an error or the deadline. After cancel() it returns at once.
  WebhookAnswer post(const std::string& body, const Headers& headers);
  // Any thread: a post in progress ends now and no further post is made.
  void cancel();

  const policy::WebhookUrl& url() const { return url_; }

private:
  policy::WebhookUrl url_;
  std::chrono::milliseconds timeout_;
  boost::asio::ssl::context tls_; // outlives io_ (streams end with it)
  boost::asio::io_context io_;
  std::mutex mutex_;
  bool cancelled_ = false;
};

} // namespace volley::engine
