// The SMTP client side of one connection as a pure state machine (RFC 5321, 2920, 3207): the engine
// feeds it server bytes and connection events, it answers with bytes to write and events (ready,
// start TLS now, a transaction's per-recipient results, failure, closed). Greeting → EHLO (HELO
// fallback on 5xx) → optional STARTTLS and a second EHLO → transactions (MAIL/RCPT/DATA pipelined
// when advertised, RSET after a failed transaction; with PIPELINING the next transaction may be
// queued behind the current one, and its MAIL/RCPT/DATA then follow the current body's "." in the
// same group, RFC 2920 §3.1) → QUIT. Must never: touch sockets or clocks,
// throw on anything a server sends, send a message body when no recipient was accepted, or lose a
// recipient: every recipient of a transaction gets exactly one final reply (a real one or a
// synthesized 4xx when the connection fails).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/esmtp_capabilities.hpp"
#include "protocol/smtp_recipient_ledger.hpp"
#include "protocol/smtp_reply.hpp"
#include "protocol/smtp_transaction_result.hpp" // SmtpStage, RecipientReply, TransactionResult

namespace volley::protocol {

struct SmtpClientOptions {
  std::string helo_name = "localhost"; // EHLO/HELO argument
  bool use_starttls = true;            // send STARTTLS when advertised (opportunistic TLS)
  // no STARTTLS offered (or it failed) → session fails, transient
  bool require_tls = false;
  SmtpReplyLimits reply_limits;
};

struct SmtpTransaction {
  std::string mail_from;                   // reverse-path without <>; "" = null sender <>
  std::vector<std::string> recipients;     // forward-paths without <>, at least one
  std::shared_ptr<const std::string> data; // prepare_message_data() output (never copied)
  bool eight_bit = false;                  // add BODY=8BITMIME if advertised
  // add SMTPUTF8 if advertised; if not advertised the transaction fails permanently (5.6.7)
  // for all recipients
  bool smtputf8 = false;
};

enum class SmtpEventKind : std::uint8_t {
  ready,     // session can take a transaction (after greeting/EHLO/TLS, or after the last one)
  start_tls, // server said 220 to STARTTLS: do the TLS handshake, then on_tls_established()
  transaction_done, // result holds one final reply per recipient
  failed,           // session is unusable; failure + (if a transaction was in progress) result
  closed,           // QUIT answered (or connection closed after QUIT was sent)
};

struct SmtpEvent {
  SmtpEventKind kind = SmtpEventKind::ready;
  std::optional<TransactionResult> result; // transaction_done, or failed mid-transaction
  // failed: the result of the transaction queued behind the current one (send() while one was in
  // progress), which can no longer be sent either.
  std::optional<TransactionResult> queued_result;
  SmtpReply failure;                    // failed: the server's reply or a synthesized one
  SmtpStage stage = SmtpStage::connect; // failed: where it failed
};

// A piece of output: either bytes owned by the piece or a shared message body (sent without a
// copy).
struct SmtpOutput {
  std::string owned;
  std::shared_ptr<const std::string> shared;
  std::string_view bytes() const {
    return shared ? std::string_view(*shared) : std::string_view(owned);
  }
};

enum class SmtpClientState : std::uint8_t {
  greeting,
  ehlo,
  helo,
  starttls,
  tls_handshake,
  ready,
  in_transaction,
  rset,
  quitting,
  closed,
  failed
};

class SmtpClientSession {
public:
  explicit SmtpClientSession(SmtpClientOptions options);

  // ---- inputs ----
  void on_bytes(std::string_view bytes);    // anything the server sent (plaintext or decrypted)
  void on_tls_established();                // after start_tls: handshake done → EHLO again
  void on_tls_failed(std::string why);      // handshake failed → failed (transient, 4.7.0)
  void on_connection_lost(std::string why); // EOF/reset/timeout → failed; pending transaction gets
                                            // synthesized 4.4.2 replies (after "." was sent too:
                                            // delivery is then unknown and must be retried)
  // Precondition: state() == ready, or can_queue(). From ready it writes MAIL/RCPT/DATA
  // (pipelined if advertised). Queued, the transaction starts when the current one ends without a
  // ready event in between: its commands follow the current body's "." in the same write (or go
  // out at once when the "." already went out) if nothing refuses it before sending (SIZE,
  // SMTPUTF8, an unsendable address); otherwise it starts normally once the current one is over.
  // Its transaction_done event comes after the current one's.
  void send(SmtpTransaction transaction);
  // A transaction can be queued: PIPELINING, one pipelined transaction in progress, none queued.
  bool can_queue() const;
  // Sends QUIT (from ready) or fails fast from any other state.
  void quit();

