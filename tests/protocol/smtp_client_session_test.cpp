// Unit tests for the connection part of SmtpClientSession (protocol/smtp_client_session.hpp):
// greeting, EHLO and the HELO fallback, STARTTLS (opportunistic, required, refused, injected
// bytes), protocol errors and limits, out-of-turn data, QUIT and connection loss. Byte strings
// only.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "smtp_client_conversation.hpp"

namespace {

using namespace volley::protocol;
using namespace volley::protocol::client_test;
using Kinds = std::vector<SmtpEventKind>;

constexpr std::string_view kEhloStarttls = "250-mx.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n";
constexpr std::string_view kEhloAfterTls = "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 500\r\n"
                                           "250 STARTTLS\r\n";

SmtpEvent only_event(ClientConversation& c) {
  std::vector<SmtpEvent> events = c.events();
  EXPECT_EQ(events.size(), 1u);
  return events.empty() ? SmtpEvent{} : events.front();
}

void expect_failed(ClientConversation& c, int code, std::string_view enhanced,
                   std::string_view text_part, SmtpStage stage) {
  const SmtpEvent event = only_event(c);
  EXPECT_EQ(event.kind, SmtpEventKind::failed);
  EXPECT_EQ(event.failure.code, code);
  EXPECT_EQ(event.failure.enhanced, enhanced);
  EXPECT_NE(event.failure.text.find(text_part), std::string::npos) << event.failure.text;
  EXPECT_EQ(event.stage, stage) << to_string(event.stage);
  EXPECT_FALSE(event.result.has_value());
  EXPECT_EQ(c.session.state(), SmtpClientState::failed);
}

TEST(SmtpClientSession, GreetingThenEhloThenReady) {
  ClientConversation c;
  EXPECT_EQ(c.session.state(), SmtpClientState::greeting);
  EXPECT_FALSE(c.session.has_output()); // the server speaks first
  EXPECT_EQ(c.server(kGreeting), kEhloCommand);
  EXPECT_EQ(c.session.state(), SmtpClientState::ehlo);
  EXPECT_EQ(c.session.greeting().text, "mx.test ESMTP ready");
  EXPECT_TRUE(c.events().empty());
  EXPECT_EQ(c.server(kEhloPipelining), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
  const EsmtpCapabilities& caps = c.session.capabilities();
  EXPECT_TRUE(caps.esmtp);
  EXPECT_TRUE(caps.pipelining);
  EXPECT_EQ(caps.max_size, 100000u);
  EXPECT_EQ(caps.server_name, "mx.test");
  EXPECT_FALSE(c.session.tls_active());
}

TEST(SmtpClientSession, HandshakeFedByteByByte) {
  ClientConversation c;
  EXPECT_EQ(c.server_bytewise("220-mx.test first\r\n220 second\n"), kEhloCommand);
  EXPECT_EQ(c.server_bytewise(kEhloPipelining), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
  EXPECT_EQ(c.session.greeting().text, "mx.test first\nsecond");
}

TEST(SmtpClientSession, ReplyBeforeItsCommandWasWrittenFails) {
  ClientConversation c;
  // An EHLO reply in the same read as the greeting came before EHLO was even written.
  EXPECT_EQ(c.server(std::string(kGreeting) + std::string(kEhloPipelining)), kEhloCommand);
  expect_failed(c, 421, "4.5.0", "before the command it answers was written", SmtpStage::ehlo);
}

TEST(SmtpClientSession, TransientAndPermanentGreetingsFail) {
  for (const char* greeting :
       {"421 4.3.2 busy, try later\r\n", "554 no SMTP service here\r\n", "450 not now\r\n"}) {
    ClientConversation c;
    EXPECT_EQ(c.server(greeting), "") << greeting;
    const SmtpEvent event = only_event(c);
    EXPECT_EQ(event.kind, SmtpEventKind::failed);
    EXPECT_EQ(event.stage, SmtpStage::greeting);
    EXPECT_EQ(event.failure.code, std::stoi(std::string(greeting, 3)));
    EXPECT_EQ(c.session.greeting().code, event.failure.code);
  }
}

TEST(SmtpClientSession, GarbageGreetingIsTransientProtocolError) {
  ClientConversation c;
  EXPECT_EQ(c.server("SSH-2.0-OpenSSH_9.2\r\n"), "");
  expect_failed(c, 421, "4.5.0", "protocol error: reply line without a 3-digit code",
                SmtpStage::greeting);
}

TEST(SmtpClientSession, IntermediateGreetingIsProtocolError) {
  ClientConversation c;
  EXPECT_EQ(c.server("354 what\r\n"), "");
  expect_failed(c, 421, "4.5.0", "protocol error", SmtpStage::greeting);
}

TEST(SmtpClientSession, OverLongGreetingLineFailsWithoutLineEnd) {
  SmtpClientOptions options = client_options();
  options.reply_limits.max_line_bytes = 100;
  ClientConversation c(options);
  EXPECT_EQ(c.server("220 " + std::string(200, 'x')), "");
  expect_failed(c, 421, "4.5.0", "longer than 100 bytes", SmtpStage::greeting);
}

TEST(SmtpClientSession, TooManyEhloLinesFail) {
  SmtpClientOptions options = client_options();
  options.reply_limits.max_lines = 4;
  ClientConversation c(options);
  c.server(kGreeting);
  EXPECT_EQ(c.server("250-a\r\n250-b\r\n250-c\r\n250-d\r\n250 e\r\n"), "");
  expect_failed(c, 421, "4.5.0", "more than 4 lines", SmtpStage::ehlo);
}

TEST(SmtpClientSession, EhloPermanentFailureFallsBackToHelo) {
  ClientConversation c;
  c.server(kGreeting);
  EXPECT_EQ(c.server("502 5.5.1 command not recognized\r\n"), "HELO client.test\r\n");
  EXPECT_EQ(c.session.state(), SmtpClientState::helo);
  EXPECT_TRUE(c.events().empty());
  EXPECT_EQ(c.server("250 old.mx.test\r\n"), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
  EXPECT_FALSE(c.session.capabilities().esmtp);
  EXPECT_FALSE(c.session.capabilities().pipelining);
  EXPECT_EQ(c.session.capabilities().server_name, "old.mx.test");
}

TEST(SmtpClientSession, HeloRejectedFails) {
  ClientConversation c;
  c.server(kGreeting);
  c.server("500 what\r\n");
  EXPECT_EQ(c.server("550 go away\r\n"), "");
  expect_failed(c, 550, "", "go away", SmtpStage::ehlo);
}

TEST(SmtpClientSession, EhloTransientFailureFails) {
  ClientConversation c;
  c.server(kGreeting);
  EXPECT_EQ(c.server("451 4.3.0 local problem\r\n"), "");
  expect_failed(c, 451, "4.3.0", "local problem", SmtpStage::ehlo);
}

TEST(SmtpClientSession, Reply421AtEhloFails) {
  ClientConversation c;
  c.server(kGreeting);
  EXPECT_EQ(c.server("421 4.7.0 too many connections\r\n"), "");
  expect_failed(c, 421, "4.7.0", "too many connections", SmtpStage::ehlo);
}

TEST(SmtpClientSession, StarttlsThenEhloAgainThenReady) {
  ClientConversation c;
  c.server(kGreeting);
  EXPECT_EQ(c.server(kEhloStarttls), "STARTTLS\r\n");
  EXPECT_TRUE(c.events().empty()); // not ready before TLS
  EXPECT_EQ(c.session.state(), SmtpClientState::starttls);
  EXPECT_EQ(c.server("220 2.0.0 go ahead\r\n"), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::start_tls});
  EXPECT_EQ(c.session.state(), SmtpClientState::tls_handshake);
  c.session.on_tls_established();
  EXPECT_EQ(c.output(), kEhloCommand);
  EXPECT_TRUE(c.session.tls_active());
  EXPECT_EQ(c.server(kEhloAfterTls), ""); // STARTTLS offered again: not repeated
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
  EXPECT_EQ(c.session.capabilities().max_size, 500u); // re-parsed after TLS
}

TEST(SmtpClientSession, BytesAfterStarttls220InSameFeedFail) {
  ClientConversation c;
  c.server(kGreeting);
  c.server(kEhloStarttls);
  EXPECT_EQ(c.server("220 go ahead\r\n250 injected\r\n"), "");
  expect_failed(c, 421, "4.5.0", "before the TLS handshake", SmtpStage::starttls);
}

TEST(SmtpClientSession, BytesDuringTlsHandshakeFail) {
  ClientConversation c;
  c.server(kGreeting);
  c.server(kEhloStarttls);
  c.server("220 go ahead\r\n");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::start_tls});
  EXPECT_EQ(c.server("x"), "");
  expect_failed(c, 421, "4.5.0", "before the TLS handshake", SmtpStage::starttls);
  c.session.on_tls_established(); // too late: ignored
  EXPECT_EQ(c.output(), "");
  EXPECT_TRUE(c.events().empty());
}

TEST(SmtpClientSession, TlsHandshakeFailure) {
  ClientConversation c;
  c.server(kGreeting);
  c.server(kEhloStarttls);
  c.server("220 go ahead\r\n");
  c.events();
  c.session.on_tls_failed("certificate verify failed");
  expect_failed(c, 421, "4.7.0", "TLS handshake failed: certificate verify failed",
                SmtpStage::starttls);
}

TEST(SmtpClientSession, RequiredTlsNotOfferedFails) {
  SmtpClientOptions options = client_options();
  options.require_tls = true;
  ClientConversation c(options);
  c.server(kGreeting);
  EXPECT_EQ(c.server(kEhloPipelining), "");
  expect_failed(c, 421, "4.7.10", "TLS is required", SmtpStage::ehlo);
}

TEST(SmtpClientSession, RequiredTlsAfterHeloFallbackFails) {
  SmtpClientOptions options = client_options();
  options.require_tls = true;
  ClientConversation c(options);
  c.server(kGreeting);
  c.server("500 unknown\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "");
  expect_failed(c, 421, "4.7.10", "does not offer STARTTLS", SmtpStage::ehlo);
}

TEST(SmtpClientSession, RefusedStarttlsContinuesInPlaintext) {
  ClientConversation c;
  c.server(kGreeting);
  c.server(kEhloStarttls);
  EXPECT_EQ(c.server("454 4.7.0 TLS not available\r\n"), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
  EXPECT_FALSE(c.session.tls_active());
  EXPECT_TRUE(c.session.capabilities().pipelining);
}

TEST(SmtpClientSession, RefusedStarttlsFailsWhenTlsRequired) {
  SmtpClientOptions options = client_options();
  options.require_tls = true;
  ClientConversation c(options);
  c.server(kGreeting);
  c.server(kEhloStarttls);
  EXPECT_EQ(c.server("554 5.7.0 no TLS for you\r\n"), "");
  // Transient although the server said 5xx: our policy, not the recipient, is the reason.
  expect_failed(c, 421, "4.7.10", "STARTTLS was refused: 554 5.7.0 no TLS for you",
                SmtpStage::starttls);
}

TEST(SmtpClientSession, StarttlsNotUsedWhenDisabled) {
  SmtpClientOptions options = client_options();
  options.use_starttls = false;
  ClientConversation c(options);
  c.server(kGreeting);
  EXPECT_EQ(c.server(kEhloStarttls), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
}

TEST(SmtpClientSession, DataWhenNoReplyExpectedFails) {
  ClientConversation c;
  c.make_ready();
  EXPECT_EQ(c.server("250 surprise\r\n"), "");
  expect_failed(c, 421, "4.5.0", "reply when none was expected: 250 surprise", SmtpStage::connect);
}

TEST(SmtpClientSession, PartialLineWhenNoReplyExpectedFails) {
  ClientConversation c;
  c.make_ready();
  c.server("2");
  expect_failed(c, 421, "4.5.0", "no reply was expected", SmtpStage::connect);
}

TEST(SmtpClientSession, QuitFromReady) {
  ClientConversation c;
  c.make_ready();
  c.session.quit();
  EXPECT_EQ(c.output(), "QUIT\r\n");
  EXPECT_EQ(c.session.state(), SmtpClientState::quitting);
  c.session.quit(); // repeated: nothing more
  EXPECT_EQ(c.output(), "");
  EXPECT_EQ(c.server("221 2.0.0 bye\r\n"), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::closed});
  EXPECT_EQ(c.session.state(), SmtpClientState::closed);
  c.server("garbage after close\r\n");
  c.session.on_connection_lost("eof");
  EXPECT_TRUE(c.events().empty());
}

TEST(SmtpClientSession, AnyReplyOrConnectionLossClosesAfterQuit) {
  for (const char* reply : {"500 what\r\n", "421 bye\r\n", ""}) {
    ClientConversation c;
    c.make_ready();
    c.session.quit();
    c.output();
    if (*reply)
      c.server(reply);
    else
      c.session.on_connection_lost("connection closed by the server");
    EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::closed}) << reply;
  }
}

TEST(SmtpClientSession, QuitBeforeReadyClosesWithoutOutput) {
  ClientConversation c;
  c.server(kGreeting);
  c.output();
  c.session.quit();
  EXPECT_EQ(c.output(), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::closed});
  EXPECT_EQ(c.session.state(), SmtpClientState::closed);
}

