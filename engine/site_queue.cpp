// SiteQueue (see site_queue.hpp): per-site ready queue and connection pool.
#include "engine/site_queue.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "engine/delivery_outcome.hpp"
#include "engine/prepared_message.hpp"
#include "engine/smtp_connection.hpp"

namespace volley::engine {
namespace {

// Slow-down never goes below one message a minute.
constexpr double kMinRatePerSecond = 1.0 / 60.0;

// A recipient that needs a transaction of its own: a templated rendering or a VERP address.
bool goes_alone(const PreparedMessage& message) {
  return message.merge_template || !message.verp_domain.empty();
}

// A refusal of the whole session (connect, greeting, EHLO and HELO, STARTTLS) says nothing about
// any recipient: a 5xx there defers like a 4xx — what Postfix does for a 5xx greeting
// (smtp_skip_5xx_greeting) — keeping the server's words; the recipients bounce (softly) only when
// they expire. Never turns a site failure into a hard bounce of everything that waits.
protocol::SmtpReply as_site_deferral(const protocol::SmtpReply& reply) {
  if (!reply.permanent())
    return reply;
  std::string enhanced = reply.enhanced;
  if (!enhanced.empty())
    enhanced[0] = '4';
  return protocol::SmtpReply::synthesized(reply.code - 100, std::move(enhanced),
                                          "server refused the session: " + reply.to_string());
}

} // namespace

SiteQueue::SiteQueue(DeliveryContext& context, std::string key, std::vector<SiteEndpoint> endpoints,
                     policy::TlsMode tls)
    : context_(context), key_(std::move(key)), endpoints_(std::move(endpoints)), tls_(tls),
      wake_timer_(context.io) {
  const DeliveryOptions& o = context_.options;
  settings_.max_connections = o.max_connections_per_site;
  settings_.max_messages_per_connection = o.max_messages_per_connection;
  settings_.max_recipients_per_transaction = o.max_recipients_per_transaction;
  settings_.connect_timeout = o.connect_timeout;
  settings_.greeting_timeout = o.greeting_timeout;
  settings_.data_timeout = o.data_timeout;
  settings_.retry = o.retry;
}

void SiteQueue::note_domain(const std::string& domain, const policy::EffectivePolicy& effective) {
  if (domains_.size() < 8 && std::find(domains_.begin(), domains_.end(), domain) == domains_.end())
    domains_.push_back(domain);
  // expires_after shortens a campaign's lifetime only when the policy file sets it.
  domain_expiry_ms_.erase(domain);
  for (const policy::SettingOrigin& origin : effective.origins)
    if (origin.setting == "expires_after" && origin.layer != "[spool]")
      domain_expiry_ms_[domain] = effective.expires_after_s * 1000;
  if (effective.domain_rate) {
    const policy::MessageRate& r = *effective.domain_rate;
    auto [it, added] = domain_rates_.try_emplace(domain);
    if (added || it->second.rate() != r.per_second)
      it->second = TokenBucket(r.per_second, static_cast<double>(policy::effective_burst(r)),
                               DeliveryContext::now_ms());
  } else {
    domain_rates_.erase(domain);
  }
}

RetryPolicy SiteQueue::retry_for(const std::string& domain) const {
  RetryPolicy retry = settings_.retry;
  if (auto it = domain_expiry_ms_.find(domain); it != domain_expiry_ms_.end())
    retry.expires_after_ms = it->second;
  return retry;
}

void SiteQueue::apply_policy(const policy::EffectivePolicy& p) {
  settings_.group = p.group;
  settings_.max_connections = p.max_connections;
  settings_.max_messages_per_connection = p.max_messages_per_connection;
  settings_.max_recipients_per_transaction = p.max_recipients_per_transaction;
  settings_.connect_timeout = std::chrono::milliseconds(p.connect_timeout_ms);
  settings_.greeting_timeout = std::chrono::milliseconds(p.greeting_timeout_ms);
  settings_.data_timeout = std::chrono::milliseconds(p.data_timeout_ms);
  settings_.retry.schedule_s = p.retry_schedule_s;
  settings_.retry.expires_after_ms = 0; // per domain: retry_for()
  settings_.pool = p.pool;
  bool rate_changed = (settings_.rate.has_value() != p.site_rate.has_value()) ||
                      (p.site_rate && settings_.rate->per_second != p.site_rate->per_second);
  settings_.rate = p.site_rate;
  if (rate_changed) {
    rate_ = settings_.rate
                ? TokenBucket(settings_.rate->per_second * rate_factor_,
                              static_cast<double>(policy::effective_burst(*settings_.rate)),
                              DeliveryContext::now_ms())
                : TokenBucket();
  }
  pump();
}

bool SiteQueue::suspended() const {
  std::int64_t now = DeliveryContext::now_ms();
  return suspended_until_ms_ > now || throttled_until_ms_ > now;
}

void SiteQueue::push(DeliveryJob job) {
  if (suspended()) {
    protocol::SmtpReply reply = suspend_reply_;
    reply.text = "delivery temporarily suspended: " + reply.text;
    count_outcome(queue::OutcomeKind::deferred);
    context_.record(make_outcome(job, reply, last_failed_host_, retry_for(job.domain),
                                 DeliveryContext::now_ms()));
    return;
  }
  jobs_.push_back(std::move(job));
  while (!idle_.empty() && !jobs_.empty()) {
    auto connection = idle_.back().lock();
    idle_.pop_back();
    if (connection) {
      connection->wake();
      return;
    }
  }
  pump();
}

void SiteQueue::pump() {
  if (context_.stopping || suspended() || endpoints_.empty())
    return;
  const DeliveryOptions& o = context_.options;
  auto connecting = [&] { return connections_.size() - ready_.size(); };
  // Recipients of a templated or VERP-addressed campaign go one per transaction (take_batch).
  std::size_t per_transaction = !jobs_.empty() && goes_alone(*jobs_.back().message)
                                    ? 1
                                    : settings_.max_recipients_per_transaction;
  std::size_t limit = connection_limit();
  auto wants_one = [&] {
    return jobs_.size() > connecting() * per_transaction && connections_.size() < limit;
  };
  while (wants_one() && context_.connections_open < o.max_connections)
    open_connection(0);
  if (wants_one() && !waiting_for_a_connection_) { // all connections in use: wait for one
    waiting_for_a_connection_ = true;
    context_.sites_waiting_for_a_connection.push_back(weak_from_this());
  }
}

void SiteQueue::wake_sites_waiting_for_a_connection() {
  auto& waiting = context_.sites_waiting_for_a_connection;
  while (!waiting.empty() && context_.connections_open < context_.options.max_connections) {
    auto site = waiting.front().lock();
    waiting.pop_front();
    if (site) {
      site->waiting_for_a_connection_ = false;
      site->pump(); // opens what it may; asks again (at the back) if it still wants more
    }
  }
}

std::size_t SiteQueue::connection_limit() const {
  std::size_t limit = settings_.max_connections;
  if (rate_.limited()) {
    // A connection carries ~20 transactions a second: more would only wait for tokens.
    limit = std::min(limit, static_cast<std::size_t>(std::ceil(rate_.rate() / 20.0)) + 1);
  } else if (rate_factor_ < 1.0) {
    // slow_down on a site without a rate: fewer connections at once.
    limit = std::max<std::size_t>(
        1, static_cast<std::size_t>(static_cast<double>(limit) * rate_factor_));
  }
  return std::max<std::size_t>(1, limit);
}

void SiteQueue::open_connection(std::size_t endpoint_index) {
  auto connection = std::make_shared<SmtpConnection>(context_, shared_from_this(), endpoint_index);
  connections_.insert(connection);
  ++context_.connections_open;
  context_.metrics.connections_open.store(context_.connections_open, std::memory_order_relaxed);
  connection->start();
}

std::vector<DeliveryJob> SiteQueue::take_batch(SourceIp* source) {
  std::vector<DeliveryJob> batch;
  if (jobs_.empty() || suspended())
    return batch;
  std::int64_t now = DeliveryContext::now_ms();
  update_slow_down(now);
  std::int64_t wake_in = 0;
  std::size_t first = first_sendable(now, wake_in, source);
  if (first == jobs_.size()) {
    wake_later(wake_in);
    return batch;
  }
  take_tokens(jobs_[first], now, source);
  batch.push_back(std::move(jobs_[first]));
  jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(first));
  const PreparedMessage* message = batch.front().message.get();
  // A templated campaign's recipient gets its own rendering (the connection has it made), and
  // with VERP every recipient has its own envelope sender: either way, its own transaction.
  // Others share it with the following recipients of the same message, as the rates allow.
  while (!goes_alone(*message) && first < jobs_.size() &&
         batch.size() < settings_.max_recipients_per_transaction &&
         jobs_[first].message.get() == message && take_tokens(jobs_[first], now, source)) {
    batch.push_back(std::move(jobs_[first]));
    jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(first));
  }
  return batch;
}

