// Unit tests for SmtpClientSession transactions (protocol/smtp_client_session.hpp): pipelined and
// one-at-a-time MAIL/RCPT/DATA, partial acceptance, rejections at every stage, RSET only when
// needed, refusals before sending (SIZE, SMTPUTF8, unsafe addresses), many transactions per
// session and every feed split. Failures: smtp_client_transaction_failure_test.cpp. Byte strings
// only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp_client_conversation.hpp"

namespace {

using namespace volley::protocol;
using namespace volley::protocol::client_test;
using Kinds = std::vector<SmtpEventKind>;
using Replies = std::vector<RecipientReply>;

constexpr std::string_view kMailFrom = "MAIL FROM:<bounce@sender.test> SIZE=24\r\n";
constexpr std::string_view kMailFromNoSize = "MAIL FROM:<bounce@sender.test>\r\n";

TEST(SmtpClientTransaction, PipelinedSingleRecipientDelivered) {
  ClientConversation c;
  c.make_ready();
  SmtpTransaction t = transaction({"rcpt@example.test"});
  const std::shared_ptr<const std::string> body = t.data;
  c.session.send(std::move(t));
  EXPECT_EQ(c.output(), std::string(kMailFrom) + "RCPT TO:<rcpt@example.test>\r\nDATA\r\n");
  EXPECT_EQ(c.pieces.size(), 1u); // one PIPELINING group
  EXPECT_EQ(c.session.state(), SmtpClientState::in_transaction);
  EXPECT_EQ(c.server("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go ahead\r\n"),
            std::string(kBody) + ".\r\n");
  ASSERT_EQ(c.pieces.size(), 2u);
  EXPECT_EQ(c.pieces[0].shared.get(), body.get()); // the body is shared, never copied
  EXPECT_EQ(c.pieces[1].owned, ".\r\n");
  EXPECT_TRUE(c.events().empty());
  EXPECT_EQ(c.server("250 2.0.0 queued as ABC\r\n"), ""); // no RSET after success
  EXPECT_EQ(done(c), (Replies{recipient(250, "2.0.0", "queued as ABC", SmtpStage::dot)}));
  EXPECT_EQ(c.session.state(), SmtpClientState::ready);
  EXPECT_EQ(c.session.transactions_done(), 1u);
}

TEST(SmtpClientTransaction, PipelinedPartialAcceptance) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test", "c@x.test"}));
  EXPECT_EQ(c.output(), std::string(kMailFrom) +
                            "RCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\n"
                            "DATA\r\n");
  EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n550 5.1.1 no such user\r\n452 4.2.2 full\r\n354 go\r\n"),
            std::string(kBody) + ".\r\n");
  c.server("250 2.0.0 ok\r\n");
  EXPECT_EQ(done(c), (Replies{recipient(250, "2.0.0", "ok", SmtpStage::dot),
                              recipient(550, "5.1.1", "no such user", SmtpStage::rcpt),
                              recipient(452, "4.2.2", "full", SmtpStage::rcpt)}));
}

TEST(SmtpClientTransaction, PipelinedNoRecipientAcceptedDataRejected) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  c.output();
  EXPECT_EQ(c.server("250 ok\r\n550 no\r\n550 no\r\n554 5.5.1 no valid recipients\r\n"),
            "RSET\r\n"); // no body
  EXPECT_EQ(done(c, false), (Replies{recipient(550, "", "no", SmtpStage::rcpt),
                                     recipient(550, "", "no", SmtpStage::rcpt)}));
  EXPECT_EQ(c.session.state(), SmtpClientState::rset);
  EXPECT_EQ(c.server("250 2.0.0 reset\r\n"), "");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
}

TEST(SmtpClientTransaction, PipelinedNoRecipientAcceptedButDataAccepted) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test"}));
  c.output();
  // RFC 2920 §3.1: the client must end the message with a lone "." and not send the body.
  EXPECT_EQ(c.server("250 ok\r\n550 5.1.1 unknown\r\n354 go\r\n"), ".\r\n");
  EXPECT_TRUE(c.events().empty());
  EXPECT_EQ(c.server("250 2.0.0 queued an empty message?\r\n"), "RSET\r\n");
  EXPECT_EQ(done(c, false), (Replies{recipient(550, "5.1.1", "unknown", SmtpStage::rcpt)}));
  c.server("250 ok\r\n");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
}

