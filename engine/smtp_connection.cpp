// SmtpConnection (see smtp_connection.hpp): socket, TLS and timer plumbing around the pure client
// session. All handlers run on the delivery thread and hold a shared_ptr to the connection.
#include "engine/smtp_connection.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "engine/delivery_outcome.hpp"
#include "engine/personalised_message.hpp"
#include "engine/prepared_message.hpp"
#include "engine/site_queue.hpp"

namespace volley::engine {
namespace asio = boost::asio;
using protocol::SmtpClientState;
using protocol::SmtpEventKind;
using protocol::SmtpReply;

namespace {

// One transaction for a batch: the (rendered) message of its first job, every job's recipient.
protocol::SmtpTransaction transaction_of(const std::vector<DeliveryJob>& jobs) {
  const PreparedMessage& message = *jobs.front().message;
  protocol::SmtpTransaction t;
  t.mail_from = envelope_sender(message, jobs.front().recipient.seq);
  t.data = message.data;
  t.eight_bit = message.traits.eight_bit;
  t.smtputf8 = message.traits.utf8_headers;
  t.recipients.reserve(jobs.size());
  for (const DeliveryJob& job : jobs)
    t.recipients.push_back(job.recipient.address);
  return t;
}

// Personalises (and DKIM-signs) the one recipient of a templated campaign's batch, on this thread
// (no render queue).
Result<std::shared_ptr<const PreparedMessage>> render(const DeliveryJob& job) {
  return personalise_message(*job.message, job.recipient.seq, job.recipient.vars_json);
}

} // namespace

SmtpConnection::SmtpConnection(DeliveryContext& context, std::shared_ptr<SiteQueue> site,
                               std::size_t endpoint_index)
    : context_(context), site_(std::move(site)),
      stream_(context.io, site_->tls_mode() == policy::TlsMode::verify
                              ? context.tls.verifying()
                              : context.tls.encrypt_only()),
      timer_(context.io), endpoint_index_(endpoint_index),
      endpoint_(site_->endpoints().at(endpoint_index)) {}

SmtpConnection::~SmtpConnection() = default;

protocol::SmtpClientOptions SmtpConnection::session_options() const {
  protocol::SmtpClientOptions o;
  o.helo_name = context_.options.helo_name;
  policy::TlsMode mode = site_->tls_mode();
  o.use_starttls = mode != policy::TlsMode::off;
  o.require_tls = mode == policy::TlsMode::require || mode == policy::TlsMode::verify;
  return o;
}

void SmtpConnection::start() {
  auto& socket = stream_.next_layer();
  boost::system::error_code ec;
  socket.open(endpoint_.address.is_v6() ? Tcp::v6() : Tcp::v4(), ec);
  if (!ec) {
    bool v6 = endpoint_.address.is_v6();
    boost::asio::ip::address source;
    if (const std::string& pool = site_->settings().pool; !pool.empty()) {
      // A [pool] of the rate policy: its addresses only, each with its rate and warm-up cap.
      pool_address_ = context_.source_pools.pick(pool, v6, DeliveryContext::now_ms());
      if (pool_address_)
        source = pool_address_->address;
    } else {
      source = context_.next_source_ip(v6);
    }
    if (!source.is_unspecified())
      socket.bind(Tcp::endpoint(source, 0), ec);
  }
  if (ec) {
    on_connected(ec);
    return;
  }
  socket_open_ = true;
  ++context_.metrics.connections_opened;
  timer_.expires_after(site_->settings().connect_timeout);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
    if (!e)
      self->on_timeout();
  });
  socket.async_connect(
      Tcp::endpoint(endpoint_.address, endpoint_.port),
      [self = shared_from_this()](const boost::system::error_code& e) { self->on_connected(e); });
}

void SmtpConnection::on_connected(const boost::system::error_code& ec) {
  if (finished_)
    return;
  if (ec) {
    ++context_.metrics.connections_failed;
    std::string why = ec == asio::error::operation_aborted ? "connect timed out" : ec.message();
    last_failure_ =
        SmtpReply::synthesized(451, "4.4.1", "connect to " + endpoint_.text() + " failed: " + why);
    last_failure_where_ = endpoint_.text();
    close_socket();
    site_->on_endpoint_failed(this, endpoint_index_, last_failure_, last_failure_where_);
    finish();
    return;
  }
  start_session();
}

