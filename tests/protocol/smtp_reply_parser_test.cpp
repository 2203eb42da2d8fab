// Unit tests for SmtpReply and the incremental SmtpReplyParser (protocol/smtp_reply.hpp): single
// and multi-line replies, enhanced status codes, line ends, every split of the input, limits and
// every error path. Never opens a socket.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/smtp_reply.hpp"

namespace {

using volley::protocol::SmtpReply;
using volley::protocol::SmtpReplyLimits;
using volley::protocol::SmtpReplyParser;
using Status = SmtpReplyParser::Status;

struct ParseOutcome {
  std::vector<SmtpReply> replies;
  bool failed = false;
  std::string error;
};

// Feeds `input` in chunks of `chunk` bytes (0 = all at once) and collects every reply.
ParseOutcome parse(std::string_view input, std::size_t chunk = 0, SmtpReplyLimits limits = {}) {
  SmtpReplyParser parser(limits);
  ParseOutcome outcome;
  const std::size_t step = chunk == 0 ? input.size() + 1 : chunk;
  for (std::size_t pos = 0; pos < input.size() && !outcome.failed; pos += step) {
    parser.feed(input.substr(pos, step));
    SmtpReply reply;
    Status status;
    while ((status = parser.next(reply)) == Status::reply)
      outcome.replies.push_back(reply);
    if (status == Status::error) {
      outcome.failed = true;
      outcome.error = parser.error();
    }
  }
  return outcome;
}

SmtpReply only_reply(std::string_view input) {
  ParseOutcome outcome = parse(input);
  EXPECT_FALSE(outcome.failed) << outcome.error;
  EXPECT_EQ(outcome.replies.size(), 1u);
  return outcome.replies.empty() ? SmtpReply{} : outcome.replies.front();
}

TEST(SmtpReplyParser, SingleLineWithEnhancedCode) {
  const SmtpReply reply = only_reply("250 2.1.0 Sender ok\r\n");
  EXPECT_EQ(reply.code, 250);
  EXPECT_EQ(reply.enhanced, "2.1.0");
  EXPECT_EQ(reply.text, "Sender ok");
  EXPECT_TRUE(reply.positive());
}

TEST(SmtpReplyParser, SingleLineWithoutEnhancedCode) {
  const SmtpReply reply = only_reply("220 mx.example.com ESMTP ready\r\n");
  EXPECT_EQ(reply.code, 220);
  EXPECT_EQ(reply.enhanced, "");
  EXPECT_EQ(reply.text, "mx.example.com ESMTP ready");
}

TEST(SmtpReplyParser, CodeAloneIsValid) {
  const SmtpReply reply = only_reply("250\r\n");
  EXPECT_EQ(reply.code, 250);
  EXPECT_EQ(reply.text, "");
  EXPECT_EQ(only_reply("354 \r\n").code, 354);
}

TEST(SmtpReplyParser, EnhancedCodeAloneOnTheLine) {
  const SmtpReply reply = only_reply("550 5.1.1\r\n");
  EXPECT_EQ(reply.enhanced, "5.1.1");
  EXPECT_EQ(reply.text, "");
}

TEST(SmtpReplyParser, MultiLineJoinedWithNewlines) {
  const SmtpReply reply =
      only_reply("250-mx.example.com Hello\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n");
  EXPECT_EQ(reply.code, 250);
  EXPECT_EQ(reply.text, "mx.example.com Hello\nPIPELINING\nSIZE 1000\n8BITMIME");
}

TEST(SmtpReplyParser, RepeatedEnhancedCodeStrippedFromContinuationLines) {
  const SmtpReply reply = only_reply("550-5.7.1 Message rejected\r\n550-5.7.1 see policy\r\n"
                                     "550 5.7.1\r\n");
  EXPECT_EQ(reply.enhanced, "5.7.1");
  EXPECT_EQ(reply.text, "Message rejected\nsee policy\n");
}

TEST(SmtpReplyParser, DifferentCodeOnContinuationLineIsKept) {
  const SmtpReply reply = only_reply("451-4.3.0 busy\r\n451 4.7.1 greylisted\r\n");
  EXPECT_EQ(reply.enhanced, "4.3.0");
  EXPECT_EQ(reply.text, "busy\n4.7.1 greylisted");
}

TEST(SmtpReplyParser, EnhancedCodeDigitLimits) {
  EXPECT_EQ(only_reply("250 2.999.999 ok\r\n").enhanced, "2.999.999");
  EXPECT_EQ(only_reply("250 2.0.0 ok\r\n").enhanced, "2.0.0");
  // Not enhanced codes: class 3, too many digits, leading zero, no space after, missing part.
  for (const char* line :
       {"354 3.0.0 go\r\n", "250 2.1000.0 x\r\n", "250 2.01.0 x\r\n", "250 2.1.0x\r\n",
        "250 2.1 x\r\n", "250 2..0 x\r\n", "250 5.6.7.8 host\r\n"}) {
    const SmtpReply reply = only_reply(line);
    EXPECT_EQ(reply.enhanced, "") << line;
    EXPECT_EQ(reply.text, std::string_view(line).substr(4, std::string_view(line).size() - 6))
        << line;
  }
}

TEST(SmtpReplyParser, BareLineFeedTolerated) {
  const ParseOutcome outcome = parse("250-a\n250-b\r\n250 c\n220 x\n");
  ASSERT_FALSE(outcome.failed) << outcome.error;
  ASSERT_EQ(outcome.replies.size(), 2u);
  EXPECT_EQ(outcome.replies[0].text, "a\nb\nc");
  EXPECT_EQ(outcome.replies[1].code, 220);
}

TEST(SmtpReplyParser, SeveralRepliesInOneFeed) {
  const ParseOutcome outcome = parse("250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no\r\n354 go\r\n");
  ASSERT_EQ(outcome.replies.size(), 4u);
  EXPECT_EQ(outcome.replies[2].code, 550);
  EXPECT_EQ(outcome.replies[2].enhanced, "5.1.1");
  EXPECT_EQ(outcome.replies[3].code, 354);
}

TEST(SmtpReplyParser, EverySplitGivesTheSameReplies) {
  const std::string input = "220 hi\r\n250-mx\r\n250-PIPELINING\r\n250 2.0.0 SIZE 5\r\n"
                            "550-5.1.1 a\r\n550 5.1.1 b\r\n250\n";
  const ParseOutcome whole = parse(input);
  ASSERT_FALSE(whole.failed);
  ASSERT_EQ(whole.replies.size(), 4u);
  for (std::size_t chunk = 1; chunk <= input.size(); ++chunk) {
    const ParseOutcome split = parse(input, chunk);
    ASSERT_FALSE(split.failed) << chunk;
    EXPECT_EQ(split.replies, whole.replies) << "chunk size " << chunk;
  }
  // Two-piece splits at every position, including between CR and LF.
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    SmtpReplyParser parser;
    parser.feed(input.substr(0, cut));
    std::vector<SmtpReply> replies;
    SmtpReply reply;
    while (parser.next(reply) == Status::reply)
      replies.push_back(reply);
    parser.feed(input.substr(cut));
    while (parser.next(reply) == Status::reply)
      replies.push_back(reply);
    EXPECT_EQ(replies, whole.replies) << "cut at " << cut;
    EXPECT_EQ(parser.buffered(), 0u);
  }
}