std::size_t SiteQueue::first_sendable(std::int64_t now_ms, std::int64_t& wake_in_ms,
                                      SourceIp* source) {
  if (!rate_.has_token(now_ms)) {
    wake_in_ms = rate_.ms_until_token(now_ms);
    return jobs_.size();
  }
  if (source && !source->allows(now_ms, wake_in_ms))
    return jobs_.size();
  bool senders = context_.rate_policy && !context_.rate_policy->senders.empty();
  if (domain_rates_.empty() && !senders)
    return 0;
  // A domain or campaign out of tokens must not hold back the others: look further, a window at
  // a time. A window of jobs that may not go now moves behind the rest (their order among
  // themselves kept), so a rate-limited campaign with thousands of jobs at the front cannot
  // starve a later campaign (or a transactional message) in the same site.
  constexpr std::size_t kScanWindow = 256;
  wake_in_ms = 1000;
  for (std::size_t scanned = 0; scanned < jobs_.size();) {
    std::size_t window = std::min(kScanWindow, jobs_.size() - scanned);
    for (std::size_t i = 0; i < window; ++i) {
      std::int64_t wait = 0;
      auto it = domain_rates_.find(jobs_[i].domain);
      bool domain_ok = it == domain_rates_.end() || it->second.has_token(now_ms);
      if (!domain_ok)
        wait = it->second.ms_until_token(now_ms);
      else if (sender_allows(jobs_[i], now_ms, wait))
        return i;
      wake_in_ms = std::min(wake_in_ms, wait);
    }
    scanned += window;
    if (scanned < jobs_.size()) {
      for (std::size_t i = 0; i < window; ++i) {
        jobs_.push_back(std::move(jobs_.front()));
        jobs_.pop_front();
      }
    }
  }
  return jobs_.size();
}

