// DestinationRouter (see destination_router.hpp).
#include "engine/destination_router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/prepared_message.hpp"
#include "protocol/address_text.hpp"

namespace volley::engine {
namespace {

constexpr std::int64_t kDomainEntryLifetimeMs = 60'000; // re-ask the resolver (it caches by TTL)

std::vector<SiteEndpoint> endpoints_of(const MxAnswer& answer, std::uint16_t port) {
  std::vector<SiteEndpoint> endpoints;
  for (const MxHost& host : answer.hosts)
    for (const auto& address : host.addresses)
      endpoints.push_back({host.name, address, port});
  return endpoints;
}

// Site = the set of MX host names, so every domain hosted by one provider shares a queue. Sorted:
// the resolver shuffles hosts of equal preference, and the key must not depend on that order.
std::string mx_site_key(const MxAnswer& answer) {
  std::vector<std::string> names;
  names.reserve(answer.hosts.size());
  for (const MxHost& host : answer.hosts)
    names.push_back(host.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string key = answer.implicit_mx ? "a:" : "mx:";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i)
      key += ',';
    key += names[i];
  }
  return key;
}

} // namespace

DestinationRouter::DestinationRouter(DeliveryContext& context, MxResolver& resolver,
                                     std::vector<policy::RouteConfig> routes,
                                     std::vector<policy::TlsDomainConfig> tls_domains,
                                     policy::TlsMode tls_default)
    : context_(context), resolver_(resolver), routes_(std::move(routes)),
      tls_domains_(std::move(tls_domains)), tls_default_(tls_default), host_resolver_(context.io) {}

policy::TlsMode DestinationRouter::tls_mode(const std::string& domain) const {
  policy::DeliveryConfig config;
  config.tls = tls_default_;
  config.tls_domains = tls_domains_;
  return policy::tls_mode_for(config, domain);
}

void DestinationRouter::route(DeliveryJob job) {
  std::int64_t now = DeliveryContext::now_ms();
  DomainEntry& entry = domains_[job.domain];
  if (entry.site && !entry.resolving && now < entry.expires_ms) {
    entry.site->push(std::move(job));
    return;
  }
  std::string domain = job.domain;
  entry.waiting.push_back(std::move(job));
  if (!entry.resolving)
    start_lookup(domain, entry);
}

void DestinationRouter::start_lookup(const std::string& domain, DomainEntry& entry) {
  entry.resolving = true;
  ++lookups_running_;
  ++context_.metrics.dns_lookups;
  if (const policy::RouteConfig* route = policy::find_route(routes_, domain)) {
    policy::RouteConfig copy = *route;
    host_resolver_.async_resolve(
        copy.host, std::to_string(copy.port), boost::asio::ip::tcp::resolver::numeric_service,
        [this, domain, copy](const boost::system::error_code& ec,
                             const boost::asio::ip::tcp::resolver::results_type& results) {
          on_route_resolved(domain, copy, ec, results);
        });
    return;
  }
  resolver_.resolve(domain,
                    [this, domain](const MxAnswer& answer) { on_mx_answer(domain, answer); });
}

void DestinationRouter::on_route_resolved(
    const std::string& domain, const policy::RouteConfig& route,
    const boost::system::error_code& ec,
    const boost::asio::ip::tcp::resolver::results_type& results) {
  --lookups_running_;
  std::string where = "route " + route.host + ":" + std::to_string(route.port);
  if (ec || results.empty()) {
    fail_waiting(domain,
                 protocol::SmtpReply::synthesized(451, "4.4.3",
                                                  "cannot resolve route host " + route.host + ": " +
                                                      (ec ? ec.message() : "no addresses")),
                 where);
    return;
  }
  std::vector<SiteEndpoint> endpoints;
  for (const auto& r : results)
    endpoints.push_back({route.host, r.endpoint().address(), route.port});
  attach(domain, "route:" + route.host + ":" + std::to_string(route.port), std::move(endpoints));
}

void DestinationRouter::on_mx_answer(const std::string& domain, const MxAnswer& answer) {
  --lookups_running_;
  using Kind = MxAnswer::Kind;
  switch (answer.kind) {
  case Kind::ok:
    attach(domain, mx_site_key(answer), endpoints_of(answer, context_.options.smtp_port));
    return;
  case Kind::null_mx:
    fail_waiting(domain,
                 protocol::SmtpReply::synthesized(556, "5.1.10",
                                                  "domain " + domain +
                                                      " does not accept mail (null MX, RFC 7505)"),
                 "dns");
    return;
  case Kind::no_such_domain:
    fail_waiting(domain,
                 protocol::SmtpReply::synthesized(
                     550, "5.1.2", "no mail host for " + domain + ": " + answer.detail),
                 "dns");
    return;
  case Kind::temporary_failure:
    fail_waiting(
        domain,
        protocol::SmtpReply::synthesized(451, "4.4.3", "DNS lookup failed: " + answer.detail),
        "dns");
    return;
  }
}

