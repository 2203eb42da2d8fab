// SmtpServerSession: framing (command lines, DATA bodies), decisions, pending stages and reply
// formatting. The per-command handlers are in smtp_server_session_commands.cpp, AUTH in
// smtp_server_session_auth.cpp.
// Must never keep a partial command line longer than max_line_bytes (+1 for the CR).
#include "protocol/smtp_server_session.hpp"

#include <utility>

namespace volley::protocol {

SmtpServerSession::SmtpServerSession(SmtpServerConfig config, SmtpServerHooks& hooks)
    : config_(std::move(config)), hooks_(hooks) {}

void SmtpServerSession::start() {
  if (state_ != State::not_started)
    return;
  state_ = State::ready;
  const SmtpServerDecision decision = hooks_.on_connect();
  if (apply(decision)) {
    reply(220, "", config_.hostname + " ESMTP " + config_.software);
  } else if (state_ == State::ready && decision.kind == SmtpServerDecision::Kind::reply) {
    state_ = State::refusing;
  }
}

void SmtpServerSession::feed(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    switch (state_) {
    case State::ready:
    case State::refusing:
    case State::auth:
      pos = feed_command_bytes(bytes, pos);
      break;
    case State::data:
      pos = feed_body_bytes(bytes, pos);
      break;
    case State::pending:
      held_.append(bytes.substr(pos));
      return;
    default:
      return; // not started, waiting for TLS, or closed: nothing is read
    }
  }
}

std::size_t SmtpServerSession::feed_command_bytes(std::string_view bytes, std::size_t pos) {
  const std::size_t room = config_.max_line_bytes + 1; // the line plus its CR
  const std::size_t newline = bytes.find('\n', pos);
  const std::string_view part =
      bytes.substr(pos, newline == std::string_view::npos ? std::string_view::npos : newline - pos);
  if (!discarding_long_line_ && line_.size() + part.size() > room) {
    discarding_long_line_ = true;
    line_.clear();
  }
  if (newline == std::string_view::npos) {
    if (!discarding_long_line_)
      line_.append(part);
    return bytes.size();
  }
  const std::size_t next = newline + 1;
  if (discarding_long_line_) {
    discarding_long_line_ = false;
    if (state_ == State::auth) {
      state_ = State::ready;
      reply(501, "5.5.2", "Error: authentication response too long; authentication cancelled");
      return next;
    }
    reply(500, "5.5.2",
          "Error: command line longer than " + std::to_string(config_.max_line_bytes) +
              " bytes; send shorter lines");
    return next;
  }
  std::string_view line = part;
  if (!line_.empty()) {
    line_.append(part);
    line = line_;
  }
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  handle_line(line, next < bytes.size());
  line_.clear();
  return next;
}

std::size_t SmtpServerSession::feed_body_bytes(std::string_view bytes, std::size_t pos) {
  if (drop_during_body_) {
    drop_during_body_ = false;
    close();
    return bytes.size();
  }
  const std::size_t used = data_.consume(bytes.substr(pos));
  if (data_.finished())
    finish_message();
  return pos + used;
}

void SmtpServerSession::finish_message() {
  state_ = State::ready;
  if (data_.too_large()) {
    reply(552, "5.3.4",
          "Error: message exceeds the fixed maximum message size of " +
              std::to_string(config_.max_message_size) + " bytes");
    return end_transaction();
  }
  const SmtpMessageContent content{data_.size(), data_.body()};
  const SmtpServerDecision decision = hooks_.on_end_of_data(envelope_, content);
  if (decision.kind == SmtpServerDecision::Kind::pending) {
    state_ = State::pending;
    pending_ = PendingStage::message;
    return;
  }
  complete_message(decision);
}

void SmtpServerSession::complete_message(const SmtpServerDecision& decision) {
  if (apply(decision)) {
    const SmtpMessageContent content{data_.size(), data_.body()};
    hooks_.on_message(envelope_, content);
    reply(250, "2.0.0", decision.text.empty() ? "Ok: message accepted" : decision.text);
  }
  end_transaction();
}

void SmtpServerSession::end_transaction() {
  envelope_.clear_transaction();
  transaction_open_ = false;
  data_.release();
}

void SmtpServerSession::resume(const SmtpServerDecision& decision) {
  if (state_ != State::pending)
    return;
  state_ = State::ready;
  const PendingStage stage = std::exchange(pending_, PendingStage::none);
  if (stage == PendingStage::message)
    complete_message(decision);
  else
    finish_auth(decision);
  if (state_ != State::closed && !held_.empty()) {
    std::string held;
    held.swap(held_);
    feed(held);
  }
  if (state_ == State::closed)
    held_.clear();
}

void SmtpServerSession::tls_started() {
  if (state_ != State::awaiting_tls)
    return;
  state_ = State::ready;
  envelope_ = SmtpServerEnvelope{};
  envelope_.tls = true;
  transaction_open_ = false;
  line_.clear();
  discarding_long_line_ = false;
}

void SmtpServerSession::take_output(SmtpServerOutput& into) {
  into.clear();
  std::swap(into, output_);
}

bool SmtpServerSession::apply(const SmtpServerDecision& decision) {
  if (decision.delay_ms > 0)
    output_.pauses.push_back({output_.bytes.size(), decision.delay_ms});
  switch (decision.kind) {
  case SmtpServerDecision::Kind::accept:
    return true;
  case SmtpServerDecision::Kind::reply:
    if (decision.code < 400 || decision.code > 599)
      return true; // not a refusal: treated as accept (documented in SmtpServerDecision)
    reply(decision.code, decision.enhanced, decision.text);
    if (decision.code == 421)
      close();
    return false;
  case SmtpServerDecision::Kind::drop:
    close();
    return false;
  case SmtpServerDecision::Kind::garbage:
    output_.bytes += "XYZ garbage: this line is not an SMTP reply\r\n";
    return false;
  case SmtpServerDecision::Kind::pending: // a stage that cannot wait (see SmtpServerDecision)
    reply(451, "4.3.0", "Error: local problem; try again later");
    return false;
  }
  return false;
}

void SmtpServerSession::reply(int code, std::string_view enhanced, std::string_view text) {
  std::string& out = output_.bytes;
  out += std::to_string(code);
  out += ' ';
  if (config_.enhanced_status_codes && !enhanced.empty()) {
    out += enhanced;
    out += ' ';
  }
  out += text;
  out += "\r\n";
}

void SmtpServerSession::close() {
  state_ = State::closed;
  output_.close_after = true;
}

} // namespace volley::protocol
