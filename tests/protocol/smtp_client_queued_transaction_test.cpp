// Unit tests for a transaction queued behind the current one (SmtpClientSession::send while a
// pipelined transaction is in progress): its MAIL/RCPT/DATA follow the current body's "." in the
// same write (RFC 2920 §3.1) or go out at once when the "." already went out; the "." reply ends
// the current transaction and the queued one goes on without a ready event; results keep their
// order; a queued transaction that would be refused before sending, or that follows a failed
// transaction (RSET), starts normally afterwards; a failure gives the queued recipients a result;
// without PIPELINING nothing can be queued. Byte strings only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp_client_conversation.hpp"

namespace {

using namespace volley::protocol;
using namespace volley::protocol::client_test;
using Kinds = std::vector<SmtpEventKind>;
using Replies = std::vector<RecipientReply>;

constexpr std::string_view kEnvelopeA =
    "MAIL FROM:<bounce@sender.test> SIZE=24\r\nRCPT TO:<a@example.test>\r\nDATA\r\n";
constexpr std::string_view kEnvelopeB =
    "MAIL FROM:<bounce@sender.test> SIZE=24\r\nRCPT TO:<b@example.test>\r\nDATA\r\n";
constexpr std::string_view kAccepted = "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n";

std::vector<SmtpEvent> events_of(ClientConversation& c) {
  return c.events();
}

// Ready, A (to a@) sent, then B queued behind it; returns what B's send() wrote at once.
std::string a_sent_then_b_queued(ClientConversation& c,
                                 SmtpTransaction b = transaction({"b@example.test"})) {
  c.make_ready();
  c.session.send(transaction({"a@example.test"}));
  EXPECT_EQ(c.output(), kEnvelopeA);
  EXPECT_TRUE(c.session.can_queue());
  c.session.send(std::move(b));
  return c.output();
}

TEST(SmtpClientQueuedTransaction, QueuedEnvelopeFollowsTheDotInTheSameWrite) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@example.test"}));
  EXPECT_EQ(c.output(), kEnvelopeA);
  ASSERT_TRUE(c.session.can_queue());
  c.session.send(transaction({"b@example.test"}));
  EXPECT_FALSE(c.session.can_queue()); // one queued at a time
  EXPECT_EQ(c.output(), "");           // waits for A's body
  EXPECT_EQ(c.server(kAccepted), std::string(kBody) + ".\r\n" + std::string(kEnvelopeB));
  EXPECT_TRUE(c.events().empty());
  // A's "." reply and B's envelope replies arrive together: B's body goes out at once.
  EXPECT_EQ(c.server("250 2.0.0 A queued\r\n" + std::string(kAccepted)),
            std::string(kBody) + ".\r\n");
  std::vector<SmtpEvent> events = events_of(c);
  ASSERT_EQ(events.size(), 1u); // A done; no ready event: B is in progress
  EXPECT_EQ(events[0].kind, SmtpEventKind::transaction_done);
  EXPECT_EQ(events[0].result->recipients,
            (Replies{recipient(250, "2.0.0", "A queued", SmtpStage::dot)}));
  EXPECT_EQ(c.session.state(), SmtpClientState::in_transaction);
  EXPECT_EQ(c.server("250 2.0.0 B queued\r\n"), "");
  EXPECT_EQ(done(c), (Replies{recipient(250, "2.0.0", "B queued", SmtpStage::dot)}));
  EXPECT_EQ(c.session.transactions_done(), 2u);
}

TEST(SmtpClientQueuedTransaction, QueuedAfterTheDotGoesOutAtOnce) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@example.test"}));
  c.output();
  EXPECT_EQ(c.server(kAccepted), std::string(kBody) + ".\r\n");
  c.session.send(transaction({"b@example.test"}));
  EXPECT_EQ(c.output(), kEnvelopeB);
  EXPECT_EQ(c.server("250 2.0.0 A\r\n"), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::transaction_done});
  EXPECT_EQ(c.server(kAccepted), std::string(kBody) + ".\r\n");
  EXPECT_EQ(c.server("250 2.0.0 B\r\n"), "");
  EXPECT_EQ(done(c), (Replies{recipient(250, "2.0.0", "B", SmtpStage::dot)}));
}

// A rejected "." ends A (no RSET is needed after the end of data); B's replies are its own.
TEST(SmtpClientQueuedTransaction, RejectedDotThenQueuedRecipientRejected) {
  ClientConversation c;
  EXPECT_EQ(a_sent_then_b_queued(c), ""); // B waits for A's body
  c.server(kAccepted);
  EXPECT_EQ(c.server("554 5.7.1 A rejected\r\n250 2.1.0 ok\r\n550 5.1.1 no b\r\n554 5.5.1 no "
                     "valid recipients\r\n"),
            "RSET\r\n");
  std::vector<SmtpEvent> events = events_of(c);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].result->recipients,
            (Replies{recipient(554, "5.7.1", "A rejected", SmtpStage::dot)}));
  EXPECT_EQ(events[1].result->recipients,
            (Replies{recipient(550, "5.1.1", "no b", SmtpStage::rcpt)}));
  EXPECT_EQ(c.server("250 2.0.0 reset\r\n"), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
}

