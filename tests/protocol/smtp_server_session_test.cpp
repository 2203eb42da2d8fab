// Unit tests for the inbound SMTP server state machine (protocol/smtp_server_session.hpp) and its
// DATA receiver: byte strings in, reply bytes and hook calls out, including byte-at-a-time feeding
// and every split of the end-of-data sequence. Never opens a socket.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "protocol/smtp_data_receiver.hpp"
#include "protocol/smtp_server_session.hpp"

namespace {

using volley::protocol::SmtpDataReceiver;
using volley::protocol::SmtpMessageContent;
using volley::protocol::SmtpServerConfig;
using volley::protocol::SmtpServerDecision;
using volley::protocol::SmtpServerEnvelope;
using volley::protocol::SmtpServerHooks;
using volley::protocol::SmtpServerOutput;
using volley::protocol::SmtpServerSession;

struct ReceivedMessage {
  std::string mail_from;
  std::vector<std::string> rcpts;
  std::uint64_t size = 0;
  std::string body;
  bool tls = false;
};

// Hooks that record every call and answer from per-stage tables (default: accept).
class RecordingHooks : public SmtpServerHooks {
public:
  SmtpServerDecision connect_decision;
  SmtpServerDecision hello_decision;
  SmtpServerDecision mail_decision;
  std::map<std::string, SmtpServerDecision> rcpt_decisions; // by recipient
  SmtpServerDecision data_decision;
  SmtpServerDecision dot_decision;
  std::vector<ReceivedMessage> messages;
  std::vector<std::string> calls;

