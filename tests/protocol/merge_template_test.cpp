// MergeTemplate on single-part messages: placeholder syntax, header rules (injection,
// encoded-words, where placeholders are refused), missing vars, line ends, and static messages left
// untouched.
#include <gtest/gtest.h>

#include <string>

#include "protocol/merge_template.hpp"
#include "protocol/merge_template_vars.hpp"
#include "protocol/utf8.hpp"
#include "tests/protocol/mime_test_decoding.hpp"

namespace volley::protocol {
namespace {

MergeTemplate compiled(std::string_view message) {
  Result<MergeTemplate> result = compile_merge_template(message);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return std::move(result).value();
}

MergeVars vars(std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  MergeVars out;
  for (const auto& [name, value] : values)
    out.set(name, value);
  return out;
}

std::string rendered(const MergeTemplate& tmpl, const VarLookup& values) {
  std::string out;
  const Result<Unit> result = tmpl.render(values, out);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return out;
}

// The value of header field name (unfolded) in a rendered message.
std::string header_value(const std::string& message, const std::string& name) {
  const std::size_t start = message.find(name + ":");
  std::string value;
  for (std::size_t i = start + name.size() + 1; i < message.size(); ++i) {
    if (message[i] == '\r' || message[i] == '\n') {
      if (i + 2 < message.size() && message[i] == '\r' && message[i + 2] == ' ') {
        ++i;
        continue;
      }
      break;
    }
    value += message[i];
  }
  return value;
}

TEST(MergeTemplateTest, FillsBodyPlaceholders) {
  const MergeTemplate tmpl = compiled(
      "From: a@example.com\r\nSubject: Hi\r\n\r\nHello {{name}}, {{ name }} {{\tcity }}!\r\n");
  EXPECT_FALSE(tmpl.is_static());
  EXPECT_EQ(tmpl.fields(), (std::vector<std::string>{"city", "name"}));
  EXPECT_EQ(rendered(tmpl, vars({{"name", "Jane"}, {"city", "Oslo"}})),
            "From: a@example.com\r\nSubject: Hi\r\n\r\nHello Jane, Jane Oslo!\r\n");
}

TEST(MergeTemplateTest, FieldNamesAreSortedAndUnique) {
  const MergeTemplate tmpl =
      compiled("Subject: {{z}} {{a.b}}\r\n\r\n{{first-name}} {{z}} {{A_1}}\n");
  EXPECT_EQ(tmpl.fields(), (std::vector<std::string>{"A_1", "a.b", "first-name", "z"}));
}

TEST(MergeTemplateTest, InvalidPlaceholderSyntaxStaysLiteral) {
  const std::string long_name(65, 'n');
  const std::string body = "{{}} {{ }} {{a b}} {{x} {x}} {{" + long_name + "}} {{a/b}} {{é}} {{x";
  const MergeTemplate tmpl = compiled("Subject: s\r\n\r\n" + body);
  EXPECT_TRUE(tmpl.is_static());
  EXPECT_EQ(rendered(tmpl, vars({})), "Subject: s\r\n\r\n" + body);
}

TEST(MergeTemplateTest, TripleBracesKeepTheOuterBraces) {
  const MergeTemplate tmpl = compiled("Subject: s\r\n\r\n{{{name}}}");
  EXPECT_EQ(rendered(tmpl, vars({{"name", "J"}})), "Subject: s\r\n\r\n{J}");
}

TEST(MergeTemplateTest, LongestNameIsAccepted) {
  const std::string name(64, 'n');
  const MergeTemplate tmpl = compiled("Subject: s\r\n\r\n{{" + name + "}}");
  EXPECT_EQ(tmpl.fields(), std::vector<std::string>{name});
}

TEST(MergeTemplateTest, MissingVarIsAnErrorNamingTheField) {
  const MergeTemplate tmpl = compiled("Subject: {{subject_line}}\r\n\r\nHi {{name}}\r\n");
  const MergeVars partial = vars({{"name", "Jane"}});
  EXPECT_EQ(tmpl.first_missing(partial), std::optional<std::string_view>("subject_line"));
  std::string out = "kept";
  const Result<Unit> result = tmpl.render(partial, out);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, error_code::invalid_request);
  EXPECT_NE(result.error().message.find("\"subject_line\""), std::string::npos);
  EXPECT_EQ(out, "kept");
  EXPECT_FALSE(tmpl.first_missing(vars({{"name", ""}, {"subject_line", ""}})).has_value());
}

TEST(MergeTemplateTest, EmptyValueIsNotMissing) {
  const MergeTemplate tmpl = compiled("Subject: x\r\n\r\n[{{name}}]");
  EXPECT_EQ(rendered(tmpl, vars({{"name", ""}})), "Subject: x\r\n\r\n[]");
}

TEST(MergeTemplateTest, HeaderInjectionIsRefused) {
  const MergeTemplate tmpl =
      compiled("To: {{name}} <{{to}}>\r\nSubject: Hello {{name}}\r\n\r\nbody {{name}}\r\n");
  for (const std::string& bad : std::vector<std::string>{
           "Jane\r\nBcc: victim@example.com", "Jane\nX: y", "Jane\rX", std::string("Jane\0X", 6)}) {
    std::string out = "prefix";
    const Result<Unit> result = tmpl.render(vars({{"name", bad}, {"to", "j@example.com"}}), out);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_NE(result.error().message.find("\"name\""), std::string::npos);
    EXPECT_EQ(out, "prefix");
  }
  const MergeTemplate body_only = compiled("Subject: x\r\n\r\n{{name}}\r\n");
  EXPECT_EQ(rendered(body_only, vars({{"name", "a\nb\rc\r\nd"}})),
            "Subject: x\r\n\r\na\r\nb\r\nc\r\nd\r\n");
}

TEST(MergeTemplateTest, NonAsciiSubjectBecomesEncodedWords) {
  const std::string value = "J\xC3\xB6rg M\xC3\xBCller \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80";
  const MergeTemplate tmpl = compiled("From: a@example.com\r\nSubject: Hello {{name}}, news\r\n"
                                      "To: {{name}} <x@example.com>\r\n\r\nbody\r\n");
  const std::string out = rendered(tmpl, vars({{"name", value}}));
  const std::string subject = header_value(out, "Subject");
  EXPECT_EQ(subject.find("Hello"), std::string::npos) << "whole value is encoded: " << subject;
  EXPECT_EQ(testing_mime::decode_b_words(subject), "Hello " + value + ", news");
  EXPECT_EQ(header_value(out, "To"), " " + value + " <x@example.com>"); // structured: raw UTF-8
  for (const std::string& line : testing_mime::lines_of(out))
    EXPECT_LE(line.size(), 76u) << line;
}

TEST(MergeTemplateTest, LongNonAsciiSubjectIsFoldedOnCharacterBoundaries) {
  std::string value;
  for (int i = 0; i < 100; ++i)
    value += "\xC3\xA9\xE2\x82\xAC"; // é€
  const MergeTemplate tmpl = compiled("Subject: {{v}}\r\n\r\n.");
  const std::string out = rendered(tmpl, vars({{"v", value}}));
  const std::string subject = header_value(out, "Subject");
  EXPECT_EQ(testing_mime::decode_b_words(subject), value);
  std::size_t pos = 0;
  while ((pos = subject.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const std::size_t stop = subject.find("?=", pos + 10);
    EXPECT_LE(stop + 2 - pos, 75u);
    const std::string word = testing_mime::base64_decode(subject.substr(pos + 10, stop - pos - 10));
    EXPECT_EQ(utf8::find_invalid(word), std::string::npos) << "split inside a character";
    pos = stop;
  }
  for (const std::string& line : testing_mime::lines_of(out))
    EXPECT_LE(line.size(), 76u);
}

TEST(MergeTemplateTest, OverlongAsciiSubjectIsEncodedToo) {
  const std::string value(1200, 'a');
  const MergeTemplate tmpl = compiled("Subject: {{v}}\r\n\r\nx");
  const std::string out = rendered(tmpl, vars({{"v", value}}));
  EXPECT_EQ(testing_mime::decode_b_words(header_value(out, "Subject")), value);
  for (const std::string& line : testing_mime::lines_of(out))
    EXPECT_LE(line.size(), 998u);
}

TEST(MergeTemplateTest, PlaceholdersRefusedWhereTheyWouldBreakTheLayout) {
  for (const std::string& message :
       std::vector<std::string>{"{{name}}: x\r\n\r\nbody", "X-{{h}}: x\r\n\r\nbody",
                                "Content-Type: text/{{sub}}\r\n\r\nbody",
                                "Content-Type: multipart/mixed;\r\n boundary=\"{{b}}\"\r\n\r\nbody",
                                "Content-Transfer-Encoding: {{cte}}\r\n\r\nbody"}) {
    const Result<MergeTemplate> result = compile_merge_template(message);
    ASSERT_FALSE(result.ok()) << message;
    EXPECT_EQ(result.error().code, error_code::invalid_request);
    EXPECT_NE(result.error().message.find("{{"), std::string::npos) << result.error().message;
  }
}

TEST(MergeTemplateTest, TooManyPlaceholdersIsAnError) {
  std::string body;
  for (std::size_t i = 0; i <= kMaxMergePlaceholders; ++i)
    body += "{{x}}";
  EXPECT_FALSE(compile_merge_template("Subject: s\r\n\r\n" + body).ok());
  body.resize(body.size() - 5);
  EXPECT_TRUE(compile_merge_template("Subject: s\r\n\r\n" + body).ok());
}

TEST(MergeTemplateTest, LfMessageKeepsLfLineEnds) {
  const MergeTemplate tmpl = compiled("Subject: {{s}}\n\nLine {{v}}\nend\n");
  EXPECT_EQ(rendered(tmpl, vars({{"s", "S"}, {"v", "1\r\n2"}})), "Subject: S\n\nLine 1\n2\nend\n");
}

TEST(MergeTemplateTest, MessageWithoutHeadersIsAllBody) {
  const MergeTemplate tmpl = compiled("Hello {{name}}\r\nthere");
  EXPECT_EQ(rendered(tmpl, vars({{"name", "N\xC3\xA9"}})), "Hello N\xC3\xA9\r\nthere");
}

TEST(MergeTemplateTest, StaticMessagesRenderUnchanged) {
  for (const std::string& message : std::vector<std::string>{
           std::string(""), std::string("Subject: x\r\n\r\nno fields { { }} here\r\n"),
           std::string("Subject: x\n\nlf only\n"), std::string("no headers at all"),
           std::string("Subject: \xC3\xA9\r\n\r\n\xFF\xFE binary\0 bytes",
                       sizeof("Subject: \xC3\xA9\r\n\r\n\xFF\xFE binary\0 bytes") - 1)}) {
    const MergeTemplate tmpl = compiled(message);
    EXPECT_TRUE(tmpl.is_static());
    EXPECT_EQ(tmpl.message(), message);
    std::string out = "pre:";
    ASSERT_TRUE(tmpl.render(vars({}), out).ok());
    EXPECT_EQ(out, "pre:" + message);
  }
}

TEST(MergeTemplateTest, RenderAppendsAndReusesCapacity) {
  const MergeTemplate tmpl = compiled("Subject: {{s}}\r\n\r\n{{b}}\r\n");
  std::string out;
  out.reserve(4096);
  const char* storage = out.data();
  for (int i = 0; i < 3; ++i) {
    out.clear();
    ASSERT_TRUE(tmpl.render(vars({{"s", "subject"}, {"b", "body"}}), out).ok());
    EXPECT_EQ(out, "Subject: subject\r\n\r\nbody\r\n");
  }
  EXPECT_EQ(out.data(), storage);
}

TEST(MergeVarsTest, ReadsStoredVarsJson) {
  const Result<MergeVars> parsed =
      MergeVars::from_json(R"({"name":"last","n":5,"b":true,"name2":"x"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->find("name"), std::optional<std::string_view>("last"));
  EXPECT_EQ(parsed->find("n"), std::optional<std::string_view>("5"));
  EXPECT_EQ(parsed->find("b"), std::optional<std::string_view>("true"));
  EXPECT_FALSE(parsed->find("missing").has_value());
  EXPECT_TRUE(MergeVars::from_json("").ok());
  EXPECT_FALSE(MergeVars::from_json("[1]").ok());
  EXPECT_FALSE(MergeVars::from_json(R"({"a":{"b":1}})").ok());
  EXPECT_FALSE(MergeVars::from_json("{").ok());
}

} // namespace
} // namespace volley::protocol
