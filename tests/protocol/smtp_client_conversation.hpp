// Test driver for SmtpClientSession (protocol/smtp_client_session.hpp): feeds server bytes,
// collects what the client wrote (as one string) and the events it raised. Used by the client
// session and transaction tests. Never opens a socket.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/smtp_client_session.hpp"

namespace volley::protocol {

// Comparison and printing for test expectations (found by argument-dependent lookup).
inline bool operator==(const RecipientReply& a, const RecipientReply& b) {
  return a.reply == b.reply && a.stage == b.stage;
}

inline std::ostream& operator<<(std::ostream& out, const SmtpReply& r) {
  return out << r.to_string();
}

inline std::ostream& operator<<(std::ostream& out, const RecipientReply& r) {
  return out << r.reply.to_string() << " @" << to_string(r.stage);
}

inline std::ostream& operator<<(std::ostream& out, SmtpEventKind kind) {
  static const char* const names[] = {"ready", "start_tls", "transaction_done", "failed", "closed"};
  return out << names[static_cast<int>(kind)];
}

} // namespace volley::protocol

namespace volley::protocol::client_test {

inline constexpr std::string_view kGreeting = "220 mx.test ESMTP ready\r\n";
inline constexpr std::string_view kEhloCommand = "EHLO client.test\r\n";
// Pipelining server with SIZE, 8BITMIME and SMTPUTF8.
inline constexpr std::string_view kEhloPipelining = "250-mx.test Hello\r\n250-PIPELINING\r\n"
                                                    "250-SIZE 100000\r\n250-8BITMIME\r\n"
                                                    "250 SMTPUTF8\r\n";
// Server without PIPELINING or SIZE.
inline constexpr std::string_view kEhloPlain = "250-mx.test Hello\r\n250 8BITMIME\r\n";
inline constexpr std::string_view kBody = "Subject: test\r\n\r\nhello\r\n";

inline SmtpClientOptions client_options() {
  SmtpClientOptions options;
  options.helo_name = "client.test";
  return options;
}

inline SmtpTransaction transaction(std::vector<std::string> recipients,
                                   std::string_view body = kBody) {
  SmtpTransaction t;
  t.mail_from = "bounce@sender.test";
  t.recipients = std::move(recipients);
  t.data = std::make_shared<const std::string>(body);
  return t;
}

class ClientConversation {
public:
  explicit ClientConversation(SmtpClientOptions options = client_options())
      : session(std::move(options)) {}

  // Feeds server bytes and returns everything the client wrote in response.
  std::string server(std::string_view bytes) {
    session.on_bytes(bytes);
    return output();
  }

  // Feeds one byte at a time; returns everything written meanwhile.
  std::string server_bytewise(std::string_view bytes) {
    std::string written;
    for (char c : bytes) {
      session.on_bytes(std::string_view(&c, 1));
      written += output();
    }
    return written;
  }

  std::string output() {
    pieces = session.take_output();
    std::string written;
    for (const SmtpOutput& piece : pieces)
      written.append(piece.bytes());
    return written;
  }

  std::vector<SmtpEvent> events() {
    std::vector<SmtpEvent> all;
    while (std::optional<SmtpEvent> event = session.poll_event())
      all.push_back(std::move(*event));
    return all;
  }

  std::vector<SmtpEventKind> kinds() {
    std::vector<SmtpEventKind> all;
    for (const SmtpEvent& event : events())
      all.push_back(event.kind);
    return all;
  }

  // Greeting and EHLO with the given capabilities; expects exactly one ready event.
  void make_ready(std::string_view ehlo_reply = kEhloPipelining) {
    EXPECT_EQ(server(kGreeting), kEhloCommand);
    EXPECT_EQ(server(ehlo_reply), "");
    EXPECT_EQ(kinds(), std::vector<SmtpEventKind>{SmtpEventKind::ready});
    EXPECT_EQ(session.state(), SmtpClientState::ready);
  }

  SmtpClientSession session;
  std::vector<SmtpOutput> pieces; // the pieces of the last output() call
};

// Polls the events and expects transaction_done (+ ready unless `then_ready` is false).
inline std::vector<RecipientReply> done(ClientConversation& c, bool then_ready = true) {
  std::vector<SmtpEvent> events = c.events();
  EXPECT_EQ(events.size(), then_ready ? 2u : 1u);
  if (events.empty() || events[0].kind != SmtpEventKind::transaction_done || !events[0].result) {
    ADD_FAILURE() << "no transaction_done event";
    return {};
  }
  if (then_ready && events.size() == 2) {
    EXPECT_EQ(events[1].kind, SmtpEventKind::ready);
  }
  return events[0].result->recipients;
}

// Polls the events and expects exactly one failed event.
inline SmtpEvent failed(ClientConversation& c) {
  std::vector<SmtpEvent> events = c.events();
  EXPECT_EQ(events.size(), 1u);
  if (events.empty() || events[0].kind != SmtpEventKind::failed) {
    ADD_FAILURE() << "no failed event";
    return {};
  }
  return events[0];
}

inline SmtpReply reply(int code, std::string enhanced, std::string text) {
  return SmtpReply::synthesized(code, std::move(enhanced), std::move(text));
}

inline RecipientReply recipient(int code, std::string enhanced, std::string text, SmtpStage stage) {
  return RecipientReply{reply(code, std::move(enhanced), std::move(text)), stage};
}

} // namespace volley::protocol::client_test