policy::EffectivePolicy
DestinationRouter::effective_policy(const std::string& domain,
                                    const std::vector<SiteEndpoint>& endpoints) const {
  static const policy::RatePolicy no_policy;
  std::vector<std::string> hosts;
  for (const SiteEndpoint& endpoint : endpoints) {
    std::string host = protocol::address_text::ascii_lower(endpoint.host);
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end())
      hosts.push_back(std::move(host));
  }
  policy::DeliveryConfig base = context_.delivery_config;
  base.tls = tls_mode(domain); // [delivery.tls_domains] first, the policy on top
  return policy::resolve_policy(context_.rate_policy ? *context_.rate_policy : no_policy, base,
                                context_.expires_after_s, domain, hosts);
}

void DestinationRouter::apply_policy() {
  for (auto& [domain, entry] : domains_) {
    if (!entry.site)
      continue;
    policy::EffectivePolicy effective = effective_policy(domain, entry.site->endpoints());
    entry.site->note_domain(domain, effective);
    if (entry.site->first_domain() == domain)
      entry.site->apply_policy(effective);
  }
}

void DestinationRouter::attach(const std::string& domain, const std::string& mx_key,
                               std::vector<SiteEndpoint> endpoints) {
  policy::EffectivePolicy effective = effective_policy(domain, endpoints);
  policy::TlsMode mode = effective.tls;
  std::string key = mx_key + (mode == policy::TlsMode::opportunistic
                                  ? std::string()
                                  : std::string(" tls=") + policy::to_string(mode));
  auto& site = sites_[key];
  if (!site) {
    site = std::make_shared<SiteQueue>(context_, key, endpoints, mode);
    site->note_domain(domain, effective);
    site->apply_policy(effective); // the site's settings follow its first domain
  } else {
    site->set_endpoints(endpoints);
    site->note_domain(domain, effective);
  }
  DomainEntry& entry = domains_[domain];
  entry.site = site;
  entry.resolving = false;
  entry.expires_ms = DeliveryContext::now_ms() + kDomainEntryLifetimeMs;
  auto waiting = std::move(entry.waiting);
  entry.waiting.clear();
  for (DeliveryJob& job : waiting) {
    if (shutting_down_)
      context_.record(returned_outcome(job, DeliveryContext::now_ms()));
    else
      site->push(std::move(job));
  }
}

void DestinationRouter::fail_waiting(const std::string& domain, const protocol::SmtpReply& reply,
                                     const std::string& where) {
  DomainEntry& entry = domains_[domain];
  entry.resolving = false;
  entry.site.reset();
  auto waiting = std::move(entry.waiting);
  entry.waiting.clear();
  std::int64_t now = DeliveryContext::now_ms();
  if (!waiting.empty() && !shutting_down_) {
    spdlog::info("domain {}: {} ({} recipient(s))", domain, reply.to_string(), waiting.size());
  }
  for (DeliveryJob& job : waiting) {
    if (shutting_down_)
      context_.record(returned_outcome(job, now));
    else
      context_.record(make_outcome(job, reply, where, context_.options.retry, now));
  }
}

void DestinationRouter::expire(std::int64_t now_ms) {
  std::erase_if(domains_, [&](const auto& item) {
    const DomainEntry& e = item.second;
    return !e.resolving && e.waiting.empty() && e.expires_ms < now_ms;
  });
  std::erase_if(sites_, [](const auto& item) {
    return item.second.use_count() == 1 && item.second->finished();
  });
}

std::vector<SiteStatus> DestinationRouter::status() const {
  std::vector<SiteStatus> out;
  out.reserve(sites_.size());
  for (const auto& [key, site] : sites_)
    out.push_back(site->status());
  return out;
}

std::size_t DestinationRouter::return_campaigns(const std::set<std::uint32_t>& campaign_seqs) {
  std::size_t n = 0;
  // Jobs still waiting for their domain's MX answer go back too: otherwise the answer would hand
  // them to a site and they would be sent although their campaign is paused or cancelled.
  std::int64_t now = DeliveryContext::now_ms();
  for (auto& [domain, entry] : domains_) {
    std::vector<DeliveryJob> keep;
    for (DeliveryJob& job : entry.waiting) {
      if (campaign_seqs.count(job.recipient.campaign_seq)) {
        context_.record(returned_outcome(job, now));
        ++n;
      } else {
        keep.push_back(std::move(job));
      }
    }
    entry.waiting.swap(keep);
  }
  for (auto& [key, site] : sites_)
    n += site->return_campaigns(campaign_seqs);
  return n;
}

void DestinationRouter::shutdown() {
  shutting_down_ = true;
  std::int64_t now = DeliveryContext::now_ms();
  for (auto& [domain, entry] : domains_) {
    for (DeliveryJob& job : entry.waiting)
      context_.record(returned_outcome(job, now));
    entry.waiting.clear();
  }
  for (auto& [key, site] : sites_)
    site->shutdown();
}

void DestinationRouter::abort_connections() {
  for (auto& [key, site] : sites_)
    site->abort_connections();
}

bool DestinationRouter::idle() const {
  if (lookups_running_ > 0)
    return false;
  for (const auto& [key, site] : sites_)
    if (!site->finished())
      return false;
  return true;
}

} // namespace volley::engine
