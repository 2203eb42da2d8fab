// SiteQueue (see site_queue.hpp): per-site ready queue and connection pool.
#include "engine/site_queue.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/delivery_outcome.hpp"
#include "engine/prepared_message.hpp"
#include "engine/smtp_connection.hpp"

namespace volley::engine {
namespace {

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
    : context_(context), key_(std::move(key)), endpoints_(std::move(endpoints)), tls_(tls) {}

void SiteQueue::note_domain(const std::string& domain) {
  if (domains_.size() < 8 && std::find(domains_.begin(), domains_.end(), domain) == domains_.end())
    domains_.push_back(domain);
}

bool SiteQueue::suspended() const {
  return suspended_until_ms_ > DeliveryContext::now_ms();
}

void SiteQueue::push(DeliveryJob job) {
  if (suspended()) {
    protocol::SmtpReply reply = suspend_reply_;
    reply.text = "delivery temporarily suspended: " + reply.text;
    count_outcome(queue::OutcomeKind::deferred);
    context_.record(make_outcome(job, reply, last_failed_host_, context_.options.retry,
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
  std::size_t per_transaction =
      !jobs_.empty() && goes_alone(*jobs_.back().message) ? 1 : o.max_recipients_per_transaction;
  while (jobs_.size() > connecting() * per_transaction &&
         connections_.size() < o.max_connections_per_site &&
         context_.connections_open < o.max_connections) {
    open_connection(0);
  }
}

void SiteQueue::open_connection(std::size_t endpoint_index) {
  auto connection = std::make_shared<SmtpConnection>(context_, shared_from_this(), endpoint_index);
  connections_.insert(connection);
  ++context_.connections_open;
  context_.metrics.connections_open.store(context_.connections_open, std::memory_order_relaxed);
  connection->start();
}

std::vector<DeliveryJob> SiteQueue::take_batch() {
  std::vector<DeliveryJob> batch;
  if (jobs_.empty())
    return batch;
  batch.push_back(std::move(jobs_.front()));
  jobs_.pop_front();
  const PreparedMessage* message = batch.front().message.get();
  // A templated campaign's recipient gets its own rendering (the connection has it made), and
  // with VERP every recipient has its own envelope sender: either way, its own transaction.
  while (!goes_alone(*message) && !jobs_.empty() &&
         batch.size() < context_.options.max_recipients_per_transaction &&
         jobs_.front().message.get() == message) {
    batch.push_back(std::move(jobs_.front()));
    jobs_.pop_front();
  }
  return batch;
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
    auto outcome = make_outcome(job, reply, last_failed_host_, context_.options.retry, now);
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
  s.suspended_until_ms = suspended() ? suspended_until_ms_ : 0;
  s.last_error = last_error_;
  s.domains = domains_;
  return s;
}

} // namespace volley::engine
