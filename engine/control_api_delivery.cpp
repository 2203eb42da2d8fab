// Control API answers about the delivery engine: GET /v1/queues (one entry per destination site:
// queued in memory, connections, outcome counts, suspension, last error) and the delivery part of
// /metrics. Reads only the published DeliveryMetrics snapshot; never touches engine objects.
#include <boost/json.hpp>
#include <sstream>

#include "engine/control_api.hpp"

namespace volley::engine {
namespace {

boost::json::object site_json(const SiteStatus& s) {
  boost::json::array domains;
  for (const auto& d : s.domains)
    domains.emplace_back(d);
  boost::json::object o{{"site", s.site},
                        {"tls", s.tls},
                        {"queued", s.queued},
                        {"connections", s.connections},
                        {"idle_connections", s.idle_connections},
                        {"delivered", s.delivered},
                        {"deferred", s.deferred},
                        {"bounced", s.bounced},
                        {"domains", std::move(domains)}};
  o["suspended_until_ms"] = s.suspended_until_ms > 0 ? boost::json::value(s.suspended_until_ms)
                                                     : boost::json::value(nullptr);
  o["last_error"] =
      s.last_error.empty() ? boost::json::value(nullptr) : boost::json::value(s.last_error);
  auto text_or_null = [](const std::string& text) {
    return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
  };
  o["group"] = text_or_null(s.group);
  o["rate"] = text_or_null(s.rate); // null = no rate limit
  o["rate_factor"] = s.rate_factor; // < 1 while a slow_down rule is in force
  o["throttle"] = text_or_null(s.throttle);
  return o;
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
  std::ostringstream out;
  out << "# HELP volley_delivery_outcomes_total Delivery outcomes by kind since start.\n"
      << "# TYPE volley_delivery_outcomes_total counter\n";
  const std::pair<const char*, std::uint64_t> outcomes[] = {
      {"delivered", m.delivered.load()},   {"deferred", m.deferred.load()},
      {"bounced", m.bounced_hard.load()},  {"expired", m.expired.load()},
      {"suppressed", m.suppressed.load()}, {"returned", m.returned.load()}};
  for (const auto& [kind, value] : outcomes)
    out << "volley_delivery_outcomes_total{kind=\"" << kind << "\"} " << value << "\n";
  out << "# HELP volley_smtp_connections_opened_total Outgoing SMTP connections attempted.\n"
      << "# TYPE volley_smtp_connections_opened_total counter\n"
      << "volley_smtp_connections_opened_total " << m.connections_opened.load() << "\n"
      << "# HELP volley_smtp_connections_failed_total Connections that failed before delivering.\n"
      << "# TYPE volley_smtp_connections_failed_total counter\n"
      << "volley_smtp_connections_failed_total " << m.connections_failed.load() << "\n"
      << "# HELP volley_smtp_connections_open Outgoing SMTP connections open now.\n"
      << "# TYPE volley_smtp_connections_open gauge\n"
      << "volley_smtp_connections_open " << m.connections_open.load() << "\n"
      << "# HELP volley_smtp_tls_sessions_total STARTTLS handshakes completed.\n"
      << "# TYPE volley_smtp_tls_sessions_total counter\n"
      << "volley_smtp_tls_sessions_total " << m.tls_sessions.load() << "\n"
      << "# HELP volley_smtp_transactions_total SMTP transactions completed.\n"
      << "# TYPE volley_smtp_transactions_total counter\n"
      << "volley_smtp_transactions_total " << m.transactions.load() << "\n"
      << "# HELP volley_throttle_actions_total Rate policy [[throttle]] rules that acted.\n"
      << "# TYPE volley_throttle_actions_total counter\n"
      << "volley_throttle_actions_total " << m.throttle_actions.load() << "\n"
      << "# HELP volley_delivery_jobs_in_memory Recipients claimed and waiting in memory.\n"
      << "# TYPE volley_delivery_jobs_in_memory gauge\n"
      << "volley_delivery_jobs_in_memory " << m.jobs_in_memory.load() << "\n"
      << "# HELP volley_delivery_sites Destination sites known to the engine.\n"
      << "# TYPE volley_delivery_sites gauge\n"
      << "volley_delivery_sites " << m.sites().size() << "\n";
  return out.str();
}

} // namespace volley::engine