void SmtpConnection::start_session() {
  session_ = std::make_unique<protocol::SmtpClientSession>(session_options());
  arm_timer();
  read();
}

void SmtpConnection::read() {
  if (reading_ || finished_ || handshaking_)
    return;
  reading_ = true;
  auto handler = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
    self->on_read(ec, n);
  };
  if (tls_)
    stream_.async_read_some(asio::buffer(read_buffer_), std::move(handler));
  else
    stream_.next_layer().async_read_some(asio::buffer(read_buffer_), std::move(handler));
}

void SmtpConnection::on_read(const boost::system::error_code& ec, std::size_t n) {
  reading_ = false;
  if (finished_)
    return;
  if (ec) {
    std::string why = ec == asio::error::eof ? "connection closed by the server" : ec.message();
    session_->on_connection_lost(why);
  } else {
    session_->on_bytes(std::string_view(read_buffer_.data(), n));
  }
  process_events();
  if (!finished_ && !handshaking_ && session_->state() != SmtpClientState::closed &&
      session_->state() != SmtpClientState::failed) {
    arm_timer();
    read();
  }
}

void SmtpConnection::process_events() {
  while (!finished_) {
    auto event = session_->poll_event();
    if (!event)
      break;
    switch (event->kind) {
    case SmtpEventKind::ready:
      on_ready();
      break;
    case SmtpEventKind::start_tls:
      start_tls();
      break;
    case SmtpEventKind::transaction_done:
      on_transaction_done(*event->result);
      break;
    case SmtpEventKind::failed:
      on_failed(*event);
      break;
    case SmtpEventKind::closed:
      close_socket();
      finish();
      break;
    }
  }
  if (!finished_) {
    prepare_next(); // e.g. a queued transaction the session started after an RSET
    offer_next();
  }
  flush_output();
}

void SmtpConnection::on_ready() {
  if (!ever_ready_) {
    ever_ready_ = true;
    site_->on_connection_ready(this);
    spdlog::debug("site {}: connected to {}{}", site_->key(), endpoint_.text(),
                  tls_ ? " (TLS)" : "");
  }
  while (true) {
    if (quit_requested_ || context_.stopping ||
        messages_sent_ >= site_->settings().max_messages_per_connection) {
      return_ahead();
      session_->quit();
      return;
    }
    if (!ahead_.empty()) { // taken ahead, not yet in the session: it is the current batch now
      AheadBatch batch = std::move(ahead_.front());
      ahead_.pop_front();
      current_ = std::move(batch.jobs);
      idle_ = false;
      if (batch.state == AheadState::ready) {
        send_current();
        return;
      }
      current_render_ = batch.render; // still rendering: on_rendered sends it
      arm_timer();
      return;
    }
    current_ = site_->take_batch(pool_address_.get());
    if (current_.empty()) {
      idle_ = true;
      site_->add_idle(shared_from_this());
      arm_timer();
      return;
    }
    idle_ = false;
    if (!current_.front().message->merge_template) {
      send_current();
      return;
    }
    if (context_.renderers) {
      // Rendering and DKIM signing (an RSA signature costs ~0.2 ms) run on the render queue; the
      // connection waits in its ready state, its timer armed, and sends when the result is back.
      current_render_ = start_render(current_.front());
      arm_timer();
      return;
    }
    if (use_rendering(render(current_.front())))
      return;
  }
}

std::uint64_t SmtpConnection::start_render(const DeliveryJob& job) {
  const std::uint64_t id = ++render_serial_;
  // Captures only what rendering reads (not the whole job): this runs for every message.
  context_.renderers->post([self = shared_from_this(), id, campaign = job.message,
                            seq = job.recipient.seq, vars = job.recipient.vars_json] {
    auto result = personalise_message(*campaign, seq, vars);
    asio::post(self->context_.io, [self, id, result = std::move(result)]() mutable {
      self->on_rendered(id, std::move(result));
    });
  });
  return id;
}

