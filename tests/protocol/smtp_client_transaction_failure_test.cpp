// Unit tests for SmtpClientSession transactions that go wrong (protocol/smtp_client_session.hpp):
// 421 and connection loss mid-transaction, garbage and replies of the wrong class, replies ahead of
// their commands, RSET failure, send() outside ready and quit() mid-transaction. Every recipient
// must still get exactly one (transient) final reply. Byte strings only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp_client_conversation.hpp"

namespace {

using namespace volley::protocol;
using namespace volley::protocol::client_test;
using Replies = std::vector<RecipientReply>;

TEST(SmtpClientTransactionFailure, WithoutPipeliningRepliesAheadOfCommandsFail) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  c.session.send(transaction({"a@x.test"}));
  c.output();
  // The RCPT reply arrives in the same read as the MAIL reply: RCPT was not even written yet.
  EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n"), "RCPT TO:<a@x.test>\r\n");
  const SmtpEvent event = failed(c);
  EXPECT_EQ(event.failure.enhanced, "4.5.0");
  EXPECT_EQ(event.stage, SmtpStage::rcpt);
  ASSERT_TRUE(event.result.has_value());
  EXPECT_TRUE(event.result->recipients[0].reply.transient());
}

TEST(SmtpClientTransactionFailure, Reply421MidTransaction) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test", "c@x.test"}));
  c.output();
  EXPECT_EQ(c.server("250 ok\r\n550 5.1.1 unknown\r\n421 4.7.0 closing, too many errors\r\n"), "");
  const SmtpEvent event = failed(c);
  EXPECT_EQ(event.failure.code, 421);
  EXPECT_EQ(event.stage, SmtpStage::rcpt);
  ASSERT_TRUE(event.result.has_value());
  EXPECT_EQ(event.result->recipients,
            (Replies{recipient(550, "5.1.1", "unknown", SmtpStage::rcpt),
                     recipient(421, "4.7.0", "closing, too many errors", SmtpStage::rcpt),
                     recipient(421, "4.7.0", "closing, too many errors", SmtpStage::rcpt)}));
  EXPECT_EQ(c.session.state(), SmtpClientState::failed);
  c.server("250 ok\r\n"); // ignored
  EXPECT_TRUE(c.events().empty());
}

TEST(SmtpClientTransactionFailure, Reply421AtDataGoesToAcceptedRecipients) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  c.output();
  c.server("250 ok\r\n250 ok\r\n550 no\r\n421 4.3.2 shutting down\r\n");
  const SmtpEvent event = failed(c);
  EXPECT_EQ(event.stage, SmtpStage::data);
  ASSERT_TRUE(event.result.has_value());
  EXPECT_EQ(event.result->recipients,
            (Replies{recipient(421, "4.3.2", "shutting down", SmtpStage::data),
                     recipient(550, "", "no", SmtpStage::rcpt)}));
}

TEST(SmtpClientTransactionFailure, ConnectionLostAfterTheDot) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  c.output();
  c.server("250 ok\r\n550 no\r\n250 ok\r\n354 go\r\n");
  EXPECT_EQ(c.output(), ""); // body was already taken by server()
  c.session.on_connection_lost("connection reset by peer");
  const SmtpEvent event = failed(c);
  EXPECT_EQ(event.failure.code, 451);
  EXPECT_EQ(event.failure.enhanced, "4.4.2");
  EXPECT_EQ(event.stage, SmtpStage::dot);
  ASSERT_TRUE(event.result.has_value());
  EXPECT_EQ(event.result->recipients,
            (Replies{recipient(550, "", "no", SmtpStage::rcpt),
                     recipient(451, "4.4.2", "connection lost: connection reset by peer",
                               SmtpStage::dot)}));
}

TEST(SmtpClientTransactionFailure, ConnectionLostBeforeAnyReply) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  c.output();
  c.session.on_connection_lost("eof");
  const SmtpEvent event = failed(c);
  EXPECT_EQ(event.stage, SmtpStage::mail);
  ASSERT_TRUE(event.result.has_value());
  ASSERT_EQ(event.result->recipients.size(), 2u);
  EXPECT_EQ(event.result->recipients[1],
            recipient(451, "4.4.2", "connection lost: eof", SmtpStage::mail));
}