bool SiteQueue::sender_allows(const DeliveryJob& job, std::int64_t now_ms, std::int64_t& wait_ms) {
  if (!context_.rate_policy || context_.rate_policy->senders.empty())
    return true;
  const PreparedMessage& m = *job.message;
  return context_.sender_limits.has_token(context_.rate_policy.get(), m.campaign_seq, m.campaign_id,
                                          m.tenant, now_ms, wait_ms);
}

bool SiteQueue::take_tokens(const DeliveryJob& job, std::int64_t now_ms, SourceIp* source) {
  auto it = domain_rates_.find(job.domain);
  TokenBucket* domain = it == domain_rates_.end() ? nullptr : &it->second;
  std::int64_t wait = 0;
  if (!rate_.has_token(now_ms) || (domain && !domain->has_token(now_ms)) ||
      !sender_allows(job, now_ms, wait) || (source && !source->allows(now_ms, wait)))
    return false;
  rate_.try_take(now_ms);
  if (domain)
    domain->try_take(now_ms);
  context_.sender_limits.take(job.message->campaign_seq, now_ms);
  if (source)
    source->count(now_ms);
  return true;
}

void SiteQueue::wake_later(std::int64_t delay_ms) {
  std::int64_t at = DeliveryContext::now_ms() + std::max<std::int64_t>(1, delay_ms);
  if (wake_armed_ && wake_at_ms_ <= at)
    return;
  wake_armed_ = true;
  wake_at_ms_ = at;
  wake_timer_.expires_after(std::chrono::milliseconds(at - DeliveryContext::now_ms()));
  wake_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec)
      return;
    self->wake_armed_ = false;
    self->on_wake();
  });
}

void SiteQueue::on_wake() {
  if (context_.stopping)
    return;
  // Tokens again: idle connections take work (each takes what the rates allow), then maybe more.
  auto idle = std::move(idle_);
  idle_.clear();
  for (auto& w : idle) {
    if (jobs_.empty())
      idle_.push_back(w);
    else if (auto connection = w.lock())
      connection->wake();
  }
  pump();
}

protocol::SmtpReply SiteQueue::screen_reply(const protocol::SmtpReply& reply) {
  if (reply.positive() || !context_.rate_policy)
    return reply;
  const policy::ThrottleRule* rule = policy::match_throttle(*context_.rate_policy, settings_.group,
                                                            reply.code, reply.enhanced, reply.text);
  if (!rule)
    return reply;
  if (rule->action == policy::ThrottleAction::bounce) {
    std::string enhanced = reply.enhanced.empty() ? "5.7.1" : reply.enhanced;
    enhanced[0] = '5';
    ++context_.metrics.throttle_actions;
    ++context_.metrics.throttle_bounces;
    return protocol::SmtpReply::synthesized(550, std::move(enhanced),
                                            "policy rule " + rule->name + ": " + reply.to_string());
  }
  throttle(*rule, reply);
  return reply;
}