void SmtpConnection::on_rendered(std::uint64_t id,
                                 Result<std::shared_ptr<const PreparedMessage>> rendered) {
  if (finished_) // the job's outcome was recorded when the connection ended
    return;
  for (auto batch = ahead_.begin(); batch != ahead_.end(); ++batch) {
    if (batch->state != AheadState::rendering || batch->render != id)
      continue;
    if (!rendered) {
      bounce_unrenderable(batch->jobs.front(), rendered.error());
      ahead_.erase(batch);
    } else {
      batch->jobs.front().message = std::move(rendered.value());
      batch->state = AheadState::ready;
    }
    process_events(); // offers it to the session (or takes another after a bounce)
    return;
  }
  if (id != current_render_)
    return; // cannot happen: a render's batch stays in ahead_ or current_ until it ends
  current_render_ = 0;
  if (!use_rendering(std::move(rendered)))
    on_ready();     // that recipient bounced: the next job, or idle
  process_events(); // see wake(): send() may finish a transaction at once
}

bool SmtpConnection::use_rendering(Result<std::shared_ptr<const PreparedMessage>> rendered) {
  if (!rendered) {
    bounce_unrenderable(current_.front(), rendered.error());
    current_.clear();
    return false;
  }
  current_.front().message = std::move(rendered.value());
  send_current();
  return true;
}

void SmtpConnection::bounce_unrenderable(const DeliveryJob& job, const Error& error) {
  spdlog::warn("campaign {}: recipient {} bounced: {}", job.recipient.campaign_id,
               job.recipient.address, error.message);
  context_.record(merge_field_outcome(job, error.message, DeliveryContext::now_ms()));
}

void SmtpConnection::send_current() {
  session_->send(transaction_of(current_));
  transaction_started_ = std::chrono::steady_clock::now();
  arm_timer();
}

void SmtpConnection::prepare_next() {
  if (current_.empty() || !session_->capabilities().pipelining ||
      session_->state() != SmtpClientState::in_transaction || quit_requested_ || context_.stopping)
    return;
  if (!ahead_.empty())
    return; // refilled in groups: renders queued together finish together, and then go out
            // together (each envelope behind the previous body)
  while (ahead_.size() < kBatchesAhead &&
         messages_sent_ + 1 + ahead_.size() < site_->settings().max_messages_per_connection) {
    AheadBatch batch;
    batch.jobs = site_->take_batch(pool_address_.get());
    if (batch.jobs.empty())
      return;
    if (batch.jobs.front().message->merge_template) {
      if (context_.renderers) {
        batch.state = AheadState::rendering;
        batch.render = start_render(batch.jobs.front());
        ahead_.push_back(std::move(batch));
        continue;
      }
      auto rendered = render(batch.jobs.front());
      if (!rendered) {
        bounce_unrenderable(batch.jobs.front(), rendered.error());
        continue;
      }
      batch.jobs.front().message = std::move(rendered.value());
    }
    batch.state = AheadState::ready;
    ahead_.push_back(std::move(batch));
  }
}

void SmtpConnection::offer_next() {
  if (ahead_.empty() || ahead_.front().state != AheadState::ready || !session_->can_queue())
    return;
  session_->send(transaction_of(ahead_.front().jobs));
  ahead_.front().state = AheadState::in_session;
}

void SmtpConnection::return_ahead() {
  const std::int64_t now = DeliveryContext::now_ms();
  for (const AheadBatch& batch : ahead_) {
    for (const DeliveryJob& job : batch.jobs)
      context_.record(returned_outcome(job, now));
  }
  ahead_.clear();
}

void SmtpConnection::wake() {
  if (!idle_ || finished_)
    return;
  idle_ = false;
  on_ready();
  // send() may finish a transaction at once (SIZE, SMTPUTF8 or address refused before MAIL): its
  // events must be handled now, not when the server next speaks (it will not: it awaits us).
  process_events();
}

void SmtpConnection::quit_when_idle() {
  quit_requested_ = true;
  if (idle_ && !finished_) {
    idle_ = false;
    site_->remove_idle(this);
    session_->quit();
    flush_output();
    arm_timer();
  }
}

void SmtpConnection::on_transaction_done(const protocol::TransactionResult& result) {
  ++messages_sent_;
  DeliveryMetrics& metrics = context_.metrics;
  ++metrics.transactions;
  ++(tls_ ? metrics.transactions_tls : metrics.transactions_plain);
  metrics.transaction_duration.observe(std::chrono::steady_clock::now() - transaction_started_);
  record_results(result);
  if (take_queued_batch()) // the session went on with it
    transaction_started_ = std::chrono::steady_clock::now();
}