TEST(SmtpClientTransactionFailure, GarbageMidTransactionDefersRecipients) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test"}));
  c.output();
  c.server("250 ok\r\n250 ok\r\n354 go\r\n");
  c.server("250 ok but then\r\n<html>\r\n");
  // The "." reply arrived; the garbage after it is out of turn and fails the (idle) session. The
  // ready event in between is withdrawn so that nobody sends into the failed session.
  std::vector<SmtpEvent> events = c.events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, SmtpEventKind::transaction_done);
  EXPECT_EQ(events[0].result->recipients[0].reply.code, 250);
  EXPECT_EQ(events[1].kind, SmtpEventKind::failed);
  EXPECT_FALSE(events[1].result.has_value());

  ClientConversation d;
  d.make_ready();
  d.session.send(transaction({"a@x.test"}));
  d.output();
  d.server("250 ok\r\n250 ok\r\n354 go\r\n");
  d.server("HTTP/1.1 400 Bad Request\r\n");
  const SmtpEvent event = failed(d);
  EXPECT_EQ(event.failure.code, 421);
  EXPECT_EQ(event.failure.enhanced, "4.5.0");
  ASSERT_TRUE(event.result.has_value());
  EXPECT_EQ(event.result->recipients[0].reply.code, 421);
  EXPECT_EQ(event.result->recipients[0].stage, SmtpStage::dot);
}

TEST(SmtpClientTransactionFailure, WrongReplyClassesAreProtocolErrors) {
  struct Case {
    const char* replies;
    SmtpStage stage;
  };
  for (const Case& k :
       {Case{"354 mail?\r\n", SmtpStage::mail}, Case{"250 ok\r\n354 rcpt?\r\n", SmtpStage::rcpt},
        Case{"250 ok\r\n250 ok\r\n250 data?\r\n", SmtpStage::data}}) {
    ClientConversation c;
    c.make_ready();
    c.session.send(transaction({"a@x.test"}));
    c.output();
    EXPECT_EQ(c.server(k.replies), "") << k.replies;
    const SmtpEvent event = failed(c);
    EXPECT_EQ(event.failure.code, 421) << k.replies;
    EXPECT_EQ(event.stage, k.stage) << k.replies;
    ASSERT_TRUE(event.result.has_value());
    EXPECT_TRUE(event.result->recipients[0].reply.transient()) << "never delivered nor bounced";
  }
}

TEST(SmtpClientTransactionFailure, RsetFailureFailsTheSession) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test"}));
  c.output();
  c.server("550 no\r\n503 x\r\n503 x\r\n");
  EXPECT_EQ(done(c, false).size(), 1u);
  c.server("500 what RSET\r\n");
  const SmtpEvent event = failed(c);
  EXPECT_EQ(event.stage, SmtpStage::rset);
  EXPECT_EQ(event.failure.code, 500);
  EXPECT_FALSE(event.result.has_value());
}

TEST(SmtpClientTransactionFailure, SendWhenNotReadyDefersEveryRecipient) {
  ClientConversation c;
  c.server(kGreeting);
  c.output();
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  EXPECT_EQ(c.output(), "");
  std::vector<SmtpEvent> events = c.events();
  ASSERT_EQ(events.size(), 1u);
  ASSERT_TRUE(events[0].result.has_value());
  ASSERT_EQ(events[0].result->recipients.size(), 2u);
  EXPECT_EQ(events[0].result->recipients[0].reply.code, 451);
  EXPECT_EQ(c.session.state(), SmtpClientState::ehlo);
}

TEST(SmtpClientTransactionFailure, QuitMidTransactionDefersRecipients) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test"}));
  c.output();
  c.session.quit();
  EXPECT_EQ(c.output(), "");
  const SmtpEvent event = failed(c);
  ASSERT_TRUE(event.result.has_value());
  EXPECT_TRUE(event.result->recipients[0].reply.transient());
}

} // namespace
