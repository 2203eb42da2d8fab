// DeliveryScheduler: the delivery engine's main loop on its own io_context thread. Claims due
// recipients from the spool (claim_due, bounded by max_queued_in_memory), checks suppression and
// campaign state at send time, hands jobs to the DestinationRouter (→ per-site queues and
// connection pools) and writes every outcome back through the OutcomeBatcher. Twice a second it
// re-reads the state of campaigns in memory (pause/cancel take effect within a second: waiting jobs
// go back to the spool), publishes per-site status for GET /v1/queues and forgets idle sites.
// stop(): no more claims; waiting jobs return to the spool; transactions in progress get
// shutdown_grace to finish (then their connections close and the jobs return); the last outcome
// batch is committed before done() runs. Must never: lose a claimed recipient, block its thread, or
// run anything on another thread (spool callbacks are posted back).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>

#include "engine/delivery_context.hpp"
#include "engine/destination_router.hpp"
#include "engine/mx_resolver.hpp"
#include "engine/outcome_batcher.hpp"
#include "engine/prepared_message_cache.hpp"
#include "engine/render_queue.hpp"
#include "policy/delivery_config.hpp"
#include "queue/spool.hpp"

namespace volley::engine {

class EventLog;
class OutcomeEvents;

class DeliveryScheduler {
public:
  DeliveryScheduler(boost::asio::io_context& io, queue::Spool& spool,
                    const policy::DeliveryConfig& config, DeliveryOptions options, DnsOptions dns,
                    DeliveryMetrics& metrics);
  ~DeliveryScheduler();

  void start();                          // call on any thread before io.run()
  void stop(std::function<void()> done); // posts onto the delivery thread
  const DeliveryOptions& options() const { return context_.options; } // fixed after construction
  // The render threads' queue (the delivery thread's event loop takes from it too).
  RenderQueue& renderers() { return *renderers_; }
  // Any thread: the new rate policy takes effect on the delivery thread (sites re-resolved).
  void set_rate_policy(std::shared_ptr<const policy::RatePolicy> policy);
  // Before start(): committed outcomes become events in log (null = no events).
  void set_event_log(EventLog* log);

private:
  void claim();
  void on_claimed(std::vector<queue::ClaimedRecipient> claimed);
  void dispatch(queue::ClaimedRecipient recipient, std::int64_t now_ms);
  void on_outcome(queue::DeliveryOutcome outcome);
  void schedule_claim(std::chrono::milliseconds delay);
  void tick();
  void begin_stop();
  void check_stopped();

  boost::asio::io_context& io_;
  queue::Spool& spool_;
  DeliveryMetrics& metrics_;
  TlsClientContexts tls_;
  DeliveryContext context_;
  MxResolver resolver_;
  DestinationRouter router_;
  OutcomeBatcher batcher_;
  PreparedMessageCache messages_;
  std::unique_ptr<OutcomeEvents> events_; // committed outcomes -> event log (null = none)
  // Declared after everything its tasks reach (context_, the io_context): joined first.
  std::unique_ptr<RenderQueue> renderers_;
  boost::asio::steady_timer claim_timer_;
  boost::asio::steady_timer tick_timer_;
  boost::asio::steady_timer grace_timer_;
  bool claim_pending_ = false;
  bool claim_scheduled_ = false;
  // The last claim got fewer recipients than it asked for: nothing more is due now, so outcomes do
  // not claim again (each claim is a spool write transaction with an fsync); the idle poll does.
  bool nothing_due_ = false;
  std::size_t jobs_in_memory_ = 0;
  bool stopping_ = false;
  std::function<void()> on_stopped_;
};

} // namespace volley::engine
