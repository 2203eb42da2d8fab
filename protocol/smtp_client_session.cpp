// SmtpClientSession, connection part (see smtp_client_session.hpp): input dispatch, greeting,
// EHLO/HELO, STARTTLS, RSET, QUIT, failure and output. The transaction part (MAIL/RCPT/DATA) lives
// in smtp_client_session_transaction.cpp.
// Must never: throw on server input, emit more than one failed or closed event, act on bytes after
// failing or closing, or accept plaintext bytes between a 220 to STARTTLS and the TLS handshake.
#include "protocol/smtp_client_session.hpp"

#include <stdexcept>
#include <utility>

namespace volley::protocol {
namespace {

bool finished(SmtpClientState state) {
  return state == SmtpClientState::failed || state == SmtpClientState::closed;
}

SmtpEvent event_of(SmtpEventKind kind) {
  SmtpEvent event;
  event.kind = kind;
  return event;
}

} // namespace

SmtpClientSession::SmtpClientSession(SmtpClientOptions options)
    : options_(std::move(options)), parser_(options_.reply_limits) {
  if (options_.helo_name.empty() ||
      options_.helo_name.find_first_of(std::string_view("\r\n\0 ", 4)) != std::string::npos)
    throw std::invalid_argument("SmtpClientSession: helo_name \"" + options_.helo_name +
                                "\" is empty or contains a space, CR, LF or NUL; configure a "
                                "plain host name");
  expect(SmtpStage::greeting);
}

void SmtpClientSession::on_bytes(std::string_view bytes) {
  if (finished(state_) || bytes.empty())
    return;
  if (state_ == SmtpClientState::tls_handshake) {
    fail_protocol("server sent " + std::to_string(bytes.size()) +
                      " bytes after its 220 to STARTTLS, before the TLS handshake",
                  SmtpStage::starttls);
    return;
  }
  ++feeds_;
  parser_.feed(bytes);
  SmtpReply reply;
  while (!finished(state_) && state_ != SmtpClientState::tls_handshake) {
    const SmtpReplyParser::Status status = parser_.next(reply);
    if (status == SmtpReplyParser::Status::need_more)
      break;
    if (status == SmtpReplyParser::Status::error) {
      fail_protocol(parser_.error(), awaited_stage());
      return;
    }
    handle_reply(reply);
  }
  if (!finished(state_) && expected_.empty() && parser_.buffered() > 0)
    fail_protocol("server sent data when no reply was expected", awaited_stage());
}

void SmtpClientSession::on_tls_established() {
  if (state_ != SmtpClientState::tls_handshake)
    return;
  tls_active_ = true;
  parser_ = SmtpReplyParser(options_.reply_limits); // nothing from the plaintext phase survives
  capabilities_ = EsmtpCapabilities{};
  state_ = SmtpClientState::ehlo;
  command("EHLO ", options_.helo_name);
  expect(SmtpStage::ehlo);
}

void SmtpClientSession::on_tls_failed(std::string why) {
  if (finished(state_))
    return;
  fail(SmtpReply::synthesized(421, "4.7.0", "TLS handshake failed: " + why), SmtpStage::starttls);
}

void SmtpClientSession::on_connection_lost(std::string why) {
  if (finished(state_))
    return;
  if (state_ == SmtpClientState::quitting) {
    close();
    return;
  }
  fail(SmtpReply::synthesized(451, "4.4.2", "connection lost: " + why), awaited_stage());
}

void SmtpClientSession::quit() {
  switch (state_) {
  case SmtpClientState::ready:
    state_ = SmtpClientState::quitting;
    command("QUIT");
    expect(SmtpStage::quit);
    return;
  case SmtpClientState::quitting:
  case SmtpClientState::closed:
  case SmtpClientState::failed:
    return;
  default:
    if (transaction_) { // recipients in flight must still get a (transient) final reply
      fail(SmtpReply::synthesized(451, "4.3.0",
                                  "session ended by the client before the transaction finished"),
           awaited_stage());
    } else {
      close();
    }
    return;
  }
}

std::vector<SmtpOutput> SmtpClientSession::take_output() {
  std::vector<SmtpOutput> taken;
  taken.swap(output_);
  return taken;
}

std::optional<SmtpEvent> SmtpClientSession::poll_event() {
  if (events_.empty())
    return std::nullopt;
  SmtpEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

void SmtpClientSession::handle_reply(const SmtpReply& reply) {
  if (expected_.empty()) {
    fail_protocol("server sent a reply when none was expected: " + reply.to_string(),
                  awaited_stage());
    return;
  }
  const ExpectedReply expected = expected_.front();
  expected_.pop_front();
  if (expected.queued_in_feed == feeds_) {
    fail_protocol("server sent a reply before the command it answers was written: " +
                      reply.to_string(),
                  expected.stage);
    return;
  }
  if (expected.stage == SmtpStage::quit) {
    close(); // any answer to QUIT ends the session
    return;
  }
  if (expected.stage == SmtpStage::greeting)
    greeting_ = reply;
  if (reply.code == 421) { // the server is closing the connection
    fail(reply, expected.stage);
    return;
  }
  switch (expected.stage) {
  case SmtpStage::greeting:
    on_greeting_reply(reply);
    return;
  case SmtpStage::ehlo:
    if (state_ == SmtpClientState::helo)
      on_helo_reply(reply);
    else
      on_ehlo_reply(reply);
    return;
  case SmtpStage::starttls:
    on_starttls_reply(reply);
    return;
  case SmtpStage::rset:
    on_rset_reply(reply);
    return;
  default:
    on_transaction_reply(expected, reply);
    return;
  }
}

void SmtpClientSession::on_greeting_reply(const SmtpReply& reply) {
  if (reply.intermediate()) {
    fail_protocol("greeting with code " + std::to_string(reply.code) + ": " + reply.to_string(),
                  SmtpStage::greeting);
  } else if (!reply.positive()) {
    fail(reply, SmtpStage::greeting);
  } else {
    state_ = SmtpClientState::ehlo;
    command("EHLO ", options_.helo_name);
    expect(SmtpStage::ehlo);
  }
}

void SmtpClientSession::on_ehlo_reply(const SmtpReply& reply) {
  if (reply.positive()) {
    capabilities_ = parse_ehlo_reply(reply);
    after_hello();
  } else if (reply.permanent()) { // an old server without ESMTP
    state_ = SmtpClientState::helo;
    command("HELO ", options_.helo_name);
    expect(SmtpStage::ehlo);
  } else if (reply.transient()) {
    fail(reply, SmtpStage::ehlo);
  } else {
    fail_protocol("unexpected reply to EHLO: " + reply.to_string(), SmtpStage::ehlo);
  }
}

void SmtpClientSession::on_helo_reply(const SmtpReply& reply) {
  if (reply.positive()) {
    capabilities_ = EsmtpCapabilities{};
    const std::string_view text = reply.text;
    capabilities_.server_name.assign(text.substr(0, text.find_first_of(" \t\n")));
    after_hello();
  } else if (reply.intermediate()) {
    fail_protocol("unexpected reply to HELO: " + reply.to_string(), SmtpStage::ehlo);
  } else {
    fail(reply, SmtpStage::ehlo);
  }
}

// After a positive EHLO/HELO: STARTTLS when wanted and possible, else ready (or fail by policy).
void SmtpClientSession::after_hello() {
  const bool want_tls = options_.use_starttls || options_.require_tls;
  if (!tls_active_ && want_tls && capabilities_.starttls) {
    state_ = SmtpClientState::starttls;
    command("STARTTLS");
    expect(SmtpStage::starttls);
  } else if (!tls_active_ && options_.require_tls) {
    fail(SmtpReply::synthesized(421, "4.7.10",
                                "TLS is required for this destination but the server does not "
                                "offer STARTTLS"),
         SmtpStage::ehlo);
  } else {
    become_ready();
  }
}

void SmtpClientSession::on_starttls_reply(const SmtpReply& reply) {
  if (reply.positive()) {
    if (parser_.buffered() > 0) { // injected plaintext would be read as if it came over TLS
      fail_protocol("server sent " + std::to_string(parser_.buffered()) +
                        " bytes after its 220 to STARTTLS, before the TLS handshake",
                    SmtpStage::starttls);
      return;
    }
    state_ = SmtpClientState::tls_handshake;
    events_.push_back(event_of(SmtpEventKind::start_tls));
  } else if (reply.intermediate()) {
    fail_protocol("unexpected reply to STARTTLS: " + reply.to_string(), SmtpStage::starttls);
  } else if (options_.require_tls) {
    fail(SmtpReply::synthesized(421, "4.7.10",
                                "TLS is required for this destination but STARTTLS was "
                                "refused: " +
                                    reply.to_string()),
         SmtpStage::starttls);
  } else {
    become_ready(); // RFC 3207 §4: the session may continue in plaintext
  }
}

void SmtpClientSession::on_rset_reply(const SmtpReply& reply) {
  if (reply.positive())
    become_ready();
  else if (reply.intermediate())
    fail_protocol("unexpected reply to RSET: " + reply.to_string(), SmtpStage::rset);
  else
    fail(reply, SmtpStage::rset);
}

void SmtpClientSession::become_ready() {
  state_ = SmtpClientState::ready;
  if (queued_) { // queued but not sent early (refused before sending, or after an RSET)
    SmtpTransaction next = std::move(*queued_);
    queued_.reset();
    queued_written_ = false;
    start_transaction(std::move(next));
    return;
  }
  events_.push_back(event_of(SmtpEventKind::ready));
}

void SmtpClientSession::close() {
  state_ = SmtpClientState::closed;
  expected_.clear();
  drop_stale_ready_events();
  events_.push_back(event_of(SmtpEventKind::closed));
}

// A ready event not yet polled must not survive a later failure in the same input: the engine
// would send() into a dead session.
void SmtpClientSession::drop_stale_ready_events() {
  std::erase_if(events_, [](const SmtpEvent& e) { return e.kind == SmtpEventKind::ready; });
}

// The one failed event of this session; recipients without a final reply get `failure`.
void SmtpClientSession::fail(const SmtpReply& failure, SmtpStage stage) {
  if (finished(state_))
    return;
  SmtpEvent event = event_of(SmtpEventKind::failed);
  event.failure = failure;
  event.stage = stage;
  if (transaction_) {
    recipients_.finish_unresolved(failure, stage);
    event.result = recipients_.take_result();
    transaction_.reset();
  }
  if (queued_) { // never started, or its commands went out after the "." and got no reply
    SmtpRecipientLedger queued;
    queued.reset(queued_->recipients.size());
    queued.finish_unresolved(failure, SmtpStage::mail);
    event.queued_result = queued.take_result();
    queued_.reset();
    queued_written_ = false;
  }
  body_sent_ = false;
  state_ = SmtpClientState::failed;
  expected_.clear();
  drop_stale_ready_events();
  events_.push_back(std::move(event));
}

// Garbage, limits or out-of-turn replies: transient (421 4.5.0) so mail is deferred, not bounced.
void SmtpClientSession::fail_protocol(const std::string& what, SmtpStage stage) {
  fail(SmtpReply::synthesized(421, "4.5.0", "protocol error: " + what), stage);
}

SmtpStage SmtpClientSession::awaited_stage() const {
  if (!expected_.empty())
    return expected_.front().stage;
  switch (state_) {
  case SmtpClientState::greeting:
    return SmtpStage::greeting;
  case SmtpClientState::ehlo:
  case SmtpClientState::helo:
    return SmtpStage::ehlo;
  case SmtpClientState::starttls:
  case SmtpClientState::tls_handshake:
    return SmtpStage::starttls;
  case SmtpClientState::rset:
    return SmtpStage::rset;
  case SmtpClientState::quitting:
    return SmtpStage::quit;
  default:
    return SmtpStage::connect;
  }
}

void SmtpClientSession::write(std::string_view bytes) {
  if (output_.empty() || output_.back().shared)
    output_.emplace_back();
  output_.back().owned.append(bytes);
}

void SmtpClientSession::command(std::string_view verb, std::string_view argument) {
  if (output_.empty() || output_.back().shared)
    output_.emplace_back();
  output_.back().owned.append(verb).append(argument).append("\r\n");
}

void SmtpClientSession::expect(SmtpStage stage, std::size_t recipient, bool discard) {
  expected_.push_back(ExpectedReply{stage, recipient, discard, feeds_});
}

} // namespace volley::protocol
