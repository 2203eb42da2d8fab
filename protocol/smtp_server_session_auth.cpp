// SmtpServerSession: AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms, as an initial
// response or through "334" continuations, and the "authentication required" rule for MAIL.
// Must never offer or accept AUTH outside TLS unless auth_without_tls, accept a second AUTH or one
// inside a transaction, or keep credentials after they were checked.
#include <string>

#include "protocol/smtp_server_session.hpp"

#include "protocol/ascii_case.hpp"
#include "protocol/sasl_response.hpp"

namespace volley::protocol {
namespace {

constexpr std::string_view kUsernamePrompt = "VXNlcm5hbWU6"; // base64("Username:")
constexpr std::string_view kPasswordPrompt = "UGFzc3dvcmQ6"; // base64("Password:")

} // namespace

bool SmtpServerSession::auth_offered() const {
  return config_.auth_available && (envelope_.tls || config_.auth_without_tls);
}

// True when MAIL was refused because the session is not authenticated (530, RFC 4954 §6).
bool SmtpServerSession::refuse_mail_without_auth() {
  if (!config_.auth_required || !envelope_.auth_user.empty())
    return false;
  if (!auth_offered() && config_.tls_available && !envelope_.tls)
    reply(530, "5.7.0", "Error: must issue a STARTTLS command first");
  else
    reply(530, "5.7.0", "Error: authentication required; log in with AUTH first");
  return true;
}

void SmtpServerSession::handle_auth(std::string_view argument) {
  if (!config_.auth_available)
    return reply(502, "5.5.1", "Error: command not implemented");
  if (envelope_.helo.empty() || !envelope_.esmtp)
    return reply(503, "5.5.1", "Error: send EHLO first");
  if (!envelope_.auth_user.empty())
    return reply(503, "5.5.1", "Error: already authenticated");
  if (transaction_open_)
    return reply(503, "5.5.1", "Error: AUTH is not allowed during a mail transaction");
  if (!auth_offered())
    return reply(538, "5.7.11", "Error: encryption required; issue STARTTLS before AUTH");
  const std::size_t space = argument.find(' ');
  const std::string_view mechanism = argument.substr(0, space);
  const bool initial = space != std::string_view::npos;
  const std::string_view response = initial ? argument.substr(space + 1) : std::string_view();
  if (initial && (response.empty() || response.find(' ') != std::string_view::npos))
    return reply(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
  if (ascii_equal_ignoring_case(mechanism, "PLAIN")) {
    auth_step_ = AuthStep::plain;
    if (initial)
      return handle_auth_response(response);
    state_ = State::auth;
    output_.bytes += "334 \r\n";
    return;
  }
  if (config_.auth_login && ascii_equal_ignoring_case(mechanism, "LOGIN")) {
    auth_step_ = AuthStep::login_user;
    if (initial)
      return handle_auth_response(response);
    state_ = State::auth;
    output_.bytes += "334 " + std::string(kUsernamePrompt) + "\r\n";
    return;
  }
  reply(504, "5.5.4",
        config_.auth_login ? "Error: unrecognized authentication mechanism; use PLAIN or LOGIN"
                           : "Error: unrecognized authentication mechanism; use PLAIN");
}

// One SASL response: an initial response (state ready) or a line after "334" (state auth).
void SmtpServerSession::handle_auth_response(std::string_view line) {
  state_ = State::ready;
  if (line == "*") {
    auth_user_.clear();
    return reply(501, "5.7.0", "Error: authentication cancelled");
  }
  if (auth_step_ == AuthStep::plain) {
    auto credentials = decode_sasl_plain(line);
    if (!credentials)
      return reply(501, "5.5.2",
                   "Error: cannot decode the AUTH PLAIN response: " + credentials.error().message);
    if (!credentials->authzid.empty() && credentials->authzid != credentials->user)
      return finish_auth(SmtpServerDecision::replied(
          535, "5.7.8", "Error: authentication failed (no other authorization identity)"));
    return check_credentials(std::move(credentials->user), credentials->password);
  }
  auto value = decode_sasl_login_value(line);
  if (!value) {
    auth_user_.clear();
    return reply(501, "5.5.2",
                 "Error: cannot decode the AUTH LOGIN response: " + value.error().message);
  }
  if (auth_step_ == AuthStep::login_user) {
    if (value->empty())
      return reply(501, "5.5.2", "Error: the user name is empty");
    auth_user_ = std::move(value.value());
    auth_step_ = AuthStep::login_password;
    state_ = State::auth;
    output_.bytes += "334 " + std::string(kPasswordPrompt) + "\r\n";
    return;
  }
  check_credentials(std::exchange(auth_user_, std::string()), *value);
}

void SmtpServerSession::check_credentials(std::string user, std::string_view password) {
  const SmtpServerDecision decision = hooks_.on_auth(envelope_, user, password);
  auth_user_ = std::move(user);
  if (decision.kind == SmtpServerDecision::Kind::pending) {
    state_ = State::pending;
    pending_ = PendingStage::auth;
    return;
  }
  finish_auth(decision);
}

void SmtpServerSession::finish_auth(const SmtpServerDecision& decision) {
  std::string user = std::exchange(auth_user_, std::string());
  if (decision.kind == SmtpServerDecision::Kind::pending) {
    reply(454, "4.7.0", "Error: temporary authentication failure; try again later");
  } else if (apply(decision)) {
    if (!user.empty()) {
      envelope_.auth_user = std::move(user);
      return reply(235, "2.7.0",
                   decision.text.empty() ? "Authentication successful" : decision.text);
    }
    reply(535, "5.7.8", "Error: authentication failed");
  }
  if (state_ == State::closed || ++auth_failures_ < config_.max_auth_failures)
    return;
  reply(421, "4.7.0", "Error: too many failed authentication attempts; closing the connection");
  close();
}

} // namespace volley::protocol