void SiteQueue::throttle(const policy::ThrottleRule& rule, const protocol::SmtpReply& reply) {
  std::int64_t now = DeliveryContext::now_ms();
  ++context_.metrics.throttle_actions;
  ++(rule.action == policy::ThrottleAction::suspend ? context_.metrics.throttle_suspends
                                                    : context_.metrics.throttle_slow_downs);
  if (rule.action == policy::ThrottleAction::suspend) {
    bool already = throttled_until_ms_ > now;
    throttled_until_ms_ = std::max(throttled_until_ms_, now + rule.duration_ms);
    suspend_reply_ = protocol::SmtpReply::synthesized(
        reply.code >= 500 ? 451 : reply.code, reply.enhanced.empty() ? "4.7.0" : reply.enhanced,
        "suspended by rule " + rule.name + " for " + std::to_string(rule.duration_ms / 1000) +
            " s after " + reply.to_string());
    if (!suspend_reply_.enhanced.empty())
      suspend_reply_.enhanced[0] = '4';
    throttle_note_ = "suspended by rule " + rule.name;
    if (!already) {
      spdlog::warn("site {}: rule {} matched \"{}\": suspended for {} ms, deferring {} waiting "
                   "recipient(s)",
                   key_, rule.name, reply.to_string(), rule.duration_ms, jobs_.size());
    }
    defer_all(suspend_reply_);
    quit_idle_connections();
    // When the suspension ends the site takes work again by itself (new claims arrive).
    return;
  }
  // slow_down: the rate (or, without one, the connection count) times factor, for duration; a
  // match while slowed cuts again. Afterwards it recovers step by step (update_slow_down).
  if (now - last_cut_ms_ < 1000)
    return; // the replies of one burst (a batch, parallel connections) cut once
  last_cut_ms_ = now;
  double factor = std::max(rate_factor_ * rule.factor,
                           settings_.rate ? kMinRatePerSecond / settings_.rate->per_second : 0.0);
  slow_duration_ms_ = rule.duration_ms;
  slow_until_ms_ = now + rule.duration_ms;
  throttle_note_ = "slowed down by rule " + rule.name;
  spdlog::warn("site {}: rule {} matched \"{}\": rate factor {:.3f} for {} ms", key_, rule.name,
               reply.to_string(), factor, rule.duration_ms);
  set_rate_factor(factor, now);
}

void SiteQueue::update_slow_down(std::int64_t now_ms) {
  if (rate_factor_ >= 1.0 || now_ms < slow_until_ms_)
    return;
  // The condition cleared for a whole period: double back towards the configured rate.
  double factor = std::min(1.0, rate_factor_ * 2.0);
  slow_until_ms_ = now_ms + slow_duration_ms_;
  spdlog::info("site {}: recovering, rate factor {:.3f}", key_, factor);
  if (factor >= 1.0)
    throttle_note_.clear();
  set_rate_factor(factor, now_ms);
}

void SiteQueue::set_rate_factor(double factor, std::int64_t now_ms) {
  rate_factor_ = factor;
  if (settings_.rate) {
    double rate = settings_.rate->per_second * factor;
    double burst =
        std::max(1.0, static_cast<double>(policy::effective_burst(*settings_.rate)) * factor);
    rate_.set_rate(rate, burst, now_ms);
  }
}

void SiteQueue::add_idle(const std::shared_ptr<SmtpConnection>& connection) {
  idle_.push_back(connection);
}

void SiteQueue::remove_idle(const SmtpConnection* connection) {
  std::erase_if(idle_, [&](const std::weak_ptr<SmtpConnection>& w) {
    auto c = w.lock();
    return !c || c.get() == connection;
  });
}

void SiteQueue::on_connection_ready(const SmtpConnection* connection) {
  ready_.insert(connection);
  suspended_until_ms_ = 0;
}

void SiteQueue::on_endpoint_failed(const SmtpConnection* connection, std::size_t index,
                                   const protocol::SmtpReply& reply, const std::string& where) {
  last_error_ = where + ": " + reply.to_string();
  if (index < endpoints_.size())
    last_failed_host_ = endpoints_[index].host;
  if (context_.stopping)
    return;
  screen_reply(reply); // e.g. a 421 greeting that a [[throttle]] rule knows
  if (suspended() && throttled_until_ms_ > DeliveryContext::now_ms())
    return;
  if (index + 1 < endpoints_.size()) {
    spdlog::info("site {}: {} — trying the next MX host", key_, last_error_);
    open_connection(index + 1);
    return;
  }
  on_all_endpoints_failed(reply, where);
}