  // ---- outputs ----
  // Bytes to write, in order; the engine must write all before reading more (PIPELINING groups).
  std::vector<SmtpOutput> take_output();
  bool has_output() const { return !output_.empty(); }
  std::optional<SmtpEvent> poll_event();

  SmtpClientState state() const { return state_; }
  const EsmtpCapabilities& capabilities() const { return capabilities_; }
  bool tls_active() const { return tls_active_; }
  const SmtpReply& greeting() const { return greeting_; }
  std::uint64_t transactions_done() const { return transactions_done_; }
  // The command whose reply comes next (greeting before any); the engine picks its timeout by it.
  SmtpStage awaited_stage() const;

private:
  struct ExpectedReply {
    SmtpStage stage = SmtpStage::greeting; // the command this reply answers (HELO: ehlo)
    std::size_t recipient = 0;             // rcpt: index into the transaction's recipients
    bool discard = false;                  // answer to a lone "." after an unwanted 354
    std::uint64_t queued_in_feed = 0;      // feeds_ when the command was queued
  };

  // smtp_client_session.cpp: replies, connection set-up, failure and closing
  void handle_reply(const SmtpReply& reply);
  void on_greeting_reply(const SmtpReply& reply);
  void on_ehlo_reply(const SmtpReply& reply);
  void on_helo_reply(const SmtpReply& reply);
  void on_starttls_reply(const SmtpReply& reply);
  void on_rset_reply(const SmtpReply& reply);
  void after_hello();
  void become_ready();
  void close();
  void drop_stale_ready_events();
  void fail(const SmtpReply& failure, SmtpStage stage);
  void fail_protocol(const std::string& what, SmtpStage stage);
  void write(std::string_view bytes);
  void command(std::string_view verb, std::string_view argument = {});
  void expect(SmtpStage stage, std::size_t recipient = 0, bool discard = false);

  // smtp_client_session_transaction.cpp: MAIL / RCPT / DATA / "."
  void refuse_unready(const SmtpTransaction& transaction);
  std::optional<SmtpReply> refusal_before_sending(const SmtpTransaction& t) const;
  void adopt_transaction(SmtpTransaction transaction);
  void start_transaction(SmtpTransaction transaction);
  void write_queued();
  void send_mail_from(const SmtpTransaction& t);
  void send_rcpt(const SmtpTransaction& t, std::size_t index);
  void send_next_rcpt_or_data();
  void send_body();
  void on_transaction_reply(const ExpectedReply& expected, const SmtpReply& reply);
  void on_mail_reply(const SmtpReply& reply);
  void on_rcpt_reply(std::size_t index, const SmtpReply& reply);
  void on_data_reply(const SmtpReply& reply);
  void finish_transaction(bool needs_rset);

  SmtpClientOptions options_;
  SmtpReplyParser parser_;
  SmtpClientState state_ = SmtpClientState::greeting;
  EsmtpCapabilities capabilities_;
  SmtpReply greeting_;
  bool tls_active_ = false;
  std::uint64_t transactions_done_ = 0;
  std::vector<SmtpOutput> output_;
  std::deque<SmtpEvent> events_;
  std::deque<ExpectedReply> expected_; // replies still owed by the server, in order
  // on_bytes() calls so far: bytes of call N cannot answer a command queued during call N (it was
  // not even written yet), so such a reply is the server talking out of turn.
  std::uint64_t feeds_ = 0;
  // The transaction in progress.
  std::optional<SmtpTransaction> transaction_;
  SmtpRecipientLedger recipients_;
  bool pipelined_ = false; // this transaction's commands went out as one group
  bool mail_accepted_ = false;
  std::size_t next_rcpt_ = 0; // without PIPELINING: next recipient to send RCPT for
  // The transaction queued behind the current one; written = its commands went out after the
  // current body (its replies follow the "." reply).
  std::optional<SmtpTransaction> queued_;
  bool queued_written_ = false;
  bool body_sent_ = false; // the current transaction's body and "." went out
};

} // namespace volley::protocol
