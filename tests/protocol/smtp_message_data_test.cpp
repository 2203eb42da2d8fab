// Unit tests for prepare_message_data and message_traits (protocol/smtp_message_data.hpp): line-end
// normalisation, dot-stuffing at every line start, the trailing CRLF, that no other byte changes,
// and 8-bit / non-ASCII header detection. Never opens a socket.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "protocol/smtp_message_data.hpp"

namespace {

using volley::protocol::has_crlf_line_ends;
using volley::protocol::message_traits;
using volley::protocol::MessageTraits;
using volley::protocol::normalise_line_ends;
using volley::protocol::prepare_message_data;

// Reverses dot-stuffing and checks every line ends in CRLF (as a receiving server would).
std::string unstuff(const std::string& data) {
  std::string out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t end = data.find("\r\n", pos);
    EXPECT_NE(end, std::string::npos) << "line without CRLF";
    if (end == std::string::npos)
      break;
    std::string_view line(data.data() + pos, end - pos);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string_view::npos) << "bare CR/LF inside a line";
    if (!line.empty() && line[0] == '.')
      line.remove_prefix(1);
    out.append(line).append("\r\n");
    pos = end + 2;
  }
  return out;
}

TEST(PrepareMessageData, CrlfTextUnchanged) {
  const std::string raw = "Subject: hi\r\n\r\nbody line\r\n";
  EXPECT_EQ(prepare_message_data(raw), raw);
}

TEST(PrepareMessageData, BareLfAndBareCrBecomeCrlf) {
  EXPECT_EQ(prepare_message_data("a\nb\rc\r\nd\n"), "a\r\nb\r\nc\r\nd\r\n");
  EXPECT_EQ(prepare_message_data("a\r\r\nb"), "a\r\n\r\nb\r\n");
  EXPECT_EQ(prepare_message_data("a\n\n\nb"), "a\r\n\r\n\r\nb\r\n");
  EXPECT_EQ(prepare_message_data("\n"), "\r\n");
  EXPECT_EQ(prepare_message_data("\r"), "\r\n");
  EXPECT_EQ(prepare_message_data("\n\r"), "\r\n\r\n");
}

TEST(PrepareMessageData, TrailingCrlfAdded) {
  EXPECT_EQ(prepare_message_data("no newline"), "no newline\r\n");
  EXPECT_EQ(prepare_message_data(""), "");
}

TEST(PrepareMessageData, DotsAtLineStartAreDoubled) {
  EXPECT_EQ(prepare_message_data(".\r\n"), "..\r\n");
  EXPECT_EQ(prepare_message_data("a\r\n.\r\nb"), "a\r\n..\r\nb\r\n");
  EXPECT_EQ(prepare_message_data("..x\n.y\r.z"), "...x\r\n..y\r\n..z\r\n");
  EXPECT_EQ(prepare_message_data("a.b\r\n x.\r\n"), "a.b\r\n x.\r\n");
  EXPECT_EQ(prepare_message_data("."), "..\r\n");
}

TEST(PrepareMessageData, OtherBytesUntouched) {
  std::string raw;
  for (int c = 0; c < 256; ++c) {
    if (c != '\r' && c != '\n')
      raw += static_cast<char>(c);
  }
  raw += std::string("\0\0", 2);
  EXPECT_EQ(prepare_message_data(raw), raw + "\r\n");
}

TEST(PrepareMessageData, RoundTripsThroughUnstuffing) {
  const std::string raw = "From: a@b\n.hidden\r\n..two\r\rtext\n.\n\r\nend.";
  const std::string data = prepare_message_data(raw);
  const std::string expected = "From: a@b\r\n.hidden\r\n..two\r\n\r\ntext\r\n.\r\n\r\nend.\r\n";
  EXPECT_EQ(unstuff(data), expected);
  EXPECT_EQ(data.find("\r\n.\r\n"), std::string::npos) << "body must not contain the terminator";
}

TEST(PrepareMessageData, LargeMessage) {
  std::string raw;
  for (int i = 0; i < 5000; ++i)
    raw += (i % 7 == 0 ? ".line " : "line ") + std::to_string(i) + "\n";
  const std::string data = prepare_message_data(raw);
  EXPECT_EQ(data.size(), raw.size() + 5000 + (5000 + 6) / 7);
  EXPECT_TRUE(data.ends_with("\r\n"));
}

TEST(MessageTraits, PlainAscii) {
  const MessageTraits traits = message_traits("Subject: hi\r\n\r\nbody\r\n");
  EXPECT_FALSE(traits.eight_bit);
  EXPECT_FALSE(traits.utf8_headers);
}

TEST(MessageTraits, EightBitBodyOnly) {
  const MessageTraits traits = message_traits("Subject: hi\r\n\r\nGr\xC3\xBC\xC3\x9F"
                                              "e\r\n");
  EXPECT_TRUE(traits.eight_bit);
  EXPECT_FALSE(traits.utf8_headers);
}

