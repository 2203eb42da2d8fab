// DeliveryContext: what every site queue and SMTP connection of the engine shares — the io_context,
// the options derived from [delivery], TLS contexts, metrics, the outcome sink and the stop flag.
// Owned by the DeliveryScheduler, which outlives every site and connection. Single-threaded: used
// only on the delivery io_context thread. Must never hold per-connection state.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/delivery_metrics.hpp"
#include "engine/delivery_outcome.hpp"
#include "engine/dkim_message_signer.hpp"
#include "engine/render_queue.hpp"
#include "engine/sender_identity.hpp"
#include "engine/sender_rate_limits.hpp"
#include "engine/source_ip_pools.hpp"
#include "engine/tls_client_contexts.hpp"
#include "policy/rate_policy.hpp"
#include "queue/spool_types.hpp"

namespace volley::engine {

struct DeliveryOptions {
  std::string helo_name = "localhost";
  std::uint16_t smtp_port = 25;
  std::size_t max_connections = 1000;
  std::size_t max_connections_per_site = 20;
  std::size_t max_messages_per_connection = 1000;
  std::size_t max_recipients_per_transaction = 50;
  std::chrono::milliseconds connect_timeout{30'000}, greeting_timeout{300'000},
      command_timeout{300'000}, data_timeout{600'000}, idle_timeout{5'000};
  std::int64_t site_backoff_ms = 60'000;
  RetryPolicy retry;
  std::vector<boost::asio::ip::address> source_ips;
  std::size_t claim_batch = 1024;
  std::size_t max_queued_in_memory = 20'000;
  std::size_t render_threads = 0;                   // 0 = one per core
  std::chrono::milliseconds shutdown_grace{10'000}; // in-flight transactions get this long at stop
  std::shared_ptr<const DkimMessageSigner> dkim;    // null or empty: messages go out unsigned
  std::shared_ptr<const SenderIdentity> identity;   // null: no VERP, no added header fields
  std::shared_ptr<const policy::RatePolicy> rate_policy; // null: [delivery] values only
  std::int64_t expires_after_s = 72 * 3600;              // spool.expires_after
};

class SmtpConnection;
class SiteQueue;

struct DeliveryContext {
  boost::asio::io_context& io;
  DeliveryOptions options;
  TlsClientContexts& tls;
  DeliveryMetrics& metrics;
  std::function<void(queue::DeliveryOutcome)> record; // every job ends here exactly once
  // The queue of renders (personalise + DKIM-sign templated messages): run by the render threads
  // and by the delivery thread between rounds of events; null = render inline when a job is taken.
  RenderQueue* renderers = nullptr;
  // The rate policy in force (replaced whole on reload, on this thread); null = none.
  std::shared_ptr<const policy::RatePolicy> rate_policy{};
  SenderRateLimits sender_limits{};         // [campaign] / [tenant] rates
  SourceIpPools source_pools{};             // [pool] addresses, rates and warm-up caps
  policy::DeliveryConfig delivery_config{}; // [delivery]: the layer under the rate policy
  std::int64_t expires_after_s = 72 * 3600; // spool default expiry
  bool stopping = false;
  std::size_t connections_open = 0;
  // Sites that have jobs but could not open a connection because connections_open reached
  // options.max_connections, in the order they asked: a closed connection anywhere lets the first
  // of them try again (SiteQueue::on_connection_closed).
  std::deque<std::weak_ptr<SiteQueue>> sites_waiting_for_a_connection{};
  std::size_t source_ip_cursor = 0;

  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // Round-robin over configured source addresses of the right family; unspecified = don't bind.
  boost::asio::ip::address next_source_ip(bool v6) {
    for (std::size_t i = 0; i < options.source_ips.size(); ++i) {
      const auto& ip = options.source_ips[source_ip_cursor++ % options.source_ips.size()];
      if (ip.is_v6() == v6)
        return ip;
    }
    return {};
  }
};

} // namespace volley::engine