TEST(SmtpClientSession, ConnectionLostDuringHandshake) {
  ClientConversation c;
  c.session.on_connection_lost("connection reset by peer");
  expect_failed(c, 451, "4.4.2", "connection lost: connection reset by peer", SmtpStage::greeting);
}

TEST(SmtpClientSession, ConnectionLostWhileIdle) {
  ClientConversation c;
  c.make_ready();
  c.session.on_connection_lost("timed out");
  expect_failed(c, 451, "4.4.2", "timed out", SmtpStage::connect);
}

TEST(SmtpClientSession, OnlyOneFailedEventAndInputIgnoredAfterwards) {
  ClientConversation c;
  c.server("garbage\r\n");
  c.server("220 fine now\r\n");
  c.session.on_connection_lost("eof");
  c.session.on_tls_failed("x");
  c.session.quit();
  const std::vector<SmtpEvent> events = c.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, SmtpEventKind::failed);
  EXPECT_EQ(c.output(), "");
}

TEST(SmtpClientSession, HeloNameWithLineBreakRejectedAtConstruction) {
  SmtpClientOptions options;
  options.helo_name = "evil\r\nRCPT TO:<x@y>";
  EXPECT_THROW(SmtpClientSession session(options), std::invalid_argument);
  options.helo_name = "";
  EXPECT_THROW(SmtpClientSession session(options), std::invalid_argument);
}

TEST(SmtpClientSession, StageNames) {
  EXPECT_STREQ(to_string(SmtpStage::connect), "connect");
  EXPECT_STREQ(to_string(SmtpStage::rcpt), "rcpt");
  EXPECT_STREQ(to_string(SmtpStage::dot), "dot");
  EXPECT_STREQ(to_string(SmtpStage::quit), "quit");
}

} // namespace