  SmtpServerDecision on_connect() override {
    calls.push_back("connect");
    return connect_decision;
  }
  SmtpServerDecision on_hello(const SmtpServerEnvelope&, std::string_view name) override {
    calls.push_back("hello " + std::string(name));
    return hello_decision;
  }
  SmtpServerDecision on_mail(const SmtpServerEnvelope& envelope) override {
    calls.push_back("mail " + envelope.mail_from);
    return mail_decision;
  }
  SmtpServerDecision on_rcpt(const SmtpServerEnvelope&, std::string_view rcpt) override {
    calls.push_back("rcpt " + std::string(rcpt));
    auto found = rcpt_decisions.find(std::string(rcpt));
    return found == rcpt_decisions.end() ? SmtpServerDecision{} : found->second;
  }
  SmtpServerDecision on_data(const SmtpServerEnvelope&) override {
    calls.push_back("data");
    return data_decision;
  }
  SmtpServerDecision on_end_of_data(const SmtpServerEnvelope&,
                                    const SmtpMessageContent& content) override {
    calls.push_back("dot " + std::to_string(content.size));
    return dot_decision;
  }
  void on_message(const SmtpServerEnvelope& envelope, const SmtpMessageContent& content) override {
    messages.push_back({envelope.mail_from, envelope.rcpts, content.size, std::string(content.body),
                        envelope.tls});
  }
};

SmtpServerConfig test_config() {
  SmtpServerConfig config;
  config.hostname = "sink.test";
  config.software = "volley";
  config.keep_body = true;
  config.max_message_size = 1000;
  config.max_line_bytes = 100;
  return config;
}

// A session plus its hooks; run() feeds bytes and returns what the session wants written.
struct Harness {
  explicit Harness(SmtpServerConfig config = test_config()) : session(std::move(config), hooks) {}
  std::string start() {
    session.start();
    return take().bytes;
  }
  std::string run(std::string_view bytes) {
    session.feed(bytes);
    return take().bytes;
  }
  SmtpServerOutput take() {
    SmtpServerOutput out;
    session.take_output(out);
    return out;
  }
  RecordingHooks hooks;
  SmtpServerSession session;
};

constexpr std::string_view kEhloReply = "250-sink.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
                                        "250-8BITMIME\r\n250-SMTPUTF8\r\n"
                                        "250 ENHANCEDSTATUSCODES\r\n";
constexpr std::string_view kTransaction = "EHLO client.test\r\nMAIL FROM:<a@x.test>\r\n"
                                          "RCPT TO:<b@y.test>\r\nDATA\r\n"
                                          "Subject: hi\r\n\r\n..dot\r\n.\r\nQUIT\r\n";
constexpr std::string_view kTransactionReplies =
    "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
    "250 2.0.0 Ok: message accepted\r\n221 2.0.0 Bye\r\n";

TEST(SmtpServerSession, GreetsAndAdvertisesExtensions) {
  Harness h;
  EXPECT_EQ(h.start(), "220 sink.test ESMTP volley\r\n");
  EXPECT_EQ(h.run("EHLO client.test\r\n"), kEhloReply);
  EXPECT_EQ(h.run("HELO client.test\r\n"), "250 sink.test\r\n");
  EXPECT_EQ(h.session.envelope().helo, "client.test");
  EXPECT_FALSE(h.session.envelope().esmtp);
}

TEST(SmtpServerSession, OmitsDisabledExtensions) {
  SmtpServerConfig config = test_config();
  config.pipelining = false;
  config.eight_bit_mime = false;
  config.smtputf8 = false;
  config.enhanced_status_codes = false;
  Harness h(config);
  h.start();
  EXPECT_EQ(h.run("EHLO c\r\n"), "250-sink.test\r\n250 SIZE 1000\r\n");
  EXPECT_EQ(h.run("NOOP\r\n"), "250 Ok\r\n");
}

TEST(SmtpServerSession, ReceivesAPipelinedTransactionInOneBatch) {
  Harness h;
  h.start();
  const std::string out = h.run(kTransaction);
  EXPECT_EQ(out, std::string(kEhloReply) + std::string(kTransactionReplies));
  ASSERT_EQ(h.hooks.messages.size(), 1u);
  const ReceivedMessage& message = h.hooks.messages[0];
  EXPECT_EQ(message.mail_from, "a@x.test");
  EXPECT_EQ(message.rcpts, std::vector<std::string>{"b@y.test"});
  EXPECT_EQ(message.body, "Subject: hi\r\n\r\n.dot\r\n");
  EXPECT_EQ(message.size, message.body.size());
  EXPECT_EQ(h.session.state(), SmtpServerSession::State::closed);
}

TEST(SmtpServerSession, ByteAtATimeGivesTheSameResult) {
  Harness whole;
  whole.start();
  const std::string expected = whole.run(kTransaction);
  Harness bytewise;
  bytewise.start();
  std::string out;
  for (char c : kTransaction)
    out += bytewise.run(std::string_view(&c, 1));
  EXPECT_EQ(out, expected);
  ASSERT_EQ(bytewise.hooks.messages.size(), 1u);
  EXPECT_EQ(bytewise.hooks.messages[0].body, whole.hooks.messages[0].body);
}

TEST(SmtpServerSession, FindsTheEndOfDataAcrossEverySplit) {
  const std::string input = "EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<r@y.test>\r\nDATA\r\n"
                            "a\r\n.\rb\r\n..\r\n.\r\nNOOP\r\n";
  for (std::size_t first = 0; first <= input.size(); ++first) {
    for (std::size_t second = first; second <= input.size(); second += 3) {
      Harness h;
      h.start();
      std::string out = h.run(std::string_view(input).substr(0, first));
      out += h.run(std::string_view(input).substr(first, second - first));
      out += h.run(std::string_view(input).substr(second));
      ASSERT_EQ(h.hooks.messages.size(), 1u) << first << "/" << second;
      EXPECT_EQ(h.hooks.messages[0].body, "a\r\n\rb\r\n.\r\n") << first << "/" << second;
      EXPECT_TRUE(out.ends_with("250 2.0.0 Ok: message accepted\r\n250 2.0.0 Ok\r\n"));
    }
  }
}

TEST(SmtpServerSession, AcceptsAnEmptyMessageAndUnterminatedLastLine) {
  Harness h;
  h.start();
  h.run("EHLO c\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n.\r\n");
  ASSERT_EQ(h.hooks.messages.size(), 1u);
  EXPECT_EQ(h.hooks.messages[0].size, 0u);
  h.run("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\nline\nstill line\r\n.\r\n");
  ASSERT_EQ(h.hooks.messages.size(), 2u);
  EXPECT_EQ(h.hooks.messages[1].body, "line\nstill line\r\n");
}

TEST(SmtpServerSession, DataReceiverStopsExactlyAtTheTerminator) {
  SmtpDataReceiver receiver;
  receiver.start(100, true);
  const std::string_view bytes = "x\r\n.\r\nMAIL FROM:<a@b>\r\n";
  EXPECT_EQ(receiver.consume(bytes), 6u);
  EXPECT_TRUE(receiver.finished());
  EXPECT_EQ(receiver.body(), "x\r\n");
  EXPECT_EQ(receiver.consume("more"), 0u);
}

TEST(SmtpServerSession, RejectsTooLargeMessagesWithoutKeepingThem) {
  Harness h;
  h.start();
  EXPECT_EQ(h.run("EHLO c\r\nMAIL FROM:<a@x.test> SIZE=1001\r\n"),
            std::string(kEhloReply) + "552 5.3.4 Error: message size exceeds the fixed maximum "
                                      "message size of 1000 bytes\r\n");
  h.run("MAIL FROM:<a@x.test> SIZE=10\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
  const std::string line(99, 'x');
  for (int i = 0; i < 20; ++i)
    h.run(line + "\r\n");
  EXPECT_EQ(h.run(".\r\n"), "552 5.3.4 Error: message exceeds the fixed maximum message size of "
                            "1000 bytes\r\n");
  EXPECT_TRUE(h.hooks.messages.empty());
  EXPECT_EQ(h.hooks.calls.back(), "data"); // end-of-data hook never asked for an oversized body
  EXPECT_EQ(h.run("RCPT TO:<b@y.test>\r\n"), "503 5.5.1 Error: need MAIL command first\r\n");
}

TEST(SmtpServerSession, RejectsLongCommandLinesWithBoundedMemory) {
  Harness h;
  h.start();
  const std::string long_line(1000, 'A');
  std::string out;
  for (int i = 0; i < 10; ++i) {
    out += h.run(long_line);
    EXPECT_LE(h.session.buffered_bytes(), 101u);
  }
  out += h.run("\r\nNOOP\r\n");
  EXPECT_EQ(out, "500 5.5.2 Error: command line longer than 100 bytes; send shorter lines\r\n"
                 "250 2.0.0 Ok\r\n");
}

TEST(SmtpServerSession, EnforcesCommandSequence) {
  Harness h;
  h.start();
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"), "503 5.5.1 Error: send EHLO or HELO first\r\n");
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("RCPT TO:<b@y.test>\r\n"), "503 5.5.1 Error: need MAIL command first\r\n");
  EXPECT_EQ(h.run("DATA\r\n"), "503 5.5.1 Error: need MAIL command first\r\n");
  h.run("MAIL FROM:<a@x.test>\r\n");
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"),
            "503 5.5.1 Error: nested MAIL command; send RSET first\r\n");
  EXPECT_EQ(h.run("DATA\r\n"),
            "503 5.5.1 Error: need RCPT command first (no valid recipients)\r\n");
  EXPECT_EQ(h.run("RSET\r\nRCPT TO:<b@y.test>\r\n"),
            "250 2.0.0 Ok\r\n503 5.5.1 Error: need MAIL command first\r\n");
}