void SiteQueue::on_all_endpoints_failed(const protocol::SmtpReply& reply,
                                        const std::string& where) {
  // Only rest the site when no other connection is working for it.
  if (!ready_.empty())
    return;
  suspended_until_ms_ = DeliveryContext::now_ms() + context_.options.site_backoff_ms;
  suspend_reply_ = as_site_deferral(reply);
  spdlog::warn("site {}: all {} MX endpoint(s) failed, last {}: {}; resting {} ms, deferring {} "
               "waiting recipient(s)",
               key_, endpoints_.size(), where, reply.to_string(), context_.options.site_backoff_ms,
               jobs_.size());
  defer_all(suspend_reply_);
}

void SiteQueue::defer_all(const protocol::SmtpReply& reply) {
  std::int64_t now = DeliveryContext::now_ms();
  while (!jobs_.empty()) {
    DeliveryJob job = std::move(jobs_.front());
    jobs_.pop_front();
    auto outcome = make_outcome(job, reply, last_failed_host_, retry_for(job.domain), now);
    count_outcome(outcome.kind);
    context_.record(std::move(outcome));
  }
}

void SiteQueue::on_connection_closed(const SmtpConnection* connection) {
  ready_.erase(connection);
  remove_idle(connection);
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->get() == connection) {
      connections_.erase(it);
      --context_.connections_open;
      context_.metrics.connections_open.store(context_.connections_open, std::memory_order_relaxed);
      break;
    }
  }
  pump();
  wake_sites_waiting_for_a_connection();
}

void SiteQueue::note_failure(const protocol::SmtpReply& reply, const std::string& where) {
  if (!reply.positive())
    last_error_ = where + ": " + reply.to_string();
}

void SiteQueue::count_outcome(queue::OutcomeKind kind) {
  switch (kind) {
  case queue::OutcomeKind::delivered:
    ++delivered_;
    break;
  case queue::OutcomeKind::deferred:
  case queue::OutcomeKind::expired:
    ++deferred_;
    break;
  case queue::OutcomeKind::bounced_hard:
  case queue::OutcomeKind::bounced_soft:
    ++bounced_;
    break;
  default:
    break;
  }
}

std::size_t SiteQueue::return_campaigns(const std::set<std::uint32_t>& campaign_seqs) {
  std::size_t returned = 0;
  std::int64_t now = DeliveryContext::now_ms();
  std::deque<DeliveryJob> keep;
  for (DeliveryJob& job : jobs_) {
    if (campaign_seqs.count(job.recipient.campaign_seq)) {
      context_.record(returned_outcome(job, now));
      ++returned;
    } else {
      keep.push_back(std::move(job));
    }
  }
  jobs_.swap(keep);
  return returned;
}

void SiteQueue::shutdown() {
  std::int64_t now = DeliveryContext::now_ms();
  for (DeliveryJob& job : jobs_)
    context_.record(returned_outcome(job, now));
  jobs_.clear();
  quit_idle_connections();
}

void SiteQueue::quit_idle_connections() {
  auto idle = std::move(idle_);
  idle_.clear();
  for (auto& w : idle) {
    if (auto c = w.lock())
      c->quit_when_idle();
  }
}

void SiteQueue::abort_connections() {
  auto all = connections_; // abort() removes each from connections_
  for (const auto& c : all)
    c->abort();
}

SiteStatus SiteQueue::status() const {
  SiteStatus s;
  s.site = key_;
  s.tls = policy::to_string(tls_);
  s.queued = jobs_.size();
  s.connections = connections_.size();
  s.idle_connections = idle_.size();
  s.delivered = delivered_;
  s.deferred = deferred_;
  s.bounced = bounced_;
  s.suspended_until_ms = suspended() ? std::max(suspended_until_ms_, throttled_until_ms_) : 0;
  s.group = settings_.group;
  if (settings_.rate) {
    s.rate_per_second = settings_.rate->per_second;
    s.rate = settings_.rate->text.empty() ? std::to_string(settings_.rate->per_second) + "/s"
                                          : settings_.rate->text;
  }
  s.rate_factor = rate_factor_;
  // Only while the rule is in force: a suspension until its end, a slow-down until recovered.
  std::int64_t now = DeliveryContext::now_ms();
  if (throttled_until_ms_ > now)
    s.throttle = throttle_note_ + " for " + std::to_string(throttled_until_ms_ - now) + " ms more";
  else if (rate_factor_ < 1.0)
    s.throttle = throttle_note_;
  s.last_error = last_error_;
  s.domains = domains_;
  return s;
}

} // namespace volley::engine