TEST(SmtpClientTransaction, PipelinedMailRejected) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  c.output();
  EXPECT_EQ(c.server("550 5.7.1 sender blocked\r\n250 ok\r\n503 5.5.1 need MAIL\r\n"
                     "503 5.5.1 need RCPT\r\n"),
            "RSET\r\n");
  EXPECT_EQ(done(c, false), (Replies{recipient(550, "5.7.1", "sender blocked", SmtpStage::mail),
                                     recipient(550, "5.7.1", "sender blocked", SmtpStage::mail)}));
  c.server("250 ok\r\n");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
}

TEST(SmtpClientTransaction, OneCommandAtATimeWithoutPipelining) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  EXPECT_EQ(c.output(), kMailFromNoSize);
  EXPECT_EQ(c.server("250 ok\r\n"), "RCPT TO:<a@x.test>\r\n");
  EXPECT_EQ(c.server("550 5.1.1 unknown\r\n"), "RCPT TO:<b@x.test>\r\n");
  EXPECT_EQ(c.server("250 ok\r\n"), "DATA\r\n");
  EXPECT_EQ(c.server("354 go\r\n"), std::string(kBody) + ".\r\n");
  EXPECT_EQ(c.server("250 queued\r\n"), "");
  EXPECT_EQ(done(c), (Replies{recipient(550, "5.1.1", "unknown", SmtpStage::rcpt),
                              recipient(250, "", "queued", SmtpStage::dot)}));
}

TEST(SmtpClientTransaction, WithoutPipeliningMailRejectedSendsOnlyRset) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  c.output();
  EXPECT_EQ(c.server("451 4.3.0 try later\r\n"), "RSET\r\n");
  EXPECT_EQ(done(c, false), (Replies{recipient(451, "4.3.0", "try later", SmtpStage::mail),
                                     recipient(451, "4.3.0", "try later", SmtpStage::mail)}));
}

TEST(SmtpClientTransaction, WithoutPipeliningNoRecipientAcceptedSkipsData) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  c.session.send(transaction({"a@x.test"}));
  c.output();
  c.server("250 ok\r\n");
  EXPECT_EQ(c.server("550 no\r\n"), "RSET\r\n");
  EXPECT_EQ(done(c, false), (Replies{recipient(550, "", "no", SmtpStage::rcpt)}));
  c.server("250 ok\r\n");
  EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
}

TEST(SmtpClientTransaction, DataRejectedGoesToAcceptedRecipients) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test", "b@x.test"}));
  c.output();
  EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n550 no\r\n451 4.3.1 disk full\r\n"), "RSET\r\n");
  EXPECT_EQ(done(c, false), (Replies{recipient(451, "4.3.1", "disk full", SmtpStage::data),
                                     recipient(550, "", "no", SmtpStage::rcpt)}));
}

TEST(SmtpClientTransaction, FinalReplyRejectionNeedsNoRset) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test"}));
  c.output();
  c.server("250 ok\r\n250 ok\r\n354 go\r\n");
  EXPECT_EQ(c.server("554 5.7.1 spam\r\n"), "");
  EXPECT_EQ(done(c), (Replies{recipient(554, "5.7.1", "spam", SmtpStage::dot)}));
}

TEST(SmtpClientTransaction, SmtpUtf8NeededButNotOffered) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  SmtpTransaction t = transaction({"a@x.test", "b@x.test"});
  t.smtputf8 = true;
  c.session.send(std::move(t));
  EXPECT_EQ(c.output(), "");
  const Replies replies = done(c);
  ASSERT_EQ(replies.size(), 2u);
  for (const RecipientReply& r : replies) {
    EXPECT_EQ(r.reply.code, 553);
    EXPECT_EQ(r.reply.enhanced, "5.6.7");
  }
  EXPECT_EQ(c.session.state(), SmtpClientState::ready);
}

