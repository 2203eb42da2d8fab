// SiteQueue: the ready queue and connection pool of one destination site (the MX set of one or more
// domains, or a configured route). Jobs wait here for a connection; the pool opens connections
// while there is more work than connections about to take it (up to the per-site and global
// limits), hands idle connections new work, and rests the site for site_backoff after every MX host
// failed, deferring what waits with the failure that caused it ("delivery temporarily suspended";
// a 5xx refusal of the session defers too: it is about the server, not about any recipient).
// Must never: hold a job without an eventual outcome, open more than max_connections_per_site, or
// be used off the delivery thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/delivery_context.hpp"
#include "engine/delivery_job.hpp"
#include "engine/site_endpoint.hpp"
#include "policy/delivery_config.hpp"
#include "protocol/smtp_reply.hpp"

namespace volley::engine {

class SmtpConnection;

class SiteQueue : public std::enable_shared_from_this<SiteQueue> {
public:
  SiteQueue(DeliveryContext& context, std::string key, std::vector<SiteEndpoint> endpoints,
            policy::TlsMode tls);

  const std::string& key() const { return key_; }
  const std::vector<SiteEndpoint>& endpoints() const { return endpoints_; }
  policy::TlsMode tls_mode() const { return tls_; }
  void set_endpoints(std::vector<SiteEndpoint> endpoints) { endpoints_ = std::move(endpoints); }
  void note_domain(const std::string& domain);

  void push(DeliveryJob job);
  // For a connection that is ready: the next transaction's jobs (same message, up to max) or empty.
  // A recipient of a templated campaign goes alone, still holding the campaign's message: the
  // connection has it rendered (personalised_message.hpp) before sending.
  std::vector<DeliveryJob> take_batch();
  void add_idle(const std::shared_ptr<SmtpConnection>& connection);
  void remove_idle(const SmtpConnection* connection);

  // Called by connections.
  void on_connection_ready(const SmtpConnection* connection);
  // The connection to endpoints()[index] failed before it was ready: the site tries the next
  // endpoint with a new connection, or, after the last one, rests and defers what waits.
  void on_endpoint_failed(const SmtpConnection* connection, std::size_t index,
                          const protocol::SmtpReply& reply, const std::string& where);
  void on_connection_closed(const SmtpConnection* connection);
  void count_outcome(queue::OutcomeKind kind);
  // A transaction on a working connection failed (4xx/5xx to MAIL, RCPT, DATA or the dot, or a
  // lost connection): remembered as the site's last error ("host[ip]:port at rcpt: 451 ...").
  void note_failure(const protocol::SmtpReply& reply, const std::string& where);

  // Jobs of these campaigns go back to the spool (paused/cancelled); returns how many.
  std::size_t return_campaigns(const std::set<std::uint32_t>& campaign_seqs);
  // Shutdown: every waiting job goes back; idle connections quit.
  void shutdown();
  void quit_idle_connections();
  void abort_connections();

  std::size_t queued() const { return jobs_.size(); }
  std::size_t connections() const { return connections_.size(); }
  bool finished() const { return jobs_.empty() && connections_.empty(); }
  SiteStatus status() const;

private:
  void pump();
  void open_connection(std::size_t endpoint_index);
  void on_all_endpoints_failed(const protocol::SmtpReply& reply, const std::string& where);
  void defer_all(const protocol::SmtpReply& reply);
  bool suspended() const;

  DeliveryContext& context_;
  std::string key_;
  std::vector<SiteEndpoint> endpoints_;
  policy::TlsMode tls_;
  std::deque<DeliveryJob> jobs_;
  std::unordered_set<std::shared_ptr<SmtpConnection>> connections_;
  std::vector<std::weak_ptr<SmtpConnection>> idle_;
  std::unordered_set<const SmtpConnection*> ready_; // connections past greeting/EHLO/TLS
  std::int64_t suspended_until_ms_ = 0;
  protocol::SmtpReply suspend_reply_;
  std::string last_error_;
  std::string last_failed_host_; // MX host of the last endpoint failure (bounce remote_mta)
  std::vector<std::string> domains_;
  std::uint64_t delivered_ = 0, deferred_ = 0, bounced_ = 0;
};

} // namespace volley::engine
