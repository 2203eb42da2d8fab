// MergeTemplate on MIME messages: nested multiparts, QP and base64 parts merged in decoded form and
// re-encoded (checked with the independent decoders of mime_test_decoding.hpp), parts without
// placeholders copied byte for byte, and the raw-text fallback for malformed structures.
#include <gtest/gtest.h>

#include <string>

#include "protocol/merge_template.hpp"
#include "protocol/merge_template_vars.hpp"
#include "tests/protocol/merge_template_sample.hpp"
#include "tests/protocol/mime_test_decoding.hpp"

namespace volley::protocol {
namespace {

using testing_mime::leaf_parts;
using testing_mime::LeafPart;
using testing_mime::lines_of;

const std::string kName = "J\xC3\xB6rg = M\xC3\xBCller \xE2\x80\x93 \xE6\x9D\xB1\xE4\xBA\xAC";

std::string long_code() {
  std::string code;
  for (int i = 0; i < 40; ++i)
    code += "k=" + std::to_string(i) + "\xC3\xA9 ";
  return code + "end";
}

MergeVars sample_vars() {
  MergeVars vars;
  vars.set("name", kName);
  vars.set("email", "jorg@example.com");
  vars.set("code", long_code());
  return vars;
}

std::string render_ok(std::string_view message, const VarLookup& vars) {
  Result<MergeTemplate> tmpl = compile_merge_template(message);
  EXPECT_TRUE(tmpl.ok()) << (tmpl.ok() ? "" : tmpl.error().message);
  std::string out;
  const Result<Unit> rendered = tmpl->render(vars, out);
  EXPECT_TRUE(rendered.ok()) << (rendered.ok() ? "" : rendered.error().message);
  return out;
}

bool is_ascii(std::string_view text) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) >= 0x80)
      return false;
  return true;
}

TEST(MergeTemplateMimeTest, FindsPlaceholdersInEveryTextPart) {
  const Result<MergeTemplate> tmpl = compile_merge_template(merge_sample::nested_message());
  ASSERT_TRUE(tmpl.ok()) << tmpl.error().message;
  EXPECT_EQ(tmpl->fields(), (std::vector<std::string>{"code", "email", "name"}));
}

TEST(MergeTemplateMimeTest, NestedPartsDecodeToTheMergedText) {
  const std::string out = render_ok(merge_sample::nested_message(), sample_vars());
  const std::vector<LeafPart> parts = leaf_parts(out, {"outer=_1; x", "inner42"});
  ASSERT_EQ(parts.size(), 3u) << out;
  EXPECT_EQ(parts[0].decoded,
            "Hello " + kName + ",\r\nyour code is " + long_code() + ".\r\nBye\r\n");
  EXPECT_EQ(parts[1].decoded, "<p>Hello " + kName + ", code=" + long_code() +
                                  " caf\xC3\xA9</p>\r\n<p>Trailing space stays  </p>\r\n"
                                  "--inner42extra is not a delimiter");
  EXPECT_EQ(parts[2].body, merge_sample::kAttachmentBody);
  EXPECT_NE(out.find("\r\n\r\nThis is a multi-part message.\r\n--outer=_1; x\r\n"),
            std::string::npos);
  EXPECT_NE(out.find("\r\n--outer=_1; x--\r\nepilogue\r\n"), std::string::npos);
}

TEST(MergeTemplateMimeTest, ReEncodedLinesStayWithinLimits) {
  const std::string out = render_ok(merge_sample::nested_message(), sample_vars());
  const std::vector<LeafPart> parts = leaf_parts(out, {"outer=_1; x", "inner42"});
  ASSERT_EQ(parts.size(), 3u);
  for (const std::string& line : lines_of(parts[0].body)) {
    EXPECT_LE(line.size(), 76u);
    EXPECT_EQ(
        line.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
        std::string::npos);
  }
  const std::vector<std::string> qp_lines = lines_of(parts[1].body);
  EXPECT_GT(qp_lines.size(), 3u); // the long value forced soft breaks
  for (const std::string& line : qp_lines) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_TRUE(is_ascii(line)) << line;
    ASSERT_FALSE(line.empty());
    EXPECT_NE(line.back(), ' ') << line;
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
      if (line[i] == '=') { // "=XX" with upper-case hex; a lone '=' only ends a line
        ASSERT_LT(i + 2, line.size()) << line;
        EXPECT_EQ(line.substr(i + 1, 2).find_first_not_of("0123456789ABCDEF"), std::string::npos)
            << line;
      }
    }
  }
}