bool SmtpConnection::take_queued_batch() {
  if (ahead_.empty() || ahead_.front().state != AheadState::in_session)
    return false;
  current_ = std::move(ahead_.front().jobs);
  ahead_.pop_front();
  return true;
}

void SmtpConnection::record_results(const protocol::TransactionResult& result) {
  std::int64_t now = DeliveryContext::now_ms();
  const std::string mta = endpoint_.host;
  std::size_t first_failure = current_.size(); // the site's last error: one per transaction
  for (std::size_t i = 0; i < current_.size(); ++i) {
    const DeliveryJob& job = current_[i];
    SmtpReply reply = i < result.recipients.size()
                          ? result.recipients[i].reply
                          : SmtpReply::synthesized(451, "4.3.0", "no reply for this recipient");
    reply = site_->screen_reply(reply); // [[throttle]] rules may act, or make it a hard bounce
    auto outcome = make_outcome(job, reply, mta, site_->retry_for(job.domain), now);
    if (outcome.kind != queue::OutcomeKind::delivered) {
      spdlog::info("{} {}: {} via {} (site {}, campaign {}, stage {})", job.recipient.address,
                   outcome.kind == queue::OutcomeKind::deferred  ? "deferred"
                   : outcome.kind == queue::OutcomeKind::expired ? "expired"
                                                                 : "bounced",
                   reply.to_string(), endpoint_.text(), site_->key(), job.recipient.campaign_id,
                   i < result.recipients.size() ? protocol::to_string(result.recipients[i].stage)
                                                : "none");
      if (first_failure == current_.size()) {
        first_failure = i;
        site_->note_failure(reply, endpoint_.text() + " at " +
                                       (i < result.recipients.size()
                                            ? protocol::to_string(result.recipients[i].stage)
                                            : "none"));
      }
    }
    if (outcome.kind == queue::OutcomeKind::delivered) {
      const std::int64_t due = job.recipient.due_ms > 0 ? job.recipient.due_ms : job.claimed_ms;
      context_.metrics.delivery_latency.observe(std::chrono::milliseconds(now - due));
    }
    site_->count_outcome(outcome.kind);
    context_.record(std::move(outcome));
  }
  current_.clear();
}

void SmtpConnection::on_failed(const protocol::SmtpEvent& event) {
  std::string where = endpoint_.text() + " at " + protocol::to_string(event.stage);
  if (event.result && !current_.empty()) {
    record_results(*event.result);
  } else if (!current_.empty()) {
    protocol::TransactionResult synthesized;
    for (std::size_t i = 0; i < current_.size(); ++i)
      synthesized.recipients.push_back({event.failure, event.stage});
    record_results(synthesized);
  }
  if (take_queued_batch()) { // queued in the session: the event has its result
    protocol::TransactionResult queued =
        event.queued_result.value_or(protocol::TransactionResult{});
    for (std::size_t i = queued.recipients.size(); i < current_.size(); ++i)
      queued.recipients.push_back({event.failure, protocol::SmtpStage::mail});
    record_results(queued);
  }
  return_ahead(); // taken ahead but never sent: not an attempt
  close_socket();
  if (!ever_ready_) {
    ++context_.metrics.connections_failed;
    site_->on_endpoint_failed(this, endpoint_index_, event.failure, where);
  } else if (!event.failure.positive()) {
    spdlog::info("site {}: connection to {} ended: {}", site_->key(), where,
                 event.failure.to_string());
    site_->note_failure(event.failure, where);
    site_->screen_reply(event.failure);
  }
  finish();
}

void SmtpConnection::start_tls() {
  handshaking_ = true;
  // SNI carries host names only (RFC 6066 §3): a route given as an IP literal sends none.
  boost::system::error_code not_an_ip;
  asio::ip::make_address(endpoint_.host, not_an_ip);
  if (not_an_ip)
    SSL_set_tlsext_host_name(stream_.native_handle(), endpoint_.host.c_str());
  if (site_->tls_mode() == policy::TlsMode::verify)
    stream_.set_verify_callback(asio::ssl::host_name_verification(endpoint_.host));
  timer_.expires_after(site_->settings().greeting_timeout);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
    if (!e)
      self->on_timeout();
  });
  stream_.async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](
                                                              const boost::system::error_code& ec) {
    self->handshaking_ = false;
    if (self->finished_)
      return;
    if (ec) {
      self->session_->on_tls_failed("TLS handshake with " + self->endpoint_.text() +
                                    " failed: " + ec.message());
    } else {
      self->tls_ = true;
      ++self->context_.metrics.tls_sessions;
      self->session_->on_tls_established();
    }
    self->process_events();
    if (!self->finished_) {
      self->arm_timer();
      self->read();
    }
  });
}