TEST(SmtpServerSession, AnswersUnknownAndUnofferedCommands) {
  Harness h;
  h.start();
  EXPECT_EQ(h.run("FOO bar\r\n\r\nVRFY x\r\nSTARTTLS\r\n"),
            "500 5.5.2 Error: command not recognized\r\n500 5.5.2 Error: empty command line\r\n"
            "502 5.5.1 Error: command not implemented\r\n"
            "502 5.5.1 Error: STARTTLS is not offered\r\n");
  EXPECT_EQ(h.run("EHLO\r\n"), "501 5.5.4 Syntax: EHLO hostname\r\n");
}

TEST(SmtpServerSession, ChecksPathsAndParameters) {
  Harness h;
  h.start();
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("MAIL FROM:<a b@x>\r\n"),
            "501 5.5.4 Syntax: MAIL FROM:<address> [parameters]\r\n");
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test> RET=FULL\r\n"),
            "555 5.5.4 Error: MAIL parameter RET is not supported\r\n");
  EXPECT_EQ(h.run("MAIL FROM:<\xc3\xa9@x.test>\r\n"),
            "553 5.6.7 Error: a non-ASCII address needs the SMTPUTF8 parameter\r\n");
  EXPECT_EQ(h.run("mail from: <@relay.test:a@x.test> BODY=8BITMIME SMTPUTF8\r\n"),
            "250 2.1.0 Ok\r\n");
  EXPECT_EQ(h.session.envelope().mail_from, "a@x.test");
  EXPECT_TRUE(h.session.envelope().eight_bit_mime);
  EXPECT_EQ(h.run("RCPT TO:<>\r\nRCPT TO:<Postmaster>\r\nRCPT TO:<\xc3\xa9@y.test>\r\n"),
            "501 5.5.4 Syntax: RCPT TO:<address>\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n");
}

