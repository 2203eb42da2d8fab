// The small codecs under the merge templates and VERP: base32 (RFC 4648 vectors), base64 lines,
// quoted-printable (round trips through the independent test decoder), Content-Type parsing and
// multipart splitting.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "protocol/base32_text.hpp"
#include "protocol/base64_lines.hpp"
#include "protocol/mime_header_fields.hpp"
#include "protocol/mime_part_scanner.hpp"
#include "protocol/quoted_printable.hpp"
#include "tests/protocol/mime_test_decoding.hpp"

namespace volley::protocol {
namespace {

TEST(Base32TextTest, MatchesRfc4648VectorsInLowerCase) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "my"},
                                                         {"fo", "mzxq"},
                                                         {"foo", "mzxw6"},
                                                         {"foob", "mzxw6yq"},
                                                         {"fooba", "mzxw6ytb"},
                                                         {"foobar", "mzxw6ytboi"}};
  for (const auto& [plain, encoded] : vectors) {
    std::string out;
    base32::encode(reinterpret_cast<const std::uint8_t*>(plain.data()), plain.size(), out);
    EXPECT_EQ(out, encoded);
    std::uint8_t buffer[16];
    std::string upper = encoded;
    for (char& c : upper)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::optional<std::size_t> size = base32::decode(upper, buffer, sizeof buffer);
    ASSERT_TRUE(size.has_value()) << upper;
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buffer), *size), plain);
  }
}

TEST(Base32TextTest, RejectsNonCanonicalAndForeignText) {
  std::uint8_t buffer[16];
  EXPECT_FALSE(base32::decode("mz", buffer, sizeof buffer)); // leftover bits set ("f" is "my")
  EXPECT_FALSE(base32::decode("m", buffer, sizeof buffer));  // impossible length
  EXPECT_FALSE(base32::decode("my=", buffer, sizeof buffer));
  EXPECT_FALSE(base32::decode("m1", buffer, sizeof buffer));
  EXPECT_FALSE(base32::decode("mzxw6ytboi", buffer, 5)); // does not fit
}

TEST(Base64LinesTest, EncodesAndDecodesRfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    std::string out;
    base64::encode(plain, out);
    EXPECT_EQ(out, encoded);
    std::string decoded;
    EXPECT_TRUE(base64::decode(encoded, decoded));
    EXPECT_EQ(decoded, plain);
  }
  std::string decoded;
  EXPECT_FALSE(base64::decode("Zm9v!", decoded));
  EXPECT_FALSE(base64::decode("Z", decoded.erase()));
  EXPECT_FALSE(base64::decode("Zg==Zg==", decoded.erase()));
}

TEST(Base64LinesTest, WrapsAt76Characters) {
  std::string bytes;
  for (int i = 0; i < 1000; ++i)
    bytes += static_cast<char>(i * 7);
  std::string out;
  base64::encode_lines(bytes, "\r\n", out);
  const std::vector<std::string> lines = testing_mime::lines_of(out);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i)
    EXPECT_EQ(lines[i].size(), 76u);
  EXPECT_NE(out.substr(out.size() - 2), "\r\n");
  EXPECT_EQ(testing_mime::base64_decode(out), bytes);
}

TEST(QuotedPrintableTest, RandomTextRoundTripsThroughTheTestDecoder) {
  std::mt19937 random(12345);
  for (int round = 0; round < 200; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 400);
    for (int i = 0; i < length; ++i) {
      const unsigned pick = random() % 10;
      text += pick < 5   ? static_cast<char>('a' + random() % 26)
              : pick < 7 ? ' '
              : pick < 8 ? '='
              : pick < 9 ? '\t'
                         : static_cast<char>(random() % 256);
      if (random() % 40 == 0)
        text += "\r\n";
    }
    // Bare CR/LF become CRLF hard breaks, so compare with text normalised that way.
    std::string normalised;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
        ++i;
      normalised +=
          (text[i] == '\r' || text[i] == '\n') ? std::string("\r\n") : std::string(1, text[i]);
    }
    std::string encoded;
    quoted_printable::encode(text, "\r\n", encoded);
    for (const std::string& line : testing_mime::lines_of(encoded)) {
      EXPECT_LE(line.size(), 76u);
      EXPECT_TRUE(line.empty() || (line.back() != ' ' && line.back() != '\t'));
    }
    EXPECT_EQ(testing_mime::qp_decode(encoded), normalised);
    std::string decoded;
    quoted_printable::decode(encoded, decoded);
    EXPECT_EQ(decoded, normalised);
  }
}

TEST(QuotedPrintableTest, DecodesSoftBreaksAndLenientForms) {
  std::string out;
  quoted_printable::decode("a=\r\nb=3d=3D =  \r\nc  \r\nd=\ne=XY=", out);
  EXPECT_EQ(out, "ab== c\r\nd"
                 "e=XY");
}

TEST(MimeHeaderFieldsTest, ReadsBoundaryQuotedOrNot) {
  const std::string text =
      "Content-Type: Multipart/Mixed;\r\n\tcharset=x; BOUNDARY=\"a\\\"b; c\"\r\n"
      "Content-Transfer-Encoding:  Quoted-Printable \r\n\r\nbody";
  const mime::HeaderSection section = mime::split_header_section(text, 0, text.size());
  ASSERT_EQ(section.fields.size(), 2u);
  EXPECT_EQ(text.substr(section.body_begin), "body");
  const mime::EntityLayout layout = mime::read_entity_layout(text, section);
  EXPECT_EQ(layout.media_type, "multipart/mixed");
  EXPECT_EQ(layout.boundary, "a\"b; c");
  EXPECT_EQ(layout.transfer_encoding, "quoted-printable");
  const std::string plain = "Content-Type: multipart/alternative; boundary=abc-123 ; x=y\n\n";
  EXPECT_EQ(
      mime::read_entity_layout(plain, mime::split_header_section(plain, 0, plain.size())).boundary,
      "abc-123");
}

TEST(MimeHeaderFieldsTest, TextWithoutHeadersHasNoFields) {
  const std::string text = "Just a body line\r\nSubject: not a header\r\n";
  const mime::HeaderSection section = mime::split_header_section(text, 0, text.size());
  EXPECT_TRUE(section.fields.empty());
  EXPECT_EQ(section.body_begin, 0u);
  EXPECT_EQ(mime::read_entity_layout(text, section).media_type, "text/plain");
}

TEST(MimePartScannerTest, SplitsPartsAndIgnoresLookalikes) {
  const std::string body = "pre\r\n--b\r\nA\r\n--bx\r\n--b \r\nB\r\n--b--\r\nepilogue";
  const auto parts = mime::split_multipart(body, 0, body.size(), "b");
  ASSERT_TRUE(parts.has_value());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ(body.substr((*parts)[0].begin, (*parts)[0].end - (*parts)[0].begin), "A\r\n--bx");
  EXPECT_EQ(body.substr((*parts)[1].begin, (*parts)[1].end - (*parts)[1].begin), "B");
  EXPECT_FALSE(mime::split_multipart(body, 0, body.size(), "c").has_value());
  EXPECT_FALSE(mime::split_multipart(body, 0, body.size(), "").has_value());
  const std::string unclosed = "--b\r\nA\r\n";
  EXPECT_FALSE(mime::split_multipart(unclosed, 0, unclosed.size(), "b").has_value());
}

} // namespace
} // namespace volley::protocol