TEST(SmtpClientTransaction, MailParametersFollowCapabilities) {
  ClientConversation c;
  c.make_ready();
  SmtpTransaction t = transaction({"j\xC3\xB6rg@x.test"});
  t.smtputf8 = true;
  t.eight_bit = true;
  c.session.send(std::move(t));
  EXPECT_EQ(c.output(), "MAIL FROM:<bounce@sender.test> SIZE=24 BODY=8BITMIME SMTPUTF8\r\n"
                        "RCPT TO:<j\xC3\xB6rg@x.test>\r\nDATA\r\n");

  ClientConversation plain;
  plain.make_ready("250-mx\r\n250 PIPELINING\r\n");
  SmtpTransaction eight_bit = transaction({"a@x.test"});
  eight_bit.eight_bit = true; // 8BITMIME not offered: sent without BODY=
  plain.session.send(std::move(eight_bit));
  EXPECT_EQ(plain.output(), std::string(kMailFromNoSize) + "RCPT TO:<a@x.test>\r\nDATA\r\n");
}

TEST(SmtpClientTransaction, MessageOverAdvertisedSize) {
  ClientConversation c;
  c.make_ready("250-mx\r\n250 SIZE 20\r\n");
  c.session.send(transaction({"a@x.test"})); // 24 bytes
  EXPECT_EQ(c.output(), "");
  const Replies replies = done(c);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].reply.code, 552);
  EXPECT_EQ(replies[0].reply.enhanced, "5.3.4");
  EXPECT_NE(replies[0].reply.text.find("24 bytes"), std::string::npos);
}

TEST(SmtpClientTransaction, UnsafeRecipientAddressesNeverSent) {
  ClientConversation c;
  c.make_ready();
  c.session.send(transaction({"a@x.test\r\nRSET", "good@x.test", std::string("n\0l@x", 5),
                              std::string(513, 'l'), "b@x.test\n"}));
  EXPECT_EQ(c.output(), std::string(kMailFrom) + "RCPT TO:<good@x.test>\r\nDATA\r\n");
  c.server("250 ok\r\n250 ok\r\n354 go\r\n");
  c.server("250 ok\r\n");
  const Replies replies = done(c);
  ASSERT_EQ(replies.size(), 5u);
  for (std::size_t i : {0, 2, 3, 4}) {
    EXPECT_EQ(replies[i].reply.code, 501) << i;
    EXPECT_EQ(replies[i].reply.enhanced, "5.1.3") << i;
    EXPECT_EQ(replies[i].stage, SmtpStage::rcpt) << i;
  }
  EXPECT_EQ(replies[1], recipient(250, "", "ok", SmtpStage::dot));
}

TEST(SmtpClientTransaction, AddressOf512BytesIsSent) {
  ClientConversation c;
  c.make_ready();
  const std::string address = std::string(500, 'l') + "@example.tes";
  ASSERT_EQ(address.size(), 512u);
  c.session.send(transaction({address}));
  EXPECT_NE(c.output().find("RCPT TO:<" + address + ">\r\n"), std::string::npos);
}

TEST(SmtpClientTransaction, UnsafeSenderFailsEveryRecipient) {
  ClientConversation c;
  c.make_ready();
  SmtpTransaction t = transaction({"a@x.test", "b@x.test"});
  t.mail_from = "x@y\r\nRCPT TO:<victim@z>";
  c.session.send(std::move(t));
  EXPECT_EQ(c.output(), "");
  const Replies replies = done(c);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].reply.code, 501);
  EXPECT_EQ(replies[0].stage, SmtpStage::mail);
  EXPECT_EQ(replies[1].reply.code, 501);
}

TEST(SmtpClientTransaction, AllRecipientsUnsafeSendsNothing) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  c.session.send(transaction({"a\r@x", "b\n@x"}));
  EXPECT_EQ(c.output(), "");
  EXPECT_EQ(done(c).size(), 2u);
}