TEST(SmtpServerSession, LimitsRecipientsPerMessage) {
  SmtpServerConfig config = test_config();
  config.max_recipients = 2;
  Harness h(config);
  h.start();
  EXPECT_EQ(h.run("HELO c\r\nMAIL FROM:<>\r\nRCPT TO:<1@y>\r\nRCPT TO:<2@y>\r\nRCPT TO:<3@y>\r\n"),
            "250 sink.test\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
            "452 4.5.3 Error: too many recipients; at most 2 per message\r\n");
}

TEST(SmtpServerSession, StartTlsResetsTheSession) {
  SmtpServerConfig config = test_config();
  config.tls_available = true;
  Harness h(config);
  h.start();
  EXPECT_TRUE(h.run("EHLO c\r\n").ends_with("250-ENHANCEDSTATUSCODES\r\n250 STARTTLS\r\n"));
  h.run("MAIL FROM:<a@x.test>\r\n");
  h.session.feed("STARTTLS\r\n");
  SmtpServerOutput out = h.take();
  EXPECT_EQ(out.bytes, "220 2.0.0 Ready to start TLS\r\n");
  EXPECT_TRUE(out.start_tls_after);
  EXPECT_EQ(h.run("NOOP\r\n"), ""); // nothing is read until the handshake is done
  h.session.tls_started();
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"), "503 5.5.1 Error: send EHLO or HELO first\r\n");
  EXPECT_EQ(h.run("EHLO c\r\n"), kEhloReply); // no STARTTLS any more
  EXPECT_EQ(h.run("STARTTLS\r\n"), "503 5.5.1 Error: TLS is already active\r\n");
  h.run("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\nx\r\n.\r\n");
  ASSERT_EQ(h.hooks.messages.size(), 1u);
  EXPECT_TRUE(h.hooks.messages[0].tls);
}

TEST(SmtpServerSession, RefusesCommandsPipelinedAfterStartTls) {
  SmtpServerConfig config = test_config();
  config.tls_available = true;
  Harness h(config);
  h.start();
  h.run("EHLO c\r\n");
  h.session.feed("STARTTLS\r\nMAIL FROM:<evil@x.test>\r\n");
  SmtpServerOutput out = h.take();
  EXPECT_EQ(out.bytes,
            "554 5.5.1 Error: commands pipelined after STARTTLS; closing the connection\r\n");
  EXPECT_TRUE(out.close_after);
  EXPECT_FALSE(out.start_tls_after);
}

