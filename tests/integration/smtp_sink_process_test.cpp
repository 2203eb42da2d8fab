// Integration tests of the SmtpSinkProcess test peer: Postfix's smtp-source sends to Postfix's
// smtp-sink on loopback and the sink's counts must match exactly, in counting and in dump mode.
// Never sends to a non-loopback address; every wait is bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/captured_command.hpp"
#include "support/smtp_sink_process.hpp"

namespace volley::testing_support {
namespace {

// smtp-source: `sessions` parallel sessions, `messages` in all, `recipients` RCPTs per message.
CapturedCommand run_smtp_source(const SmtpSinkProcess& sink, int sessions, int messages,
                                int recipients, bool reuse_connections) {
  std::vector<std::string> argv = {smtp_source_path(),
                                   "-s",
                                   std::to_string(sessions),
                                   "-m",
                                   std::to_string(messages),
                                   "-r",
                                   std::to_string(recipients),
                                   "-l",
                                   "512",
                                   "-M",
                                   "source.test",
                                   "-f",
                                   "sender@source.test",
                                   "-t",
                                   "rcpt@sink.test"};
  if (reuse_connections)
    argv.emplace_back("-d");
  argv.push_back(sink.address());
  return capture_command(argv, std::chrono::seconds(120));
}

TEST(SmtpSinkProcess, CountsEveryMessageSmtpSourceSends) {
  SmtpSinkProcess sink;
  sink.start();
  ASSERT_NE(sink.port(), 0);
  const CapturedCommand source = run_smtp_source(sink, 5, 100, 2, false);
  ASSERT_EQ(source.exit_code, 0) << source.err << sink.errors();
  EXPECT_TRUE(sink.wait_for_messages(100, std::chrono::seconds(10)));
  const SmtpSinkCounters counters = sink.counters();
  EXPECT_EQ(counters.messages, 100u);
  EXPECT_EQ(counters.sessions, 100u); // one message per connection without -d
  EXPECT_EQ(sink.stop(), 128 + 15);   // smtp-sink has no SIGTERM handler
  EXPECT_EQ(sink.messages(), 100u);   // still readable after stop
}

TEST(SmtpSinkProcess, DumpModeKeepsEnvelopeAndContentOfEveryTransaction) {
  SmtpSinkProcess sink({.dump = true, .hostname = "dump.sink.test"});
  sink.start();
  const CapturedCommand source = run_smtp_source(sink, 4, 40, 3, true);
  ASSERT_EQ(source.exit_code, 0) << source.err << sink.errors();
  ASSERT_TRUE(sink.wait_for_messages(40, std::chrono::seconds(10)));
  const std::vector<SmtpSinkMessage> messages = sink.dumped_messages();
  ASSERT_EQ(messages.size(), 40u);
  EXPECT_EQ(sink.recipients(), 120u);
  EXPECT_EQ(sink.counters().sessions, 4u); // -d: every session carried 10 messages
  for (const SmtpSinkMessage& message : messages) {
    EXPECT_EQ(message.helo, "source.test");
    EXPECT_EQ(message.mail_from, "<sender@source.test>");
    ASSERT_EQ(message.rcpts.size(), 3u);
    EXPECT_EQ(message.rcpts.back(), "<rcpt@sink.test>");
    EXPECT_TRUE(message.content.starts_with("From: <sender@source.test>\n")) << message.content;
    EXPECT_TRUE(message.content.ends_with("X\n")) << message.content; // smtp-source's filler
  }
}

TEST(SmtpSinkProcess, RejectedRecipientsAreNotCounted) {
  // -r rcpt: every RCPT gets a 4xx, so no transaction reaches DATA.
  SmtpSinkProcess sink({.dump = true, .args = {"-r", "rcpt"}});
  sink.start();
  const CapturedCommand source = run_smtp_source(sink, 1, 5, 1, false);
  EXPECT_FALSE(source.timed_out);
  EXPECT_EQ(sink.messages(), 0u);
  EXPECT_EQ(sink.recipients(), 0u);
}

TEST(SmtpSinkProcess, TwoSinksGetDifferentPorts) {
  SmtpSinkProcess first;
  SmtpSinkProcess second;
  first.start();
  second.start();
  EXPECT_NE(first.port(), second.port());
  EXPECT_TRUE(first.running());
  EXPECT_TRUE(second.running());
}

} // namespace
} // namespace volley::testing_support
