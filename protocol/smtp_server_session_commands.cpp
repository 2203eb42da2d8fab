// SmtpServerSession command handlers: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT, STARTTLS and
// the replies for bad sequence (503), bad syntax (501/555), unknown (500) and unoffered (502)
// commands (AUTH is in smtp_server_session_auth.cpp). Must never change the transaction when a
// command is refused.
#include <charconv>
#include <string>

#include "protocol/smtp_server_session.hpp"

#include "protocol/ascii_case.hpp"

namespace volley::protocol {

void SmtpServerSession::handle_line(std::string_view line, bool more_input) {
  if (state_ == State::auth)
    return handle_auth_response(line);
  if (line.empty()) {
    reply(500, "5.5.2", "Error: empty command line");
    return;
  }
  const SmtpCommandLine command = split_command_line(line);
  if (state_ == State::refusing)
    handle_refusing(command);
  else
    handle_command(command, more_input);
}

void SmtpServerSession::handle_refusing(const SmtpCommandLine& command) {
  if (command.verb == SmtpVerb::quit) {
    reply(221, "2.0.0", "Bye");
    close();
  } else if (command.verb == SmtpVerb::noop) {
    reply(250, "2.0.0", "Ok");
  } else {
    reply(503, "5.5.1", "Error: no SMTP service on this connection; send QUIT");
  }
}

void SmtpServerSession::handle_command(const SmtpCommandLine& command, bool more_input) {
  switch (command.verb) {
  case SmtpVerb::ehlo:
  case SmtpVerb::helo:
    return handle_hello(command);
  case SmtpVerb::mail:
    return handle_mail(command.argument);
  case SmtpVerb::rcpt:
    return handle_rcpt(command.argument);
  case SmtpVerb::data:
    return handle_data(command.argument);
  case SmtpVerb::rset:
    if (!command.argument.empty())
      return reply(501, "5.5.4", "Syntax: RSET (without parameters)");
    envelope_.clear_transaction();
    transaction_open_ = false;
    return reply(250, "2.0.0", "Ok");
  case SmtpVerb::noop:
    return reply(250, "2.0.0", "Ok");
  case SmtpVerb::quit:
    reply(221, "2.0.0", "Bye");
    return close();
  case SmtpVerb::starttls:
    return handle_starttls(command.argument, more_input);
  case SmtpVerb::auth:
    return handle_auth(command.argument);
  case SmtpVerb::not_implemented:
    return reply(502, "5.5.1", "Error: command not implemented");
  case SmtpVerb::unknown:
    return reply(500, "5.5.2", "Error: command not recognized");
  }
}

void SmtpServerSession::handle_hello(const SmtpCommandLine& command) {
  const bool ehlo = command.verb == SmtpVerb::ehlo;
  const std::string_view name = command.argument.substr(0, command.argument.find(' '));
  if (name.empty())
    return reply(501, "5.5.4", ehlo ? "Syntax: EHLO hostname" : "Syntax: HELO hostname");
  envelope_.clear_transaction();
  transaction_open_ = false;
  if (!apply(hooks_.on_hello(envelope_, name)))
    return;
  envelope_.helo.assign(name);
  envelope_.esmtp = ehlo;
  if (ehlo)
    send_ehlo_reply();
  else
    reply(250, "", config_.hostname);
}

void SmtpServerSession::send_ehlo_reply() {
  std::string lines[9];
  std::size_t count = 0;
  lines[count++] = config_.hostname;
  if (config_.pipelining)
    lines[count++] = "PIPELINING";
  lines[count++] = "SIZE " + std::to_string(config_.max_message_size);
  if (config_.eight_bit_mime)
    lines[count++] = "8BITMIME";
  if (config_.smtputf8)
    lines[count++] = "SMTPUTF8";
  if (config_.enhanced_status_codes)
    lines[count++] = "ENHANCEDSTATUSCODES";
  if (config_.tls_available && !envelope_.tls)
    lines[count++] = "STARTTLS";
  if (auth_offered())
    lines[count++] = config_.auth_login ? "AUTH PLAIN LOGIN" : "AUTH PLAIN";
  for (std::size_t i = 0; i < count; ++i) {
    output_.bytes += i + 1 < count ? "250-" : "250 ";
    output_.bytes += lines[i];
    output_.bytes += "\r\n";
  }
}

void SmtpServerSession::handle_mail(std::string_view argument) {
  if (envelope_.helo.empty())
    return reply(503, "5.5.1", "Error: send EHLO or HELO first");
  if (transaction_open_)
    return reply(503, "5.5.1", "Error: nested MAIL command; send RSET first");
  if (refuse_mail_without_auth())
    return;
  const SmtpPathArgument path = parse_path_argument(argument, "FROM:");
  if (!path.ok)
    return reply(501, "5.5.4", "Syntax: MAIL FROM:<address> [parameters]");
  envelope_.clear_transaction();
  envelope_.mail_from = path.path;
  if (!read_mail_parameters(path.parameters))
    return envelope_.clear_transaction();
  if (path.non_ascii && !envelope_.smtputf8) {
    envelope_.clear_transaction();
    return reply(553, "5.6.7", "Error: a non-ASCII address needs the SMTPUTF8 parameter");
  }
  if (!apply(hooks_.on_mail(envelope_)))
    return envelope_.clear_transaction();
  transaction_open_ = true;
  reply(250, "2.1.0", "Ok");
}

bool SmtpServerSession::read_mail_parameters(std::string_view parameters) {
  if (!parameters.empty() && !envelope_.esmtp) {
    reply(555, "5.5.4", "Error: MAIL parameters need EHLO, not HELO");
    return false;
  }
  SmtpParameter parameter;
  while (next_parameter(parameters, parameter)) {
    const std::string_view value = parameter.value;
    if (ascii_equal_ignoring_case(parameter.keyword, "SIZE")) {
      std::uint64_t size = 0;
      const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), size);
      if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
        reply(501, "5.5.4", "Syntax: SIZE=<decimal number of bytes>");
        return false;
      }
      if (size > config_.max_message_size) {
        reply(552, "5.3.4",
              "Error: message size exceeds the fixed maximum message size of " +
                  std::to_string(config_.max_message_size) + " bytes");
        return false;
      }
      envelope_.declared_size = size;
    } else if (ascii_equal_ignoring_case(parameter.keyword, "BODY") &&
               (ascii_equal_ignoring_case(value, "7BIT") ||
                (config_.eight_bit_mime && ascii_equal_ignoring_case(value, "8BITMIME")))) {
      envelope_.eight_bit_mime = ascii_equal_ignoring_case(value, "8BITMIME");
    } else if (ascii_equal_ignoring_case(parameter.keyword, "SMTPUTF8") && config_.smtputf8 &&
               value.empty()) {
      envelope_.smtputf8 = true;
    } else if (ascii_equal_ignoring_case(parameter.keyword, "AUTH") && config_.auth_available) {
      // RFC 4954 §5: the identity the message was submitted by; informational only here.
    } else {
      reply(555, "5.5.4",
            "Error: MAIL parameter " + std::string(parameter.keyword) + " is not supported");
      return false;
    }
  }
  return true;
}

