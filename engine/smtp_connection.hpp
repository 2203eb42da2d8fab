// SmtpConnection: one outgoing SMTP connection of a site's pool, to one endpoint (the site opens
// the next one in MX order when this one fails before it was ready: connect failure, timeout, a
// refusing greeting, TLS required but unavailable). Binds a source address if configured, drives a
// protocol::SmtpClientSession with Asio (STARTTLS with OpenSSL, per-state timeouts), takes
// transactions from its SiteQueue until max_messages_per_connection or no work for idle_timeout,
// then QUITs. Every recipient it took gets exactly one outcome via the context. Must never: block,
// read or write after close, or lose a job (on abort they return to the spool).
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "engine/delivery_context.hpp"
#include "engine/delivery_job.hpp"
#include "engine/site_endpoint.hpp"
#include "protocol/smtp_client_session.hpp"

namespace volley::engine {

class SiteQueue;

class SmtpConnection : public std::enable_shared_from_this<SmtpConnection> {
public:
  SmtpConnection(DeliveryContext& context, std::shared_ptr<SiteQueue> site,
                 std::size_t endpoint_index);
  ~SmtpConnection();

  void start();
  // The site has work again (this connection was idle).
  void wake();
  // Finish the current transaction (if any), then QUIT.
  void quit_when_idle();
  // Shutdown grace ran out: close now; jobs in progress go back to the spool without an attempt.
  void abort();

private:
  using Tcp = boost::asio::ip::tcp;
  void on_connected(const boost::system::error_code& ec);
  void start_session();
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void process_events();
  void on_ready();
  // Renders job (one recipient of a templated campaign) on the render queue; on_rendered gets the
  // result with the returned id.
  std::uint64_t start_render(const DeliveryJob& job);
  void on_rendered(std::uint64_t id, Result<std::shared_ptr<const PreparedMessage>> rendered);
  // Sends the rendering (true), or records the recipient as bounced and clears current_ (false).
  bool use_rendering(Result<std::shared_ptr<const PreparedMessage>> rendered);
  // A recipient whose merge fields cannot be rendered bounces (logged, recorded).
  void bounce_unrenderable(const DeliveryJob& job, const Error& error);
  void send_current();
  // With PIPELINING, while current_ is in flight: takes the next batches (kBatchesAhead, refilled
  // as a group once all are used, so their renders finish together) and renders them, then hands
  // the first to the session, which writes its envelope right behind current_'s body (one write
  // and one round trip per message instead of two).
  void prepare_next();
  void offer_next();
  void return_ahead(); // batches taken ahead and never sent: back to the spool, not an attempt
  // The batch the session had queued becomes current_ (its results come next); false if none.
  bool take_queued_batch();
  void on_transaction_done(const protocol::TransactionResult& result);
  void on_failed(const protocol::SmtpEvent& event);
  void start_tls();
  void flush_output();
  void on_written(const boost::system::error_code& ec);
  void arm_timer();
  void on_timeout();
  void record_results(const protocol::TransactionResult& result);
  void close_socket();
  void finish();
  protocol::SmtpClientOptions session_options() const;
  std::chrono::milliseconds current_timeout() const;

  DeliveryContext& context_;
  std::shared_ptr<SiteQueue> site_;
  boost::asio::ssl::stream<Tcp::socket> stream_;
  boost::asio::steady_timer timer_;
  std::size_t endpoint_index_;
  SiteEndpoint endpoint_;
  std::unique_ptr<protocol::SmtpClientSession> session_;
  std::array<char, 16384> read_buffer_{};
  std::vector<protocol::SmtpOutput> writing_;
  std::vector<protocol::SmtpOutput> pending_output_;
  std::vector<DeliveryJob> current_; // jobs of the transaction in progress
  // Batches behind current_, in order: being rendered, rendered, or (the first only) handed to the
  // session, which has it queued.
  enum class AheadState : std::uint8_t { rendering, ready, in_session };
  struct AheadBatch {
    std::vector<DeliveryJob> jobs;
    AheadState state = AheadState::ready;
    std::uint64_t render = 0; // its render's id while rendering
  };
  static constexpr std::size_t kBatchesAhead = 2;
  std::deque<AheadBatch> ahead_;
  std::uint64_t render_serial_ = 0;        // the last render's id
  std::uint64_t current_render_ = 0;       // the render current_ waits for (0 = none)
  std::shared_ptr<SourceIp> pool_address_; // bound [pool] address, if the site has a pool
  protocol::SmtpReply last_failure_;
  std::string last_failure_where_;
  std::size_t messages_sent_ = 0;
  std::chrono::steady_clock::time_point transaction_started_{}; // of the transaction in current_
  bool tls_ = false;
  bool handshaking_ = false;
  bool reading_ = false;
  bool writing_active_ = false;
  bool ever_ready_ = false;
  bool idle_ = false;
  bool quit_requested_ = false;
  bool finished_ = false;
  bool socket_open_ = false;
};

} // namespace volley::engine
