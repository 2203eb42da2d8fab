// volleyd's run loop: opens the spool, loads the token, starts the control server and the SMTP
// listeners (bounces, submission) and waits for a stop signal. Never leaves a request unanswered at
// shutdown: listeners stop first, then the spool drains, then the io threads end.
#include "engine/daemon.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <filesystem>
#include <memory>
#include <thread>
#include <unistd.h>
#include <vector>

#include "engine/bounce_intake.hpp"
#include "engine/bounce_listener.hpp"
#include "engine/control_api.hpp"
#include "engine/control_server.hpp"
#include "engine/control_token.hpp"
#include "engine/delivery_event_loop.hpp"
#include "engine/delivery_scheduler.hpp"
#include "engine/event_pipeline.hpp"
#include "engine/rate_policy_reloader.hpp"
#include "engine/secret_file.hpp"
#include "engine/submission_intake.hpp"
#include "engine/submission_listener.hpp"
#include "queue/spool.hpp"

namespace volley::engine {
namespace {

queue::SpoolOptions spool_options(const policy::DaemonConfig& config) {
  queue::SpoolOptions o;
  o.dir = config.spool.path;
  o.initial_map_bytes = config.spool.initial_size;
  o.max_map_bytes = config.spool.max_size;
  o.max_requests_per_commit = config.spool.max_batch;
  o.durable = config.spool.durable;
  o.default_expires_after_s = config.spool.expires_after_s;
  o.soft_bounce_limit = static_cast<std::uint32_t>(config.bounces.soft_bounce_limit);
  o.soft_bounce_window_s = config.bounces.soft_bounce_window_s;
  return o;
}

ControlApiOptions api_options(const policy::DaemonConfig& config) {
  ControlApiOptions o;
  o.limits.max_message_bytes = config.limits.max_message_size;
  o.limits.max_vars_bytes = config.limits.max_vars_size;
  o.limits.max_inline_recipients = config.limits.max_inline_recipients;
  o.max_line_bytes = config.control.max_line_size;
  return o;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0')
    return "localhost";
  return name;
}

// The VERP key from verp.secret_file (generated at first start) and the [headers] settings.
std::shared_ptr<const SenderIdentity> sender_identity(const policy::DaemonConfig& config,
                                                      const std::string& helo_name) {
  SecretFile secret = load_or_create_secret_file(config.verp.secret_file, "VERP secret");
  if (secret.generated)
    spdlog::info("generated VERP secret in {} (mode 0600)", config.verp.secret_file);
  auto key = protocol::VerpKey::from_secret(secret.value);
  if (!key) {
    throw std::runtime_error("VERP secret file " + config.verp.secret_file + ": " +
                             key.error().message);
  }
  if (config.verp.enabled) {
    spdlog::info("VERP envelope senders: {}-<token>@{}", config.verp.prefix,
                 config.verp.bounce_domain.empty() ? "<sender domain>" : config.verp.bounce_domain);
  }
  return std::make_shared<const SenderIdentity>(config.verp, config.headers, std::move(key.value()),
                                                helo_name);
}

DeliveryOptions delivery_options(const policy::DaemonConfig& config,
                                 std::shared_ptr<const SenderIdentity> identity) {
  const policy::DeliveryConfig& c = config.delivery;
  const std::vector<policy::DkimDomainConfig>& dkim = config.dkim;
  DeliveryOptions o;
  o.helo_name = c.helo_name.empty() ? host_name() : c.helo_name;
  o.smtp_port = c.smtp_port;
  o.max_connections = c.max_connections;
  o.max_connections_per_site = c.max_connections_per_site;
  o.max_messages_per_connection = c.max_messages_per_connection;
  o.max_recipients_per_transaction = c.max_recipients_per_transaction;
  o.connect_timeout = std::chrono::milliseconds(c.connect_timeout_ms);
  o.greeting_timeout = std::chrono::milliseconds(c.greeting_timeout_ms);
  o.command_timeout = std::chrono::milliseconds(c.command_timeout_ms);
  o.data_timeout = std::chrono::milliseconds(c.data_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.idle_timeout_ms);
  o.site_backoff_ms = c.site_backoff_ms;
  o.retry.schedule_s = c.retry_schedule_s;
  for (const auto& ip : c.source_ips)
    o.source_ips.push_back(boost::asio::ip::make_address(ip));
  o.claim_batch = c.claim_batch;
  o.max_queued_in_memory = c.max_queued_in_memory;
  o.render_threads = c.render_threads;
  if (!dkim.empty())
    o.dkim = std::make_shared<const DkimMessageSigner>(dkim);
  o.identity = std::move(identity);
  o.expires_after_s = config.spool.expires_after_s;
  return o;
}

void log_dkim_domains(const std::vector<policy::DkimDomainConfig>& domains) {
  for (const policy::DkimDomainConfig& domain : domains) {
    std::string keys;
    for (const policy::DkimSignatureConfig& signature : domain.signatures) {
      keys += (keys.empty() ? "" : ", ") +
              std::string(protocol::dkim_algorithm_name(signature.key->algorithm())) +
              " s=" + signature.selector;
    }
    spdlog::info("DKIM signing mail from {}: {}", domain.pattern, keys);
  }
}

DnsOptions dns_options(const policy::DnsConfig& c) {
  DnsOptions o;
  o.servers = c.servers;
  o.timeout = std::chrono::milliseconds(c.timeout_ms);
  o.tries = static_cast<int>(c.tries);
  o.min_ttl = std::chrono::seconds(c.min_ttl_s);
  o.max_ttl = std::chrono::seconds(c.max_ttl_s);
  o.negative_ttl = std::chrono::seconds(c.negative_ttl_s);
  o.failure_ttl = std::chrono::seconds(c.failure_ttl_s);
  return o;
}

// The delivery engine on its own io_context thread.
class DeliveryRunner {
public:
  DeliveryRunner(const policy::DaemonConfig& config, queue::Spool& spool,
                 std::shared_ptr<const policy::RatePolicy> rate_policy,
                 std::shared_ptr<const SenderIdentity> identity)
      : work_(boost::asio::make_work_guard(io_)),
        scheduler_(io_, spool, config.delivery,
                   with_policy(delivery_options(config, std::move(identity)), rate_policy),
                   dns_options(config.dns), metrics_) {}
  static DeliveryOptions with_policy(DeliveryOptions options,
                                     std::shared_ptr<const policy::RatePolicy> policy) {
    options.rate_policy = std::move(policy);
    return options;
  }
  DeliveryScheduler& scheduler() { return scheduler_; }
  void start() {
    scheduler_.start();
    thread_ = std::thread([this] { run_delivery_event_loop(io_, &scheduler_.renderers()); });
  }
  // Calls done (on the delivery thread) once every claimed recipient has its outcome committed.
  void stop(std::function<void()> done) {
    scheduler_.stop([this, done = std::move(done)] {
      work_.reset();
      io_.stop();
      done();
    });
  }
  void join() {
    if (thread_.joinable())
      thread_.join();
  }
  const DeliveryMetrics& metrics() const { return metrics_; }
  const std::string& helo_name() const { return scheduler_.options().helo_name; }

private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  DeliveryMetrics metrics_;
  DeliveryScheduler scheduler_;
  std::thread thread_;
};

} // namespace

void run_daemon(const policy::DaemonConfig& config,
                const std::function<void(const DaemonStarted&)>& on_ready) {
  std::filesystem::create_directories(config.spool.path);
  auto spool = queue::Spool::open(spool_options(config));
  auto stats = spool->stats();
  spdlog::info("spool open at {} (map {} MiB, {} MiB used, max {} MiB, durable={})",
               config.spool.path, stats.map_bytes >> 20, stats.used_bytes >> 20,
               config.spool.max_size >> 20, config.spool.durable);

  std::string token;
  if (!config.control.listen.empty()) {
    auto loaded = load_or_create_control_token(config.control.token_file);
    token = loaded.value;
    if (loaded.generated) {
      spdlog::info("generated control token in {} (mode 0600)", config.control.token_file);
    }
  }

  boost::asio::io_context io(static_cast<int>(config.control.threads));
  // Who we send as (VERP key, header settings): delivery signs with it, bounce intake verifies.
  std::string helo = config.delivery.helo_name.empty() ? host_name() : config.delivery.helo_name;
  auto identity = sender_identity(config, helo);
  BounceIntake bounce_intake(*spool, identity);
  std::unique_ptr<BounceListener> bounce_listener;
  if (!config.bounces.listen.empty()) {
    BounceListenerOptions listener_options;
    listener_options.listen = config.bounces.listen;
    listener_options.hostname = helo;
    listener_options.max_message_size = config.bounces.max_message_size;
    listener_options.max_messages_per_minute =
        static_cast<std::uint32_t>(config.bounces.max_messages_per_minute);
    bounce_listener = std::make_unique<BounceListener>(listener_options, bounce_intake);
    bounce_listener->start();
  }

  // SMTP submission for CRMs ([submission]): messages become transactional messages.
  SubmissionIntake submission_intake(*spool,
                                     {config.submission.return_path, config.submission.tags});
  std::unique_ptr<SubmissionListener> submission_listener;
  if (!config.submission.listen.empty()) {
    submission_listener =
        std::make_unique<SubmissionListener>(config.submission, helo, submission_intake);
    submission_listener->start();
  }

  ControlApi api(*spool, api_options(config));
  api.set_bounce_intake(&bounce_intake);
  EventPipeline events(config.events);       // event log + CRM webhook ([events])
  bounce_intake.set_event_log(events.log()); // DSN, ARF and unsubscribe events
  api.set_event_metrics(&events.metrics());
  ControlServerOptions server_options;
  server_options.listen = config.control.listen;
  server_options.unix_socket = config.control.socket;
  server_options.token = token;
  server_options.limits.max_request_bytes = config.control.max_request_size;
  ControlServer server(io, api, server_options);
  server.start();

  // The rate policy: checked before anything is sent; reloaded by the API and SIGHUP.
  RatePolicyReloader policy_reloader(config.policy_file);
  auto rate_policy = policy_reloader.load_initial();
  api.set_policy_reload([&policy_reloader] { return policy_reloader.reload(); });

  std::unique_ptr<DeliveryRunner> delivery;
  if (config.delivery.enabled) {
    delivery = std::make_unique<DeliveryRunner>(config, *spool, rate_policy, identity);
    policy_reloader.on_reload([runner = delivery.get()](auto policy) {
      runner->scheduler().set_rate_policy(std::move(policy));
    });
    api.set_delivery_metrics(&delivery->metrics());
    delivery->scheduler().set_event_log(events.log());
    delivery->start();
    spdlog::info("delivery engine started: {} route(s), {} DNS server(s) ({}), helo {}",
                 config.delivery.routes.size(), config.dns.servers.size(),
                 config.dns.servers.empty() ? "system resolver" : "configured",
                 delivery->helo_name());
    log_dkim_domains(config.dkim);
  } else {
    spdlog::info("delivery is off ([delivery] enabled = false): recipients are only stored");
  }

  boost::asio::signal_set reload_signal(io, SIGHUP);
  std::function<void()> wait_for_sighup = [&] {
    reload_signal.async_wait([&](boost::system::error_code ec, int) {
      if (ec)
        return;
      spdlog::info("SIGHUP: reloading the rate policy");
      (void)policy_reloader.reload(); // logs the outcome; the old policy stays on error
      wait_for_sighup();
    });
  };
  wait_for_sighup();
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int signal_number) {
    if (ec)
      return;
    spdlog::info("signal {} received: stopping (listeners first, then the spool drains)",
                 signal_number);
    server.stop();
    reload_signal.cancel();
    if (bounce_listener)
      bounce_listener->stop();
    if (submission_listener)
      submission_listener->stop(); // messages being committed get their answer first
    if (!delivery) {
      io.stop();
      return;
    }
    delivery->stop([&io] { boost::asio::post(io, [&io] { io.stop(); }); });
  });

  DaemonStarted started{server.tcp_port()};
  spdlog::info("volleyd ready: control http://{} (token file {}), socket {}",
               config.control.listen.empty() ? std::string("off") : config.control.listen,
               config.control.token_file,
               config.control.socket.empty() ? std::string("off") : config.control.socket);
  if (on_ready)
    on_ready(started);

  std::vector<std::thread> threads;
  for (std::uint64_t i = 1; i < config.control.threads; ++i)
    threads.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : threads)
    t.join();
  if (delivery)
    delivery->join();
  if (bounce_listener)
    bounce_listener->stop(); // no more reports: nothing emits into the event log after this
  if (submission_listener)
    submission_listener->stop(); // nothing writes into the spool after this
  events.stop(); // every committed outcome's event is written; the webhook cursor keeps its place
  spool->stop();
  spdlog::info("volleyd stopped; spool closed cleanly");
}

} // namespace volley::engine