TEST(SmtpReplyParser, BufferedCountsIncompleteReply) {
  SmtpReplyParser parser;
  SmtpReply reply;
  parser.feed("250-first\r\n250 sec");
  EXPECT_EQ(parser.next(reply), Status::need_more);
  EXPECT_EQ(parser.buffered(), std::string("250-first\r\n250 sec").size());
  parser.feed("ond\r\n");
  EXPECT_EQ(parser.next(reply), Status::reply);
  EXPECT_EQ(reply.text, "first\nsecond");
  EXPECT_EQ(parser.buffered(), 0u);
  EXPECT_EQ(parser.next(reply), Status::need_more);
}

TEST(SmtpReplyParser, LineAtTheLimitAcceptedLongerRejected) {
  SmtpReplyLimits limits;
  limits.max_line_bytes = 40;
  const std::string at_limit = "250 " + std::string(36, 'x');
  ParseOutcome ok = parse(at_limit + "\r\n", 1, limits);
  ASSERT_FALSE(ok.failed) << ok.error;
  EXPECT_EQ(ok.replies.size(), 1u);
  // Over the limit, terminated and unterminated, at once and byte by byte.
  const std::string longer = "250 " + std::string(37, 'x');
  for (const std::string& input : {longer + "\r\n", longer, "250 " + std::string(5000, 'y')}) {
    for (std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
      const ParseOutcome outcome = parse(input, chunk, limits);
      EXPECT_TRUE(outcome.failed) << input.size() << "/" << chunk;
      EXPECT_NE(outcome.error.find("longer than 40 bytes"), std::string::npos) << outcome.error;
    }
  }
}

