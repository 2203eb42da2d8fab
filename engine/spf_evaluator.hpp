// SpfEvaluator: RFC 7208 check_host() with libspf2, its DNS questions answered by c-ares
// (SpfCaresResolver) from the servers of the given BlockingDnsClient. For preflight checks:
// "would mail from this IP with MAIL FROM postmaster@DOMAIN pass SPF?". Unlike a receiving MTA it
// evaluates loopback IPs too (libspf2's SPF_request_query_mailfrom passes 127.0.0.0/8 unseen).
// Blocking; must never be used on the daemon's io_context threads or from two threads at once.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <memory>
#include <string>

#include "engine/blocking_dns_client.hpp"

struct SPF_server_struct; // libspf2's SPF_server_t

namespace volley::engine {

class SpfCaresResolver;

enum class SpfResult { pass, fail, softfail, neutral, none, permerror, temperror };
const char* to_string(SpfResult result);

struct SpfVerdict {
  SpfResult result = SpfResult::none;
  // Why, in words: "domain of a.test designates 127.0.0.2 as permitted sender", or what went
  // wrong (DNS failures, syntax errors).
  std::string explanation;
};

class SpfEvaluator {
public:
  // Throws std::runtime_error when libspf2 cannot be set up.
  explicit SpfEvaluator(BlockingDnsClient& dns);
  ~SpfEvaluator();
  SpfEvaluator(const SpfEvaluator&) = delete;
  SpfEvaluator& operator=(const SpfEvaluator&) = delete;

  // check_host(ip, domain, "postmaster@domain") with `helo` as the HELO name (for %{h}).
  SpfVerdict check_mail_from(const boost::asio::ip::address& ip, const std::string& domain,
                             const std::string& helo);

private:
  std::unique_ptr<SpfCaresResolver> resolver_;
  SPF_server_struct* server_ = nullptr;
};

} // namespace volley::engine
