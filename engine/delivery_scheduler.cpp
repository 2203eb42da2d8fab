// DeliveryScheduler (see delivery_scheduler.hpp).
#include "engine/delivery_scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <set>
#include <thread>

#include "engine/outcome_events.hpp"
#include "engine/prepared_message.hpp"
#include "protocol/address.hpp"

namespace volley::engine {
namespace {

constexpr auto kIdlePoll = std::chrono::milliseconds(200);
constexpr auto kTickPeriod = std::chrono::milliseconds(500);
constexpr std::size_t kOutcomeBatch = 1024;
constexpr auto kOutcomeDelay = std::chrono::milliseconds(10);
constexpr std::size_t kMessageCacheBytes = 256u << 20;

std::string lower_domain(const std::string& address) {
  auto at = address.rfind('@');
  std::string domain = at == std::string::npos ? std::string() : address.substr(at + 1);
  for (char& c : domain)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return domain;
}

} // namespace

DeliveryScheduler::DeliveryScheduler(boost::asio::io_context& io, queue::Spool& spool,
                                     const policy::DeliveryConfig& config, DeliveryOptions options,
                                     DnsOptions dns, DeliveryMetrics& metrics)
    : io_(io), spool_(spool), metrics_(metrics),
      tls_(config.tls_ca_file), context_{io, std::move(options), tls_, metrics_, {}},
      resolver_(io, std::move(dns)),
      router_(context_, resolver_, config.routes, config.tls_domains, config.tls),
      batcher_(io, spool, kOutcomeBatch, kOutcomeDelay),
      messages_(spool, kMessageCacheBytes, context_.options.dkim, context_.options.identity),
      claim_timer_(io), tick_timer_(io), grace_timer_(io) {
  context_.record = [this](queue::DeliveryOutcome o) { on_outcome(std::move(o)); };
  context_.rate_policy = context_.options.rate_policy;
  context_.source_pools.rebuild(context_.rate_policy.get(), DeliveryContext::now_ms());
  context_.delivery_config = config;
  context_.expires_after_s = context_.options.expires_after_s;
  std::size_t threads = context_.options.render_threads;
  if (threads == 0) // one per core, the delivery thread (which renders between events) included
    threads = std::max(2u, std::thread::hardware_concurrency()) - 1;
  renderers_ = std::make_unique<RenderQueue>(threads);
  context_.renderers = renderers_.get();
  batcher_.on_committed([this](const std::vector<queue::DeliveryOutcome>& batch) {
    if (events_)
      events_->committed(batch);
  });
  batcher_.on_commit([this] {
    if (stopping_)
      check_stopped();
  });
}

DeliveryScheduler::~DeliveryScheduler() {
  // Tasks still queued are dropped; running ones finish (their results are never handled).
  renderers_.reset();
}

void DeliveryScheduler::set_event_log(EventLog* log) {
  events_ = log && log->wants_any() ? std::make_unique<OutcomeEvents>(*log) : nullptr;
}

void DeliveryScheduler::set_rate_policy(std::shared_ptr<const policy::RatePolicy> policy) {
  boost::asio::post(io_, [this, policy = std::move(policy)]() mutable {
    context_.rate_policy = std::move(policy);
    context_.sender_limits.reset();
    context_.source_pools.rebuild(context_.rate_policy.get(), DeliveryContext::now_ms());
    router_.apply_policy();
  });
}

void DeliveryScheduler::start() {
  boost::asio::post(io_, [this] {
    claim();
    tick();
  });
}

void DeliveryScheduler::schedule_claim(std::chrono::milliseconds delay) {
  if (claim_scheduled_ || stopping_)
    return;
  claim_scheduled_ = true;
  claim_timer_.expires_after(delay);
  claim_timer_.async_wait([this](const boost::system::error_code& ec) {
    claim_scheduled_ = false;
    if (!ec)
      claim();
  });
}

void DeliveryScheduler::claim() {
  if (claim_pending_ || stopping_)
    return;
  std::size_t max_mem = context_.options.max_queued_in_memory;
  if (jobs_in_memory_ >= max_mem)
    return; // on_outcome() claims again when there is room
  std::size_t want = std::min(context_.options.claim_batch, max_mem - jobs_in_memory_);
  claim_pending_ = true;
  spool_.claim_due(DeliveryContext::now_ms(), want,
                   [this, want](Result<std::vector<queue::ClaimedRecipient>> result) {
                     bool ok = result.ok();
                     std::vector<queue::ClaimedRecipient> claimed;
                     if (ok)
                       claimed = std::move(result.value());
                     else
                       spdlog::error("claiming due recipients failed: {}", result.error().message);
                     boost::asio::post(io_, [this, want, claimed = std::move(claimed)]() mutable {
                       claim_pending_ = false;
                       bool full = claimed.size() == want;
                       nothing_due_ = !full;
                       on_claimed(std::move(claimed));
                       if (full)
                         claim();
                       else
                         schedule_claim(kIdlePoll);
                     });
                   });
}

void DeliveryScheduler::on_claimed(std::vector<queue::ClaimedRecipient> claimed) {
  jobs_in_memory_ += claimed.size();
  metrics_.claimed += claimed.size();
  metrics_.jobs_in_memory.store(jobs_in_memory_, std::memory_order_relaxed);
  std::int64_t now = DeliveryContext::now_ms();
  for (auto& recipient : claimed)
    dispatch(std::move(recipient), now);
}

void DeliveryScheduler::dispatch(queue::ClaimedRecipient recipient, std::int64_t now_ms) {
  if (events_)
    events_->track(recipient);
  DeliveryJob job;
  job.claimed_ms = now_ms;
  job.domain = lower_domain(recipient.address);
  job.message = messages_.get(recipient.campaign_seq, recipient.campaign_id);
  job.recipient = std::move(recipient);
  if (stopping_ || !job.message) {
    on_outcome(returned_outcome(job, now_ms));
    return;
  }
  auto state = messages_.state(job.recipient.campaign_seq);
  if (state && *state != queue::CampaignState::active) {
    on_outcome(returned_outcome(job, now_ms));
    return;
  }
  auto mailbox = protocol::parse_mailbox(job.recipient.address);
  if (mailbox && spool_.suppression(mailbox->canonical())) {
    on_outcome(suppressed_outcome(job));
    return;
  }
  router_.route(std::move(job));
}

void DeliveryScheduler::on_outcome(queue::DeliveryOutcome outcome) {
  switch (outcome.kind) {
  case queue::OutcomeKind::delivered:
    ++metrics_.delivered;
    break;
  case queue::OutcomeKind::deferred:
    ++metrics_.deferred;
    break;
  case queue::OutcomeKind::bounced_hard:
  case queue::OutcomeKind::bounced_soft:
    ++metrics_.bounced;
    if (outcome.bounce)
      metrics_.bounces.count(outcome.bounce->kind, outcome.bounce->reason);
    break;
  case queue::OutcomeKind::expired:
    ++metrics_.expired;
    break;
  case queue::OutcomeKind::suppressed:
    ++metrics_.suppressed;
    break;
  case queue::OutcomeKind::returned:
    ++metrics_.returned;
    break;
  }
  batcher_.add(std::move(outcome));
  if (jobs_in_memory_ > 0)
    --jobs_in_memory_;
  metrics_.jobs_in_memory.store(jobs_in_memory_, std::memory_order_relaxed);
  if (!claim_pending_ && !stopping_ && !nothing_due_ &&
      jobs_in_memory_ + context_.options.claim_batch <= context_.options.max_queued_in_memory) {
    claim();
  }
}

void DeliveryScheduler::tick() {
  if (stopping_)
    return;
  auto inactive = messages_.refresh_states();
  if (!inactive.empty()) {
    std::set<std::uint32_t> seqs(inactive.begin(), inactive.end());
    std::size_t n = router_.return_campaigns(seqs);
    if (n > 0)
      spdlog::info("{} waiting recipient(s) of paused/cancelled campaigns returned to the spool",
                   n);
  }
  router_.expire(DeliveryContext::now_ms());
  metrics_.publish(router_.status());
  tick_timer_.expires_after(kTickPeriod);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec)
      tick();
  });
}

