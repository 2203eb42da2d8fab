// SmtpClientSession, transaction part (see smtp_client_session.hpp): MAIL FROM / RCPT TO / DATA /
// body / ".", pipelined as one group when the server offers PIPELINING (RFC 2920), one command at a
// time otherwise; refusals decided before anything is sent (SIZE, SMTPUTF8, unsafe addresses).
// Must never: put CR, LF or NUL from an address on a command line, send a body when no recipient
// was accepted, copy the message body, or finish a transaction with a recipient lacking a reply.
#include "protocol/smtp_client_session.hpp"

#include <utility>

namespace volley::protocol {
namespace {

constexpr std::size_t kMaxAddressBytes = 512;

bool sendable_address(std::string_view address) {
  return address.size() <= kMaxAddressBytes &&
         address.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

SmtpReply unsendable_address_reply(std::string_view role) {
  return SmtpReply::synthesized(501, "5.1.3",
                                std::string(role) +
                                    " address contains CR, LF or NUL or is longer than 512 bytes; "
                                    "nothing was sent for it, correct the address");
}

} // namespace

void SmtpClientSession::send(SmtpTransaction transaction) {
  if (state_ == SmtpClientState::ready) {
    start_transaction(std::move(transaction));
    return;
  }
  if (!can_queue()) {
    refuse_unready(transaction);
    return;
  }
  queued_ = std::move(transaction);
  queued_written_ = false;
  if (body_sent_)
    write_queued(); // the "." already went out: the group is just these commands
}

bool SmtpClientSession::can_queue() const {
  return state_ == SmtpClientState::in_transaction && capabilities_.pipelining && pipelined_ &&
         !queued_;
}

// The transaction in progress from now on, with a fresh ledger; the caller sets state_/pipelined_.
void SmtpClientSession::adopt_transaction(SmtpTransaction transaction) {
  recipients_.reset(transaction.recipients.size());
  transaction_ = std::move(transaction);
  body_sent_ = false;
  mail_accepted_ = false;
  next_rcpt_ = 0;
}

void SmtpClientSession::start_transaction(SmtpTransaction transaction) {
  adopt_transaction(std::move(transaction));
  if (const std::optional<SmtpReply> refusal = refusal_before_sending(*transaction_)) {
    recipients_.finish_unresolved(*refusal, SmtpStage::mail);
    finish_transaction(false);
    return;
  }
  const std::vector<std::string>& addresses = transaction_->recipients;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (!sendable_address(addresses[i]))
      recipients_.finish(i, unsendable_address_reply("recipient"), SmtpStage::rcpt);
  }
  if (recipients_.all_final()) { // nothing worth a MAIL command
    finish_transaction(false);
    return;
  }
  state_ = SmtpClientState::in_transaction;
  pipelined_ = capabilities_.pipelining;
  send_mail_from(*transaction_);
  if (!pipelined_)
    return;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (!recipients_.is_final(i))
      send_rcpt(*transaction_, i);
  }
  command("DATA");
  expect(SmtpStage::data);
}

// The queued transaction's MAIL/RCPT/DATA right behind the current "." (RFC 2920 §3.1: message
// content may start a group). Only a transaction nothing would refuse before sending goes early:
// a refusal is reported when the transaction starts, so that results keep their order.
void SmtpClientSession::write_queued() {
  const SmtpTransaction& t = *queued_;
  if (refusal_before_sending(t))
    return;
  for (const std::string& address : t.recipients) {
    if (!sendable_address(address))
      return;
  }
  send_mail_from(t);
  for (std::size_t i = 0; i < t.recipients.size(); ++i)
    send_rcpt(t, i);
  command("DATA");
  expect(SmtpStage::data);
  queued_written_ = true;
}

// send() outside the ready state is an engine bug; the recipients still get a transient reply.
void SmtpClientSession::refuse_unready(const SmtpTransaction& transaction) {
  const SmtpReply reply = SmtpReply::synthesized(
      451, "4.3.0",
      "SMTP session was not ready for a transaction (engine bug); the message will be retried");
  SmtpEvent event;
  event.kind = SmtpEventKind::transaction_done;
  event.result.emplace();
  event.result->recipients.assign(transaction.recipients.size(),
                                  RecipientReply{reply, SmtpStage::mail});
  events_.push_back(std::move(event));
}

std::optional<SmtpReply> SmtpClientSession::refusal_before_sending(const SmtpTransaction& t) const {
  if (!t.data)
    return SmtpReply::synthesized(451, "4.3.0",
                                  "transaction without message data (engine bug); the message "
                                  "will be retried");
  if (!sendable_address(t.mail_from))
    return unsendable_address_reply("sender");
  if (t.smtputf8 && !capabilities_.smtputf8)
    return SmtpReply::synthesized(553, "5.6.7",
                                  "message needs SMTPUTF8 (non-ASCII headers or addresses) but "
                                  "the server does not offer it");
  if (capabilities_.max_size > 0 && t.data->size() > capabilities_.max_size)
    return SmtpReply::synthesized(552, "5.3.4",
                                  "message of " + std::to_string(t.data->size()) +
                                      " bytes exceeds the server's SIZE limit of " +
                                      std::to_string(capabilities_.max_size) + " bytes");
  return std::nullopt;
}

