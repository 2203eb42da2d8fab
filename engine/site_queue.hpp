// SiteQueue: the ready queue and connection pool of one destination site (the MX set of one or more
// domains, or a configured route). Jobs wait here for a connection; the pool opens connections
// while there is more work than connections about to take it (up to the per-site and global
// limits), hands idle connections new work, and rests the site for site_backoff after every MX host
// failed, deferring what waits with the failure that caused it ("delivery temporarily suspended";
// a 5xx refusal of the session defers too: it is about the server, not about any recipient).
// Must never: hold a job without an eventual outcome, open more than max_connections_per_site, or
// be used off the delivery thread.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/delivery_context.hpp"
#include "engine/delivery_job.hpp"
#include "engine/site_endpoint.hpp"
#include "engine/token_bucket.hpp"
#include "policy/delivery_config.hpp"
#include "policy/rate_policy.hpp"
#include "protocol/smtp_reply.hpp"

namespace volley::engine {

class SmtpConnection;

// What the rate policy says for one site (resolved from its first domain and its MX hosts), with
// the [delivery] values where the policy is silent.
struct SiteSettings {
  std::string group; // provider group, "" = none
  std::size_t max_connections = 20;
  std::size_t max_messages_per_connection = 1000;
  std::size_t max_recipients_per_transaction = 50;
  std::chrono::milliseconds connect_timeout{30'000}, greeting_timeout{300'000},
      data_timeout{600'000};
  RetryPolicy retry;
  std::optional<policy::MessageRate> rate;
  std::string pool; // [pool.NAME] to send from; "" = [delivery] source_ips
};

class SiteQueue : public std::enable_shared_from_this<SiteQueue> {
public:
  SiteQueue(DeliveryContext& context, std::string key, std::vector<SiteEndpoint> endpoints,
            policy::TlsMode tls);

  const std::string& key() const { return key_; }
  const std::vector<SiteEndpoint>& endpoints() const { return endpoints_; }
  policy::TlsMode tls_mode() const { return tls_; }
  void set_endpoints(std::vector<SiteEndpoint> endpoints) { endpoints_ = std::move(endpoints); }
  // A domain routed here; its [domain] rate (if any) limits its recipients within the site.
  void note_domain(const std::string& domain, const policy::EffectivePolicy& effective);
  // The site's settings from the rate policy (at creation and after a reload).
  void apply_policy(const policy::EffectivePolicy& effective);
  const SiteSettings& settings() const { return settings_; }
  // The retry schedule and policy expiry for a recipient of this domain.
  RetryPolicy retry_for(const std::string& domain) const;
  const std::string& first_domain() const {
    static const std::string none;
    return domains_.empty() ? none : domains_.front();
  }
  // A failure reply from this site: the first [[throttle]] rule that matches acts (suspend the
  // site, slow it down, or turn the reply into a hard bounce: the reply to record is returned).
  protocol::SmtpReply screen_reply(const protocol::SmtpReply& reply);

  void push(DeliveryJob job);
  // For a connection that is ready: the next transaction's jobs (same message, up to max) or empty.
  // A recipient of a templated campaign goes alone, still holding the campaign's message: the
  // connection has it rendered (personalised_message.hpp) before sending.
  // source: the connection's pool address (its rate and warm-up cap apply), or null.
  std::vector<DeliveryJob> take_batch(SourceIp* source = nullptr);
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
  // Lets sites that wait for a free connection (max_connections reached) open one, in turn.
  void wake_sites_waiting_for_a_connection();
  std::size_t connection_limit() const;
  void open_connection(std::size_t endpoint_index);
  // Index of the first waiting job whose rate limits allow it now; jobs_.size() if none (then
  // wake_in is when to look again).
  std::size_t first_sendable(std::int64_t now_ms, std::int64_t& wake_in_ms, SourceIp* source);
  bool sender_allows(const DeliveryJob& job, std::int64_t now_ms, std::int64_t& wait_ms);
  bool take_tokens(const DeliveryJob& job, std::int64_t now_ms, SourceIp* source);
  void wake_later(std::int64_t delay_ms);
  void on_wake();
  void throttle(const policy::ThrottleRule& rule, const protocol::SmtpReply& reply);
  void update_slow_down(std::int64_t now_ms);
  void set_rate_factor(double factor, std::int64_t now_ms);
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
  SiteSettings settings_;
  TokenBucket rate_;
  std::unordered_map<std::string, TokenBucket> domain_rates_;
  std::unordered_map<std::string, std::int64_t> domain_expiry_ms_; // policy expires_after
  double rate_factor_ = 1.0;       // < 1 while a slow_down rule is in force
  std::int64_t slow_until_ms_ = 0; // then the factor doubles back towards 1
  std::int64_t slow_duration_ms_ = 0;
  std::int64_t last_cut_ms_ = -1'000'000;
  std::int64_t throttled_until_ms_ = 0; // a suspend rule: no sending until then
  std::string throttle_note_;           // the last rule that acted, for /v1/queues
  boost::asio::steady_timer wake_timer_;
  bool wake_armed_ = false;
  bool waiting_for_a_connection_ = false; // in context_.sites_waiting_for_a_connection
  std::int64_t wake_at_ms_ = 0;
  std::int64_t suspended_until_ms_ = 0;
  protocol::SmtpReply suspend_reply_;
  std::string last_error_;
  std::string last_failed_host_; // MX host of the last endpoint failure (bounce remote_mta)
  std::vector<std::string> domains_;
  std::uint64_t delivered_ = 0, deferred_ = 0, bounced_ = 0;
};

} // namespace volley::engine