void DeliveryScheduler::stop(std::function<void()> done) {
  boost::asio::post(io_, [this, done = std::move(done)]() mutable {
    on_stopped_ = std::move(done);
    begin_stop();
  });
}

void DeliveryScheduler::begin_stop() {
  stopping_ = true;
  context_.stopping = true;
  claim_timer_.cancel();
  tick_timer_.cancel();
  router_.shutdown();
  resolver_.stop();
  spdlog::info("delivery stopping: waiting recipients returned to the spool; transactions in "
               "progress get {} ms to finish",
               context_.options.shutdown_grace.count());
  grace_timer_.expires_after(context_.options.shutdown_grace);
  grace_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec)
      return;
    router_.abort_connections();
    check_stopped();
  });
  check_stopped();
}

void DeliveryScheduler::check_stopped() {
  if (!stopping_ || !on_stopped_)
    return;
  if (claim_pending_ || !router_.idle()) {
    // Connections finishing or a claim answer outstanding: look again shortly.
    claim_timer_.expires_after(std::chrono::milliseconds(20));
    claim_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec)
        check_stopped();
    });
    return;
  }
  batcher_.flush();
  if (!batcher_.drained())
    return; // the commit callback calls check_stopped again
  grace_timer_.cancel();
  metrics_.publish(router_.status());
  auto done = std::move(on_stopped_);
  on_stopped_ = nullptr;
  done();
}

} // namespace volley::engine