// A queued transaction after one that needs RSET (its DATA failed): never sent early, it starts
// once the RSET is answered, with no ready event in between.
TEST(SmtpClientQueuedTransaction, QueuedBehindAFailedTransactionStartsAfterRset) {
  ClientConversation c;
  EXPECT_EQ(a_sent_then_b_queued(c), ""); // B waits for A's body
  EXPECT_EQ(c.server("250 2.1.0 ok\r\n250 2.1.5 ok\r\n451 4.3.0 try later\r\n"), "RSET\r\n");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::transaction_done});
  EXPECT_EQ(c.server("250 2.0.0 reset\r\n"), kEnvelopeB);
  EXPECT_TRUE(c.events().empty());
  EXPECT_EQ(c.server(kAccepted), std::string(kBody) + ".\r\n");
  EXPECT_EQ(c.server("250 2.0.0 B\r\n"), "");
  EXPECT_EQ(done(c), (Replies{recipient(250, "2.0.0", "B", SmtpStage::dot)}));
}

// Too big for SIZE: not sent early; refused (in order, after A's result) when it would start.
TEST(SmtpClientQueuedTransaction, QueuedRefusalComesAfterTheCurrentResult) {
  ClientConversation c;
  a_sent_then_b_queued(c, transaction({"b@example.test"}, std::string(200000, 'x') + "\r\n"));
  EXPECT_EQ(c.server(kAccepted), std::string(kBody) + ".\r\n"); // no envelope for B
  EXPECT_EQ(c.server("250 2.0.0 A\r\n"), "");
  std::vector<SmtpEvent> events = events_of(c);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].result->recipients[0].reply.text, "A");
  EXPECT_EQ(events[1].kind, SmtpEventKind::transaction_done);
  EXPECT_EQ(events[1].result->recipients[0].reply.code, 552);
  EXPECT_EQ(events[2].kind, SmtpEventKind::ready);
}

// The connection drops after B's envelope went out: A and B both get the transient failure.
TEST(SmtpClientQueuedTransaction, ConnectionLossGivesTheQueuedRecipientsAResult) {
  ClientConversation c;
  a_sent_then_b_queued(c, transaction({"b@example.test", "c@example.test"}));
  c.server(kAccepted);
  c.session.on_connection_lost("reset by peer");
  const SmtpEvent event = failed(c);
  ASSERT_TRUE(event.result && event.queued_result);
  EXPECT_EQ(event.result->recipients.size(), 1u);
  EXPECT_EQ(event.result->recipients[0].reply.code, 451);
  EXPECT_EQ(event.result->recipients[0].stage, SmtpStage::dot);
  ASSERT_EQ(event.queued_result->recipients.size(), 2u);
  for (const RecipientReply& r : event.queued_result->recipients)
    EXPECT_EQ(r.reply.code, 451);
}

// 421 in answer to the queued MAIL: A is delivered, B is deferred with the server's reply.
TEST(SmtpClientQueuedTransaction, ServerClosingAtTheQueuedMailFailsOnlyTheQueuedOne) {
  ClientConversation c;
  EXPECT_EQ(a_sent_then_b_queued(c), ""); // B waits for A's body
  c.server(kAccepted);
  c.server("250 2.0.0 A\r\n421 4.7.0 closing\r\n");
  std::vector<SmtpEvent> events = events_of(c);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, SmtpEventKind::transaction_done);
  EXPECT_EQ(events[0].result->recipients[0].reply.code, 250);
  EXPECT_EQ(events[1].kind, SmtpEventKind::failed);
  ASSERT_TRUE(events[1].result);
  EXPECT_EQ(events[1].result->recipients[0].reply.code, 421);
  EXPECT_FALSE(events[1].queued_result);
}

TEST(SmtpClientQueuedTransaction, NothingCanBeQueuedWithoutPipeliningOrWhenReady) {
  ClientConversation plain;
  plain.make_ready(kEhloPlain);
  EXPECT_FALSE(plain.session.can_queue()); // ready: send() starts it directly
  plain.session.send(transaction({"a@example.test"}));
  plain.output();
  EXPECT_FALSE(plain.session.can_queue());
  plain.session.send(transaction({"b@example.test"}));
  const std::vector<SmtpEvent> events = events_of(plain);
  ASSERT_EQ(events.size(), 1u); // refused as an engine bug, with a transient reply
  EXPECT_EQ(events[0].result->recipients[0].reply.code, 451);
}

} // namespace
