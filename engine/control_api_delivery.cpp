// Control API answers about the delivery engine: GET /v1/queues (one entry per destination site:
// queued in memory, connections, outcome counts, suspension, last error) and the delivery part of
// /metrics (outcomes, latency and transaction histograms, connections, TLS share, throttle
// actions, per-site gauges for the 200 busiest sites). Reads only the published DeliveryMetrics;
// never touches engine objects.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "engine/api_json.hpp"
#include "engine/control_api.hpp"
#include "engine/prometheus_text.hpp"

namespace volley::engine {
namespace {

// Per-site series are written for this many sites at most (the busiest), to bound cardinality.
constexpr std::size_t kMaxSiteSeries = 200;

// Outcomes, claims, the delivery latency histogram and throttle actions.
void write_delivery_counters(PrometheusText& out, const DeliveryMetrics& m) {
  out.family("volley_delivery_outcomes_total", MetricType::counter,
             "Delivery attempt outcomes since start (bounced = hard and soft; deferred counts each "
             "deferral).");
  const std::pair<const char*, std::uint64_t> outcomes[] = {
      {"delivered", m.delivered.load()},   {"deferred", m.deferred.load()},
      {"bounced", m.bounced.load()},  {"expired", m.expired.load()},
      {"suppressed", m.suppressed.load()}, {"returned", m.returned.load()}};
  for (const auto& [kind, value] : outcomes)
    out.sample(value, {{"kind", kind}});
  out.counter("volley_recipients_claimed_total",
              "Recipients claimed from the spool for a delivery attempt.", m.claimed.load());
  out.family("volley_delivery_latency_seconds", MetricType::histogram,
             "Time from a recipient becoming due (injected or retry time) to its 2xx reply.");
  out.histogram(m.delivery_latency.snapshot());
  out.family("volley_throttle_actions_total", MetricType::counter,
             "Rate policy [[throttle]] rules that acted, by action.");
  out.sample(m.throttle_suspends.load(), {{"action", "suspend"}});
  out.sample(m.throttle_slow_downs.load(), {{"action", "slow_down"}});
  out.sample(m.throttle_bounces.load(), {{"action", "bounce"}});
}

// Outgoing SMTP connections, TLS and transactions.
void write_smtp_metrics(PrometheusText& out, const DeliveryMetrics& m) {
  out.counter("volley_smtp_connections_opened_total", "Outgoing SMTP connections attempted.",
              m.connections_opened.load());
  out.counter("volley_smtp_connections_failed_total",
              "Outgoing SMTP connections that failed before a transaction could start.",
              m.connections_failed.load());
  out.gauge("volley_smtp_connections_open", "Outgoing SMTP connections open now.",
            static_cast<double>(m.connections_open.load()));
  out.counter("volley_smtp_tls_handshakes_total", "STARTTLS handshakes completed.",
              m.tls_sessions.load());
  out.family("volley_smtp_transactions_total", MetricType::counter,
             "SMTP transactions completed, by whether the session was encrypted (TLS share = "
             "rate of tls=\"yes\" over the rate of all).");
  out.sample(m.transactions_tls.load(), {{"tls", "yes"}});
  out.sample(m.transactions_plain.load(), {{"tls", "no"}});
  out.family("volley_smtp_transaction_duration_seconds", MetricType::histogram,
             "Time from MAIL FROM to the reply after the final dot of completed transactions.");
  out.histogram(m.transaction_duration.snapshot());
}

// The kMaxSiteSeries busiest sites: most recipients waiting plus connections, then most outcomes.
std::vector<const SiteStatus*> busiest_sites(const std::vector<SiteStatus>& sites) {
  std::vector<const SiteStatus*> order;
  order.reserve(sites.size());
  for (const SiteStatus& s : sites)
    order.push_back(&s);
  auto load = [](const SiteStatus* s) { return s->queued + s->connections; };
  auto done = [](const SiteStatus* s) { return s->delivered + s->deferred + s->bounced; };
  auto busier = [&](const SiteStatus* a, const SiteStatus* b) {
    if (load(a) != load(b))
      return load(a) > load(b);
    if (done(a) != done(b))
      return done(a) > done(b);
    return a->site < b->site;
  };
  const std::size_t keep = std::min(order.size(), kMaxSiteSeries);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                    busier);
  order.resize(keep);
  return order;
}

// Per-site gauges (label site="mx:..." or "route:..."), for the busiest sites only.
void write_site_metrics(PrometheusText& out, const std::vector<SiteStatus>& all) {
  const std::vector<const SiteStatus*> sites = busiest_sites(all);
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  struct Gauge {
    const char* name;
    const char* help;
    double (*value)(const SiteStatus&, std::int64_t now);
  };
  static const Gauge gauges[] = {
      {"volley_site_queued_recipients",
       "Recipients waiting in memory for a connection to the site.",
       [](const SiteStatus& s, std::int64_t) { return static_cast<double>(s.queued); }},
      {"volley_site_connections_open", "Connections open to the site (busy and idle).",
       [](const SiteStatus& s, std::int64_t) { return static_cast<double>(s.connections); }},
      {"volley_site_connections_idle", "Connections to the site waiting for work.",
       [](const SiteStatus& s, std::int64_t) { return static_cast<double>(s.idle_connections); }},
      {"volley_site_rate_limit_per_second",
       "Configured message rate of the site (0 = unlimited), before any slow-down factor.",
       [](const SiteStatus& s, std::int64_t) { return s.rate_per_second; }},
      {"volley_site_rate_factor", "Factor on the site's rate: below 1 while a slow_down acts.",
       [](const SiteStatus& s, std::int64_t) { return s.rate_factor; }},
      {"volley_site_suspended", "1 while the site rests (all MX hosts failed, or a suspend rule).",
       [](const SiteStatus& s, std::int64_t t) { return s.suspended_until_ms > t ? 1.0 : 0.0; }},
      {"volley_site_throttled", "1 while a [[throttle]] rule is in force for the site.",
       [](const SiteStatus& s, std::int64_t) { return s.throttle.empty() ? 0.0 : 1.0; }},
  };
  for (const Gauge& g : gauges) {
    out.family(g.name, MetricType::gauge, g.help);
    for (const SiteStatus* s : sites)
      out.sample_real(g.value(*s, now), {{"site", s->site}});
  }
}

} // namespace

ControlResponse ControlApi::queues() const {
  if (!delivery_) {
    return json_response(200, R"({"delivery":"off","sites":[]})");
  }
  boost::json::array sites;
  for (const SiteStatus& s : delivery_->sites())
    sites.push_back(site_json(s));
  boost::json::object answer{{"delivery", "on"},
                             {"jobs_in_memory", delivery_->jobs_in_memory.load()},
                             {"connections_open", delivery_->connections_open.load()},
                             {"sites", std::move(sites)}};
  return json_response(200, boost::json::serialize(answer));
}

std::string ControlApi::delivery_metrics_text() const {
  if (!delivery_)
    return {};
  const DeliveryMetrics& m = *delivery_;
  const std::vector<SiteStatus> sites = m.sites();
  PrometheusText out;
  write_delivery_counters(out, m);
  out.gauge("volley_delivery_jobs_in_memory", "Recipients claimed and waiting in memory.",
            static_cast<double>(m.jobs_in_memory.load()));
  out.gauge("volley_delivery_sites", "Destination sites known to the engine.",
            static_cast<double>(sites.size()));
  write_smtp_metrics(out, m);
  write_site_metrics(out, sites);
  return out.take();
}

} // namespace volley::engine