TEST(SmtpServerSession, HookRepliesReplaceThePositiveOnes) {
  Harness h;
  h.hooks.rcpt_decisions["bounce@y.test"] =
      SmtpServerDecision::replied(550, "5.1.1", "User unknown");
  h.hooks.rcpt_decisions["later@y.test"] = SmtpServerDecision::replied(451, "4.3.0", "Try later");
  h.hooks.dot_decision = SmtpServerDecision::replied(554, "5.7.1", "Rejected");
  h.start();
  h.run("EHLO c\r\nMAIL FROM:<a@x.test>\r\n");
  EXPECT_EQ(h.run("RCPT TO:<bounce@y.test>\r\nRCPT TO:<later@y.test>\r\nRCPT TO:<ok@y.test>\r\n"),
            "550 5.1.1 User unknown\r\n451 4.3.0 Try later\r\n250 2.1.5 Ok\r\n");
  EXPECT_EQ(h.session.envelope().rcpts, std::vector<std::string>{"ok@y.test"});
  EXPECT_EQ(h.run("DATA\r\nbody\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n554 5.7.1 Rejected\r\n");
  EXPECT_TRUE(h.hooks.messages.empty());
  EXPECT_TRUE(h.session.envelope().rcpts.empty());
}

TEST(SmtpServerSession, Reply421ClosesAndStopsReading) {
  Harness h;
  h.hooks.mail_decision = SmtpServerDecision::replied(421, "4.3.2", "Shutting down");
  h.start();
  h.session.feed("EHLO c\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\n");
  SmtpServerOutput out = h.take();
  EXPECT_EQ(out.bytes, std::string(kEhloReply) + "421 4.3.2 Shutting down\r\n");
  EXPECT_TRUE(out.close_after);
  EXPECT_EQ(h.hooks.calls.back(), "mail a@x.test");
}

TEST(SmtpServerSession, RefusedGreetingServesOnlyQuit) {
  Harness h;
  h.hooks.connect_decision = SmtpServerDecision::replied(554, "5.7.1", "No service");
  EXPECT_EQ(h.start(), "554 5.7.1 No service\r\n");
  EXPECT_EQ(h.run("EHLO c\r\nNOOP\r\nQUIT\r\n"),
            "503 5.5.1 Error: no SMTP service on this connection; send QUIT\r\n"
            "250 2.0.0 Ok\r\n221 2.0.0 Bye\r\n");
}

TEST(SmtpServerSession, DropClosesWithoutAReply) {
  Harness h;
  h.hooks.data_decision = SmtpServerDecision::dropped();
  h.start();
  h.session.feed("EHLO c\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\n");
  SmtpServerOutput out = h.take();
  EXPECT_TRUE(out.bytes.ends_with("250 2.1.5 Ok\r\n"));
  EXPECT_TRUE(out.close_after);
}

TEST(SmtpServerSession, DropDuringBodyClosesOnceBodyBytesArrive) {
  Harness h;
  h.hooks.data_decision.drop_during_body = true;
  h.start();
  h.run("EHLO c\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\n");
  EXPECT_EQ(h.run("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  h.session.feed("part of the body\r\n");
  SmtpServerOutput out = h.take();
  EXPECT_EQ(out.bytes, "");
  EXPECT_TRUE(out.close_after);
  EXPECT_TRUE(h.hooks.messages.empty());
}

TEST(SmtpServerSession, GarbageReplacesTheReplyAndTheSessionGoesOn) {
  Harness h;
  h.hooks.connect_decision = SmtpServerDecision::malformed();
  EXPECT_EQ(h.start(), "XYZ garbage: this line is not an SMTP reply\r\n");
  EXPECT_EQ(h.run("EHLO c\r\n"), kEhloReply);
}

TEST(SmtpServerSession, DelayedRepliesMarkWhereTheWriterPauses) {
  Harness h;
  h.hooks.rcpt_decisions["slow@y.test"].delay_ms = 250;
  h.start();
  h.session.feed("EHLO c\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<slow@y.test>\r\n");
  SmtpServerOutput out = h.take();
  ASSERT_EQ(out.pauses.size(), 1u);
  EXPECT_EQ(out.pauses[0].delay_ms, 250u);
  EXPECT_EQ(out.bytes.substr(out.pauses[0].offset), "250 2.1.5 Ok\r\n");
}

TEST(SmtpServerSession, IgnoresInputAfterQuit) {
  Harness h;
  h.start();
  EXPECT_EQ(h.run("QUIT\r\nNOOP\r\n"), "221 2.0.0 Bye\r\n");
  EXPECT_EQ(h.run("NOOP\r\n"), "");
}

} // namespace