TEST(SmtpClientTransaction, NullSenderAndBodyWithoutFinalCrlf) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  SmtpTransaction t = transaction({"a@x.test"}, "no final line end");
  t.mail_from = "";
  c.session.send(std::move(t));
  EXPECT_EQ(c.output(), "MAIL FROM:<>\r\n");
  c.server("250 ok\r\n");
  c.server("250 ok\r\n");
  EXPECT_EQ(c.server("354 go\r\n"), "no final line end\r\n.\r\n");
}

TEST(SmtpClientTransaction, EmptyBodySendsOnlyTheTerminator) {
  ClientConversation c;
  c.make_ready(kEhloPlain);
  c.session.send(transaction({"a@x.test"}, ""));
  c.output();
  c.server("250 ok\r\n");
  c.server("250 ok\r\n");
  EXPECT_EQ(c.server("354 go\r\n"), ".\r\n");
  ASSERT_EQ(c.pieces.size(), 1u);
}

TEST(SmtpClientTransaction, ManyTransactionsRsetOnlyWhenNeeded) {
  ClientConversation c;
  c.make_ready();
  for (int i = 0; i < 6; ++i) {
    c.session.send(transaction({"a@x.test"}));
    EXPECT_EQ(c.output(), std::string(kMailFrom) + "RCPT TO:<a@x.test>\r\nDATA\r\n") << i;
    if (i % 3 == 0) { // delivered: no RSET
      EXPECT_EQ(c.server("250 ok\r\n250 ok\r\n354 go\r\n"), std::string(kBody) + ".\r\n");
      EXPECT_EQ(c.server("250 ok\r\n"), "");
      EXPECT_EQ(done(c)[0].reply.code, 250);
    } else if (i % 3 == 1) { // recipient rejected: RSET
      EXPECT_EQ(c.server("250 ok\r\n550 no\r\n554 no recipients\r\n"), "RSET\r\n");
      EXPECT_EQ(done(c, false)[0].reply.code, 550);
      EXPECT_EQ(c.server("250 ok\r\n"), "");
      EXPECT_EQ(c.kinds(), Kinds{SmtpEventKind::ready});
    } else { // rejected after the dot: no RSET
      c.server("250 ok\r\n250 ok\r\n354 go\r\n");
      EXPECT_EQ(c.server("550 5.7.1 rejected\r\n"), "");
      EXPECT_EQ(done(c)[0].reply.code, 550);
    }
  }
  EXPECT_EQ(c.session.transactions_done(), 6u);
  c.session.quit();
  EXPECT_EQ(c.output(), "QUIT\r\n");
}

// The same conversation fed whole, byte by byte and in two pieces at every position gives the
// same client output and events.
TEST(SmtpClientTransaction, EverySplitOfTheRepliesGivesTheSameResult) {
  const std::string replies =
      "250 2.1.0 ok\r\n250-2.1.5 ok\r\n250 2.1.5 really\r\n550 5.1.1 no\r\n354 go\r\n";
  auto run = [&](const std::vector<std::string_view>& chunks) {
    ClientConversation c;
    c.make_ready();
    c.session.send(transaction({"a@x.test", "b@x.test"}));
    std::string written = c.output();
    for (std::string_view chunk : chunks)
      written += c.server(chunk);
    written += c.server("250 2.0.0 done\r\n");
    return std::make_pair(written, done(c));
  };
  const auto whole = run({replies});
  EXPECT_EQ(whole.second, (Replies{recipient(250, "2.0.0", "done", SmtpStage::dot),
                                   recipient(550, "5.1.1", "no", SmtpStage::rcpt)}));
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < replies.size(); ++i)
    bytes.push_back(std::string_view(replies).substr(i, 1));
  EXPECT_EQ(run(bytes), whole);
  for (std::size_t cut = 1; cut < replies.size(); ++cut) {
    const std::string_view all(replies);
    EXPECT_EQ(run({all.substr(0, cut), all.substr(cut)}), whole) << "cut at " << cut;
  }
}

} // namespace