void SmtpServerSession::handle_rcpt(std::string_view argument) {
  if (!transaction_open_)
    return reply(503, "5.5.1", "Error: need MAIL command first");
  const SmtpPathArgument path = parse_path_argument(argument, "TO:");
  if (!path.ok || path.path.empty())
    return reply(501, "5.5.4", "Syntax: RCPT TO:<address>");
  if (!path.parameters.empty())
    return reply(555, "5.5.4", "Error: RCPT parameters are not supported");
  if (path.non_ascii && !envelope_.smtputf8)
    return reply(553, "5.6.7", "Error: a non-ASCII address needs MAIL ... SMTPUTF8");
  if (envelope_.rcpts.size() >= config_.max_recipients)
    return reply(452, "4.5.3",
                 "Error: too many recipients; at most " + std::to_string(config_.max_recipients) +
                     " per message");
  if (!apply(hooks_.on_rcpt(envelope_, path.path)))
    return;
  envelope_.rcpts.push_back(path.path);
  reply(250, "2.1.5", "Ok");
}

void SmtpServerSession::handle_data(std::string_view argument) {
  if (!argument.empty())
    return reply(501, "5.5.4", "Syntax: DATA (without parameters)");
  if (!transaction_open_)
    return reply(503, "5.5.1", "Error: need MAIL command first");
  if (envelope_.rcpts.empty())
    return reply(503, "5.5.1", "Error: need RCPT command first (no valid recipients)");
  const SmtpServerDecision decision = hooks_.on_data(envelope_);
  if (!apply(decision))
    return;
  state_ = State::data;
  drop_during_body_ = decision.drop_during_body;
  data_.start(config_.max_message_size, config_.keep_body);
  reply(354, "", "End data with <CR><LF>.<CR><LF>");
}

void SmtpServerSession::handle_starttls(std::string_view argument, bool more_input) {
  if (envelope_.tls)
    return reply(503, "5.5.1", "Error: TLS is already active");
  if (!config_.tls_available)
    return reply(502, "5.5.1", "Error: STARTTLS is not offered");
  if (!argument.empty())
    return reply(501, "5.5.4", "Syntax: STARTTLS (without parameters)");
  if (more_input) { // RFC 3207 §4.2 / CVE-2011-0411: never carry plaintext into the TLS session
    reply(554, "5.5.1", "Error: commands pipelined after STARTTLS; closing the connection");
    return close();
  }
  reply(220, "2.0.0", "Ready to start TLS");
  state_ = State::awaiting_tls;
  output_.start_tls_after = true;
}

} // namespace volley::protocol