TEST(MergeTemplateMimeTest, PartsWithoutPlaceholdersAreCopiedByteForByte) {
  const std::string untouched_qp = "Odd =41=42 encoding, short=\r\nlines =c3=a9 kept   \r\n";
  const std::string message =
      "Subject: s\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\nHi {{name}}\r\n"
      "--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n\r\n" +
      untouched_qp + "--b--\r\n";
  MergeVars vars;
  vars.set("name", "Ann");
  std::string expected = message;
  expected.replace(expected.find("{{name}}"), 8, "Ann");
  EXPECT_EQ(render_ok(message, vars), expected);
}

TEST(MergeTemplateMimeTest, PlaceholderWrittenWithQpEscapesIsFound) {
  const std::string message = "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                              "Hi =7B=7Bname=7D=7D!\r\n";
  MergeVars vars;
  vars.set("name", "Bob ");
  const std::string out = render_ok(message, vars);
  EXPECT_EQ(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\nHi Bob !\r\n");
}

TEST(MergeTemplateMimeTest, QpEncodesTrailingWhitespaceAndEquals) {
  const std::string message = "Content-Transfer-Encoding: quoted-printable\r\n\r\n{{v}}\r\nnext";
  MergeVars vars;
  vars.set("v", "a=b\t ");
  const std::string out = render_ok(message, vars);
  EXPECT_EQ(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\na=3Db\t=20\r\nnext");
}

TEST(MergeTemplateMimeTest, SinglePartBase64BodyIsReEncoded) {
  const std::string message = "Content-Type: text/plain; charset=utf-8\r\n"
                              "Content-Transfer-Encoding: BASE64\r\n\r\n"
                              "SGkge3tu\r\nYW1lfX0sIGJ5ZQ==\r\n";
  MergeVars vars;
  vars.set("name", std::string(100, 'x') + "\n\xC3\xA9");
  const std::string out = render_ok(message, vars);
  const std::size_t body = out.find("\r\n\r\n") + 4;
  EXPECT_EQ(out.substr(0, body), message.substr(0, message.find("\r\n\r\n") + 4));
  EXPECT_EQ(out.substr(out.size() - 2), "\r\n");
  EXPECT_EQ(testing_mime::base64_decode(out.substr(body)),
            "Hi " + std::string(100, 'x') + "\r\n\xC3\xA9, bye");
  for (const std::string& line : lines_of(out.substr(body)))
    EXPECT_LE(line.size(), 76u);
}

TEST(MergeTemplateMimeTest, AttachmentsAreNeverSearched) {
  const std::string message = "Content-Type: application/json\r\n\r\n{\"a\": \"{{name}}\"}\r\n";
  const Result<MergeTemplate> tmpl = compile_merge_template(message);
  ASSERT_TRUE(tmpl.ok());
  EXPECT_TRUE(tmpl->is_static());
}

TEST(MergeTemplateMimeTest, EightBitAndUnknownEncodingsAreSearchedRaw) {
  for (const std::string& cte : std::vector<std::string>{"8bit", "binary", "x-custom", "7bit"}) {
    const std::string message = "Content-Transfer-Encoding: " + cte + "\r\n\r\nHi {{name}}=\r\n";
    MergeVars vars;
    vars.set("name", "\xC3\xA9=");
    EXPECT_EQ(render_ok(message, vars),
              "Content-Transfer-Encoding: " + cte + "\r\n\r\nHi \xC3\xA9==\r\n");
  }
}

TEST(MergeTemplateMimeTest, UndecodableBase64FallsBackToRawText) {
  const std::string message =
      "Content-Transfer-Encoding: base64\r\n\r\nnot base64 at all {{name}}\r\n";
  MergeVars vars;
  vars.set("name", "N");
  EXPECT_EQ(render_ok(message, vars),
            "Content-Transfer-Encoding: base64\r\n\r\nnot base64 at all N\r\n");
}

TEST(MergeTemplateMimeTest, MalformedMultipartFallsBackToRawText) {
  const std::string part = "Content-Transfer-Encoding: quoted-printable\r\n\r\nHi {{name}} =3D\r\n";
  const std::vector<std::string> messages = {
      // no boundary parameter
      "Content-Type: multipart/mixed\r\n\r\n--b\r\n" + part + "--b--\r\n",
      // boundary never appears
      "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--b\r\n" + part + "--b--\r\n",
      // no closing delimiter
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" + part,
      // close without open
      "Content-Type: multipart/mixed; boundary=b\r\n\r\n" + part + "--b--\r\n",
  };
  MergeVars vars;
  vars.set("name", "\xC3\xA9");
  for (const std::string& message : messages) {
    std::string expected = message;
    expected.replace(expected.find("{{name}}"), 8, "\xC3\xA9"); // raw: no QP re-encoding
    EXPECT_EQ(render_ok(message, vars), expected) << message;
  }
}

TEST(MergeTemplateMimeTest, TooDeepNestingFallsBackToRawText) {
  std::string message = "Subject: deep\r\n";
  std::string closing;
  for (int depth = 0; depth < 20; ++depth) {
    const std::string b = "b" + std::to_string(depth);
    message += "Content-Type: multipart/mixed; boundary=" + b + "\r\n\r\n--" + b + "\r\n";
    closing = "\r\n--" + b + "--\r\n" + closing;
  }
  message += "Content-Transfer-Encoding: quoted-printable\r\n\r\n{{name}} =C3=A9" + closing;
  MergeVars vars;
  vars.set("name", "X");
  std::string expected = message;
  expected.replace(expected.find("{{name}}"), 8, "X");
  EXPECT_EQ(render_ok(message, vars), expected);
}

TEST(MergeTemplateMimeTest, LfOnlyMultipartIsMerged) {
  const std::string message = merge_sample::nested_message("\n");
  const std::string out = render_ok(message, sample_vars());
  EXPECT_EQ(out.find('\r'), std::string::npos);
  std::string crlf;
  for (const char c : out) {
    if (c == '\n')
      crlf += '\r';
    crlf += c;
  }
  const std::vector<LeafPart> parts = leaf_parts(crlf, {"outer=_1; x", "inner42"});
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_NE(parts[1].decoded.find("<p>Hello " + kName + ", code=" + long_code()),
            std::string::npos);
}

TEST(MergeTemplateMimeTest, StaticMultipartRendersUnchanged) {
  std::string message = merge_sample::nested_message();
  for (const std::string& field :
       std::vector<std::string>{"{{name}}", "{{email}}", "{{code}}", "{{ code }}"})
    for (std::size_t at; (at = message.find(field)) != std::string::npos;)
      message.replace(at, field.size(), "x");
  message.replace(message.find("{{na=\r\nme}}"), 11, "y");
  const std::string text_part = "SGVsbG8ge3tuYW1lfX0sDQp5b3VyIGNvZGUgaXMge3sgY29kZSB9fS4NCkJ5ZQ0K";
  message.replace(message.find(text_part), text_part.size(), "SGVsbG8=");
  const Result<MergeTemplate> tmpl = compile_merge_template(message);
  ASSERT_TRUE(tmpl.ok());
  EXPECT_TRUE(tmpl->is_static()) << tmpl->fields().front();
  std::string out;
  ASSERT_TRUE(tmpl->render(MergeVars{}, out).ok());
  EXPECT_EQ(out, message);
}

} // namespace
} // namespace volley::protocol
