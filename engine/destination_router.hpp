// DestinationRouter: recipient domain → SiteQueue. A configured route (policy [routes]) wins;
// otherwise the domain's MX set from MxResolver. Domains whose MX sets are identical share one site
// (and so one connection pool); the site key also carries the TLS mode, so a domain that needs
// "verify" never shares connections with one that does not. Jobs wait per domain while the lookup
// runs. Null MX → hard bounce 5.1.10; NXDOMAIN / no address records → hard bounce 5.1.2; DNS
// trouble → deferral 4.4.3. Must never: connect itself, block, or keep a job without a home.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/delivery_context.hpp"
#include "engine/delivery_job.hpp"
#include "engine/mx_resolver.hpp"
#include "engine/site_queue.hpp"
#include "policy/delivery_config.hpp"

namespace volley::engine {

class DestinationRouter {
public:
  DestinationRouter(DeliveryContext& context, MxResolver& resolver,
                    std::vector<policy::RouteConfig> routes,
                    std::vector<policy::TlsDomainConfig> tls_domains, policy::TlsMode tls_default);

  void route(DeliveryJob job);

  // Housekeeping (about once a second): forget expired domain entries and idle sites.
  void expire(std::int64_t now_ms);
  std::vector<SiteStatus> status() const;
  // The rate policy changed (context.rate_policy): every known site and domain takes it.
  void apply_policy();
  // Jobs of these campaigns (paused/cancelled), waiting for an MX answer or in a site queue, go
  // back to the spool; returns how many.
  std::size_t return_campaigns(const std::set<std::uint32_t>& campaign_seqs);
  void shutdown();          // return waiting jobs, quit idle connections
  void abort_connections(); // grace over: close everything still open
  bool idle() const;        // no lookups running, no site with jobs or connections
  std::size_t lookups_running() const { return lookups_running_; }

private:
  struct DomainEntry {
    std::shared_ptr<SiteQueue> site;
    std::int64_t expires_ms = 0;
    bool resolving = false;
    std::vector<DeliveryJob> waiting;
  };
  void start_lookup(const std::string& domain, DomainEntry& entry);
  void on_mx_answer(const std::string& domain, const MxAnswer& answer);
  void on_route_resolved(const std::string& domain, const policy::RouteConfig& route,
                         const boost::system::error_code& ec,
                         const boost::asio::ip::tcp::resolver::results_type& results);
  void attach(const std::string& domain, const std::string& key,
              std::vector<SiteEndpoint> endpoints);
  void fail_waiting(const std::string& domain, const protocol::SmtpReply& reply,
                    const std::string& where);
  policy::TlsMode tls_mode(const std::string& domain) const;
  policy::EffectivePolicy effective_policy(const std::string& domain,
                                           const std::vector<SiteEndpoint>& endpoints) const;

  DeliveryContext& context_;
  MxResolver& resolver_;
  std::vector<policy::RouteConfig> routes_;
  std::vector<policy::TlsDomainConfig> tls_domains_;
  policy::TlsMode tls_default_;
  boost::asio::ip::tcp::resolver host_resolver_;
  std::unordered_map<std::string, DomainEntry> domains_;
  std::unordered_map<std::string, std::shared_ptr<SiteQueue>> sites_;
  std::size_t lookups_running_ = 0;
  bool shutting_down_ = false;
};

} // namespace volley::engine
