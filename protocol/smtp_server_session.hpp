// The server side of one inbound SMTP connection as a pure state machine (RFC 5321, 1870, 2920,
// 3207, 4954, 6152, 6531, 2034): bytes from the client in, reply bytes and connection actions out
// (SmtpServerOutput), decisions and accepted messages through SmtpServerHooks. Every complete
// command in a fed buffer is processed in order and all replies are batched; a DATA body is
// unstuffed and its end found across any split. A hook may answer AUTH or the end of data later
// (pending): input fed meanwhile is held (the caller stops reading) and processed by resume().
// Must never: touch sockets, clocks or files; buffer more than one command line (max_line_bytes)
// or one message (max_message_size) beyond what is fed while pending; process bytes pipelined
// after STARTTLS; accept MAIL before AUTH when auth is required; throw on input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/smtp_data_receiver.hpp"
#include "protocol/smtp_server_command.hpp"
#include "protocol/smtp_server_config.hpp"
#include "protocol/smtp_server_envelope.hpp"
#include "protocol/smtp_server_hooks.hpp"
#include "protocol/smtp_server_output.hpp"

namespace volley::protocol {

class SmtpServerSession {
public:
  enum class State : std::uint8_t {
    not_started,  // start() not yet called
    ready,        // reading commands
    refusing,     // greeting was a 4xx/5xx: only QUIT and NOOP are served (RFC 5321 §3.1)
    data,         // reading a message body
    awaiting_tls, // 220 to STARTTLS sent: the caller must do the handshake, then tls_started()
    auth,         // 334 sent: the next line is a SASL response (or "*" to cancel)
    pending,      // a hook answered "later": waiting for resume()
    closed,       // nothing more is processed
  };

  // `hooks` must outlive the session.
  SmtpServerSession(SmtpServerConfig config, SmtpServerHooks& hooks);

  void start();                      // queues the greeting (asks hooks.on_connect())
  void feed(std::string_view bytes); // processes every complete command / body part in order
  void tls_started();                // the STARTTLS handshake succeeded: reset (RFC 3207 §4.2)
  // Completes the pending stage with the hook's real decision, then processes held input.
  void resume(const SmtpServerDecision& decision);

  // Moves the pending output into `into` (whose previous contents are discarded).
  void take_output(SmtpServerOutput& into);
  const SmtpServerOutput& output() const { return output_; }

  State state() const { return state_; }
  const SmtpServerEnvelope& envelope() const { return envelope_; }
  std::size_t buffered_bytes() const { return line_.size(); } // partial command line held
  std::size_t held_bytes() const { return held_.size(); }     // input fed while pending
  const SmtpServerConfig& config() const { return config_; }

private:
  std::size_t feed_command_bytes(std::string_view bytes, std::size_t pos);
  std::size_t feed_body_bytes(std::string_view bytes, std::size_t pos);
  void handle_line(std::string_view line, bool more_input);
  void handle_command(const SmtpCommandLine& command, bool more_input);
  void handle_hello(const SmtpCommandLine& command);
  void handle_mail(std::string_view argument);
  bool read_mail_parameters(std::string_view parameters);
  void handle_rcpt(std::string_view argument);
  void handle_data(std::string_view argument);
  void handle_starttls(std::string_view argument, bool more_input);
  bool auth_offered() const;
  bool refuse_mail_without_auth();
  void handle_auth(std::string_view argument);
  void handle_auth_response(std::string_view line);
  void check_credentials(std::string user, std::string_view password);
  void finish_auth(const SmtpServerDecision& decision);
  void complete_message(const SmtpServerDecision& decision);
  void end_transaction();
  void handle_refusing(const SmtpCommandLine& command);
  void finish_message();
  void send_ehlo_reply();
  // Applies a hook decision; true = go on with the positive reply (not yet written).
  bool apply(const SmtpServerDecision& decision);
  void reply(int code, std::string_view enhanced, std::string_view text);
  void close();

  SmtpServerConfig config_;
  SmtpServerHooks& hooks_;
  State state_ = State::not_started;
  SmtpServerEnvelope envelope_;
  bool transaction_open_ = false;
  bool drop_during_body_ = false;
  std::string line_; // partial command line across feeds
  bool discarding_long_line_ = false;
  SmtpDataReceiver data_;
  SmtpServerOutput output_;
  enum class AuthStep : std::uint8_t { plain, login_user, login_password };
  AuthStep auth_step_ = AuthStep::plain;
  std::string auth_user_; // LOGIN: the user while the password is asked; pending AUTH: the user
  std::uint32_t auth_failures_ = 0;
  enum class PendingStage : std::uint8_t { none, auth, message };
  PendingStage pending_ = PendingStage::none;
  std::string held_; // input fed while pending
};

} // namespace volley::protocol