void SmtpConnection::flush_output() {
  if (finished_ || writing_active_ || handshaking_ || !session_)
    return;
  auto more = session_->take_output();
  for (auto& piece : more)
    pending_output_.push_back(std::move(piece));
  if (pending_output_.empty())
    return;
  writing_ = std::move(pending_output_);
  pending_output_.clear();
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(writing_.size());
  for (const auto& piece : writing_)
    buffers.emplace_back(asio::buffer(piece.bytes()));
  writing_active_ = true;
  auto handler = [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
    self->on_written(ec);
  };
  if (tls_)
    asio::async_write(stream_, buffers, std::move(handler));
  else
    asio::async_write(stream_.next_layer(), buffers, std::move(handler));
}

void SmtpConnection::on_written(const boost::system::error_code& ec) {
  writing_active_ = false;
  writing_.clear();
  if (finished_)
    return;
  if (ec) {
    session_->on_connection_lost("write failed: " + ec.message());
    process_events();
    return;
  }
  flush_output();
}

std::chrono::milliseconds SmtpConnection::current_timeout() const {
  const DeliveryOptions& o = context_.options;
  switch (session_->state()) {
  case SmtpClientState::greeting:
  case SmtpClientState::ehlo:
  case SmtpClientState::helo:
  case SmtpClientState::starttls:
  case SmtpClientState::tls_handshake:
    return site_->settings().greeting_timeout;
  case SmtpClientState::ready:
    return idle_ ? o.idle_timeout : o.command_timeout;
  case SmtpClientState::in_transaction: // RFC 5321 §4.5.3.2: the final dot may take longest
    return session_->awaited_stage() == protocol::SmtpStage::dot ? site_->settings().data_timeout
                                                                 : o.command_timeout;
  default:
    return o.command_timeout;
  }
}

void SmtpConnection::arm_timer() {
  if (finished_ || !session_)
    return;
  timer_.expires_after(current_timeout());
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
    if (!e)
      self->on_timeout();
  });
}

void SmtpConnection::on_timeout() {
  if (finished_)
    return;
  // The wait may have expired just before the timer was re-armed (an idle connection woken, a new
  // command sent, in the same round of events): its handler then still runs, with no error, for
  // a deadline that no longer applies. Only a deadline that has really passed counts.
  if (timer_.expiry() > boost::asio::steady_timer::clock_type::now())
    return;
  if (!session_) {  // still connecting
    close_socket(); // the connect handler reports the failure
    return;
  }
  if (idle_) {
    spdlog::debug("site {}: {} idle for {} ms, closing", site_->key(), endpoint_.text(),
                  context_.options.idle_timeout.count());
    quit_when_idle();
    return;
  }
  session_->on_connection_lost("timed out after " + std::to_string(current_timeout().count()) +
                               " ms waiting for the server");
  process_events();
}

void SmtpConnection::abort() {
  if (finished_)
    return;
  std::int64_t now = DeliveryContext::now_ms();
  for (const DeliveryJob& job : current_)
    context_.record(returned_outcome(job, now));
  current_.clear();
  return_ahead();
  close_socket();
  finish();
}

void SmtpConnection::close_socket() {
  if (!socket_open_)
    return;
  socket_open_ = false;
  boost::system::error_code ignored;
  stream_.next_layer().shutdown(Tcp::socket::shutdown_both, ignored);
  stream_.next_layer().close(ignored);
}

void SmtpConnection::finish() {
  if (finished_)
    return;
  finished_ = true;
  timer_.cancel();
  close_socket();
  // The site may drop its reference now; keep this object alive until the call returns.
  auto self = shared_from_this();
  site_->on_connection_closed(this);
}

} // namespace volley::engine