TEST(MessageTraits, NonAsciiHeader) {
  for (const char* raw : {"Subject: Gr\xC3\xBC\xC3\x9F"
                          "e\r\n\r\nbody\r\n",
                          "Subject: x\nTo: J\xC3\xB6rg <j@x>\n\nbody\n", "Subject: \xC3\xA9"}) {
    const MessageTraits traits = message_traits(raw);
    EXPECT_TRUE(traits.eight_bit) << raw;
    EXPECT_TRUE(traits.utf8_headers) << raw;
  }
}

TEST(MessageTraits, HeaderEndRecognisedWithAnyLineEnd) {
  EXPECT_FALSE(message_traits("A: b\n\n\xC3\xA9").utf8_headers);
  EXPECT_FALSE(message_traits("A: b\r\r\xC3\xA9").utf8_headers);
  EXPECT_FALSE(message_traits("A: b\r\n\r\n\xC3\xA9").utf8_headers);
  EXPECT_FALSE(message_traits("\r\n\xC3\xA9").utf8_headers); // no headers at all
  EXPECT_TRUE(message_traits("A: b\r\nC: \xC3\xA9\r\n\r\n").utf8_headers);
}

// The form DKIM signs: the same line ends as prepare_message_data, but dots are left alone.
TEST(NormaliseLineEnds, CrlfEverywhereWithoutDotStuffing) {
  EXPECT_EQ(normalise_line_ends("a\nb\rc\r\n.d"), "a\r\nb\r\nc\r\n.d\r\n");
  EXPECT_EQ(normalise_line_ends("x\r\n\r\n..y\n"), "x\r\n\r\n..y\r\n");
  EXPECT_EQ(normalise_line_ends(""), "\r\n");
  EXPECT_EQ(prepare_message_data("x\r\n.y"), "x\r\n..y\r\n"); // the shared loop still stuffs
}

// Byte-at-a-time statements of the rules, to compare the line-at-a-time code against.
std::string reference_lines(std::string_view raw, bool stuff_dots) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\r' || c == '\n') {
      out += "\r\n";
      if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')
        ++i;
      line_start = true;
      continue;
    }
    if (line_start && stuff_dots && c == '.')
      out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start)
    out += "\r\n";
  return out;
}

MessageTraits reference_traits(std::string_view raw) {
  MessageTraits traits;
  const std::size_t header_end = raw.find("\r\n\r\n"); // the samples below use CRLF or LF only
  const std::size_t lf_end = raw.find("\n\n");
  const bool starts_empty = raw.starts_with('\n') || raw.starts_with("\r\n");
  const std::size_t end = starts_empty ? 0 : std::min(header_end, lf_end);
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (static_cast<unsigned char>(raw[i]) >= 0x80) {
      traits.eight_bit = true;
      traits.utf8_headers = end == std::string_view::npos || i < end;
      break;
    }
  }
  return traits;
}

// Random texts over the bytes that matter (line ends, dots, blanks, 8-bit) against the reference.
TEST(SmtpMessageDataProperty, AgreesWithTheByteAtATimeRules) {
  std::mt19937 random(20261130);
  const std::string alphabet = "ab. \r\n\r\n";
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const std::size_t size = random() % 40;
    for (std::size_t i = 0; i < size; ++i)
      text += alphabet[random() % alphabet.size()];
    if (round % 7 == 0 && !text.empty())
      text[random() % text.size()] = '\xC3';
    SCOPED_TRACE(testing::PrintToString(text));
    ASSERT_EQ(prepare_message_data(text), reference_lines(text, true));
    ASSERT_EQ(normalise_line_ends(text), text.empty() ? "\r\n" : reference_lines(text, false));
    ASSERT_EQ(has_crlf_line_ends(text), !text.empty() && reference_lines(text, false) == text);
    if (text.find('\r') == std::string::npos || text.find('\n') == std::string::npos ||
        has_crlf_line_ends(text)) { // reference_traits knows one line-end style at a time
      const MessageTraits traits = message_traits(text);
      const MessageTraits expected = reference_traits(text);
      ASSERT_EQ(traits.eight_bit, expected.eight_bit);
      if (text.find('\r') == std::string::npos) {
        ASSERT_EQ(traits.utf8_headers, expected.utf8_headers);
      }
    }
  }
}

TEST(SmtpMessageDataProperty, PreparingPiecesEqualsPreparingTheWhole) {
  const std::string fields = "DKIM-Signature: v=1; a=rsa-sha256;\r\n\tb=abc\r\n";
  const std::string message = "From: a@b.test\r\n\r\n.dot\r\nbody\r\n";
  EXPECT_EQ(prepare_message_data(fields, message), prepare_message_data(fields + message));
  EXPECT_EQ(prepare_message_data("", "a\n.b"), prepare_message_data("a\n.b")); // unsigned
}

// Bare CRs only (no LF at all): every line found, and in one pass (the next LF is remembered).
TEST(SmtpMessageDataProperty, LongTextWithBareCarriageReturnsOnly) {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += ".line\r";
  const std::string data = prepare_message_data(text);
  EXPECT_EQ(data, reference_lines(text, true));
  EXPECT_FALSE(has_crlf_line_ends(text));
}

} // namespace