void SmtpClientSession::send_mail_from(const SmtpTransaction& t) {
  std::string line;
  line.reserve(t.mail_from.size() + 64);
  line.append("MAIL FROM:<").append(t.mail_from).append(">");
  if (capabilities_.max_size > 0)
    line.append(" SIZE=").append(std::to_string(t.data->size()));
  if (t.eight_bit && capabilities_.eight_bit_mime)
    line.append(" BODY=8BITMIME");
  if (t.smtputf8 && capabilities_.smtputf8)
    line.append(" SMTPUTF8");
  command(line);
  expect(SmtpStage::mail);
}

void SmtpClientSession::send_rcpt(const SmtpTransaction& t, std::size_t index) {
  const std::string& address = t.recipients[index];
  if (output_.empty() || output_.back().shared)
    output_.emplace_back();
  output_.back().owned.append("RCPT TO:<").append(address).append(">\r\n");
  expect(SmtpStage::rcpt, index);
}

// Without PIPELINING: the next RCPT, then DATA once all are answered (if any was accepted).
void SmtpClientSession::send_next_rcpt_or_data() {
  const std::size_t count = transaction_->recipients.size();
  while (next_rcpt_ < count && recipients_.is_final(next_rcpt_))
    ++next_rcpt_;
  if (next_rcpt_ < count) {
    send_rcpt(*transaction_, next_rcpt_++);
    return;
  }
  if (recipients_.accepted_count() == 0) {
    finish_transaction(true);
    return;
  }
  command("DATA");
  expect(SmtpStage::data);
}

void SmtpClientSession::send_body() {
  const std::shared_ptr<const std::string>& data = transaction_->data;
  if (!data->empty())
    output_.push_back(SmtpOutput{std::string(), data});
  // prepare_message_data() output ends in CRLF; anything else still gets a valid terminator.
  const bool ends_in_crlf = data->empty() || data->ends_with("\r\n");
  write(ends_in_crlf ? ".\r\n" : "\r\n.\r\n");
  expect(SmtpStage::dot);
  body_sent_ = true;
  if (queued_)
    write_queued();
}

void SmtpClientSession::on_transaction_reply(const ExpectedReply& expected,
                                             const SmtpReply& reply) {
  if (expected.discard) { // answer to the lone "." after an unwanted 354 (RFC 2920 §3.1)
    finish_transaction(true);
    return;
  }
  const bool wrong_class =
      expected.stage == SmtpStage::data ? reply.positive() : reply.intermediate();
  if (wrong_class) {
    fail_protocol("reply " + reply.to_string() + " makes no sense for " +
                      std::string(to_string(expected.stage)),
                  expected.stage);
    return;
  }
  switch (expected.stage) {
  case SmtpStage::mail:
    on_mail_reply(reply);
    return;
  case SmtpStage::rcpt:
    on_rcpt_reply(expected.recipient, reply);
    return;
  case SmtpStage::data:
    on_data_reply(reply);
    return;
  default: // SmtpStage::dot: the final word for every accepted recipient
    recipients_.finish_accepted(reply, SmtpStage::dot);
    finish_transaction(false);
    return;
  }
}

void SmtpClientSession::on_mail_reply(const SmtpReply& reply) {
  if (reply.positive()) {
    mail_accepted_ = true;
    if (!pipelined_)
      send_next_rcpt_or_data();
    return;
  }
  recipients_.finish_unresolved(reply, SmtpStage::mail);
  if (!pipelined_)
    finish_transaction(true); // pipelined: the RCPT and DATA replies are still to come
}

void SmtpClientSession::on_rcpt_reply(std::size_t index, const SmtpReply& reply) {
  if (mail_accepted_) { // otherwise the recipient already holds the MAIL rejection
    if (reply.positive())
      recipients_.accept(index);
    else
      recipients_.finish(index, reply, SmtpStage::rcpt);
  }
  if (!pipelined_)
    send_next_rcpt_or_data();
}

void SmtpClientSession::on_data_reply(const SmtpReply& reply) {
  if (!reply.intermediate()) {
    recipients_.finish_accepted(reply, SmtpStage::data);
    finish_transaction(true);
    return;
  }
  if (recipients_.accepted_count() == 0) {
    // A pipelined DATA accepted although no RCPT was: end it with an empty message, whose reply
    // is ignored (RFC 2920 §3.1), then RSET.
    write(".\r\n");
    expect(SmtpStage::dot, 0, true);
    return;
  }
  send_body();
}

void SmtpClientSession::finish_transaction(bool needs_rset) {
  SmtpEvent event;
  event.kind = SmtpEventKind::transaction_done;
  event.result = recipients_.take_result();
  events_.push_back(std::move(event));
  transaction_.reset();
  body_sent_ = false;
  ++transactions_done_;
  if (queued_written_) {
    // Its commands followed the "." (so this ended with the "." reply, needing no RSET): its
    // replies are next in line.
    queued_written_ = false;
    adopt_transaction(std::move(*queued_));
    queued_.reset();
    state_ = SmtpClientState::in_transaction;
    pipelined_ = true;
    return;
  }
  if (needs_rset) {
    state_ = SmtpClientState::rset;
    command("RSET");
    expect(SmtpStage::rset);
  } else {
    become_ready();
  }
}

} // namespace volley::protocol