TEST(SmtpReplyParser, UnterminatedLineBufferStaysBounded) {
  SmtpReplyParser parser;
  SmtpReply reply;
  parser.feed("250 ");
  for (int i = 0; i < 1000 && parser.next(reply) == Status::need_more; ++i) {
    parser.feed(std::string(100, 'a'));
    EXPECT_LE(parser.buffered(), 4096u + 102u);
  }
  EXPECT_EQ(parser.next(reply), Status::error);
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(SmtpReplyParser, TooManyLinesRejected) {
  SmtpReplyLimits limits;
  limits.max_lines = 3;
  EXPECT_FALSE(parse("250-a\r\n250-b\r\n250 c\r\n", 0, limits).failed);
  const ParseOutcome outcome = parse("250-a\r\n250-b\r\n250-c\r\n250 d\r\n", 0, limits);
  EXPECT_TRUE(outcome.failed);
  EXPECT_NE(outcome.error.find("more than 3 lines"), std::string::npos) << outcome.error;
}

TEST(SmtpReplyParser, EndlessContinuationRejectedAtDefaultLimit) {
  std::string input;
  for (int i = 0; i < 200; ++i)
    input += "250-line\r\n";
  EXPECT_TRUE(parse(input).failed);
}

TEST(SmtpReplyParser, MalformedLinesRejected) {
  struct Case {
    const char* input;
    const char* error_part;
  };
  for (const Case& c : {Case{"hello\r\n", "3-digit code"}, Case{"25\r\n", "3-digit code"},
                        Case{"2a0 x\r\n", "3-digit code"}, Case{"\r\n", "3-digit code"},
                        Case{"199 x\r\n", "outside 200..599"}, Case{"600 x\r\n", "outside"},
                        Case{"099 x\r\n", "outside"}, Case{"250x\r\n", "' ' or '-'"},
                        Case{"250_ok\r\n", "' ' or '-'"}, Case{"250-a\r\n251 b\r\n", "differs"},
                        Case{"250-a\r\n550 b\r\n", "differs"}}) {
    const ParseOutcome outcome = parse(c.input);
    EXPECT_TRUE(outcome.failed) << c.input;
    EXPECT_NE(outcome.error.find(c.error_part), std::string::npos) << outcome.error;
  }
}

TEST(SmtpReplyParser, ErrorQuotesTheLinePrintably) {
  const ParseOutcome outcome = parse(std::string("\x01\xffgarbage\r\n", 11));
  ASSERT_TRUE(outcome.failed);
  EXPECT_NE(outcome.error.find("\"\\x01\\xffgarbage\""), std::string::npos) << outcome.error;
}

TEST(SmtpReplyParser, PoisonedAfterError) {
  SmtpReplyParser parser;
  SmtpReply reply;
  parser.feed("xyz\r\n");
  EXPECT_EQ(parser.next(reply), Status::error);
  const std::string error = parser.error();
  parser.feed("250 ok\r\n");
  EXPECT_EQ(parser.next(reply), Status::error);
  EXPECT_EQ(parser.error(), error);
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(SmtpReplyParser, LongStreamCompactsBuffer) {
  SmtpReplyParser parser;
  SmtpReply reply;
  std::size_t count = 0;
  for (int i = 0; i < 20000; ++i) {
    parser.feed("250 2.1.5 recipient ok\r\n");
    while (parser.next(reply) == Status::reply)
      ++count;
  }
  EXPECT_EQ(count, 20000u);
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(SmtpReply, ToStringJoinsLinesAndHidesControlBytes) {
  SmtpReply reply = SmtpReply::synthesized(421, "4.7.0", "closing\nbye");
  EXPECT_EQ(reply.to_string(), "421 4.7.0 closing / bye");
  EXPECT_EQ(SmtpReply::synthesized(250, "", "").to_string(), "250");
  EXPECT_EQ(SmtpReply::synthesized(250, "2.0.0", "").to_string(), "250 2.0.0");
  EXPECT_EQ(SmtpReply::synthesized(550, "", "a\rb\x01").to_string(), "550 a?b?");
}

TEST(SmtpReply, SynthesizedHasTheShapeOfAParsedReply) {
  const SmtpReply made = SmtpReply::synthesized(451, "4.4.2", "connection lost");
  EXPECT_EQ(made, only_reply("451 4.4.2 connection lost\r\n"));
  EXPECT_TRUE(made.transient());
  EXPECT_FALSE(made.permanent());
  EXPECT_TRUE(SmtpReply::synthesized(354, "", "").intermediate());
  EXPECT_TRUE(SmtpReply::synthesized(554, "", "").permanent());
}

} // namespace
