// add_bulk_headers and its helpers: exact output bytes for each field, no duplicates of fields the
// message already has (any case, folded, obsolete "Name :"), body and MIME part lines ignored,
// line ends kept, folding and line-length limits, one-click rules, and the URL/mailto checks.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocol/bulk_headers.hpp"

namespace volley::protocol {
namespace {

constexpr std::string_view kMessage = "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n";

BulkHeaderFields all_fields() {
  BulkHeaderFields fields;
  fields.unsubscribe_mailto = "u@x.test";
  fields.unsubscribe_url = "https://x.test/u";
  fields.one_click = true;
  fields.feedback_id = "c1:t1:bulk:volley";
  fields.message_id = "<abc@mail.example.com>";
  fields.date = "Sun, 29 Nov 2026 18:40:00 +0000";
  return fields;
}

// The lines of text without their line ends (CRLF or LF).
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t lf = text.find('\n');
    std::string_view line = text.substr(0, lf);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.emplace_back(line);
    text = lf == std::string_view::npos ? std::string_view() : text.substr(lf + 1);
  }
  return lines;
}

TEST(BulkHeadersTest, AddsAllMissingFieldsInOrderAtTheTop) {
  EXPECT_EQ(add_bulk_headers(kMessage, all_fields()),
            "Message-ID: <abc@mail.example.com>\r\n"
            "Date: Sun, 29 Nov 2026 18:40:00 +0000\r\n"
            "List-Unsubscribe: <mailto:u@x.test?subject=unsubscribe>, <https://x.test/u>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            "Feedback-ID: c1:t1:bulk:volley\r\n" +
                std::string(kMessage));
}

TEST(BulkHeadersTest, AddsEachFieldAlone) {
  BulkHeaderFields id;
  id.message_id = "<1@x.test>";
  EXPECT_EQ(add_bulk_headers(kMessage, id), "Message-ID: <1@x.test>\r\n" + std::string(kMessage));

  BulkHeaderFields mailto;
  mailto.unsubscribe_mailto = "unsubscribe-abc@example.com";
  EXPECT_EQ(add_bulk_headers(kMessage, mailto),
            "List-Unsubscribe: <mailto:unsubscribe-abc@example.com?subject=unsubscribe>\r\n" +
                std::string(kMessage));

  BulkHeaderFields url;
  url.unsubscribe_url = "http://x.test/u?t=1";
  EXPECT_EQ(add_bulk_headers(kMessage, url),
            "List-Unsubscribe: <http://x.test/u?t=1>\r\n" + std::string(kMessage));

  BulkHeaderFields feedback;
  feedback.feedback_id = "::bulk:volley";
  EXPECT_EQ(add_bulk_headers(kMessage, feedback),
            "Feedback-ID: ::bulk:volley\r\n" + std::string(kMessage));
}

TEST(BulkHeadersTest, UnchangedWhenAllFieldsEmpty) {
  const std::string message = "From: a@example.com\r\n\r\nList-Unsubscribe: x\r\n";
  EXPECT_EQ(add_bulk_headers(message, BulkHeaderFields{}), message);
  BulkHeaderFields only_one_click;
  only_one_click.one_click = true;
  EXPECT_EQ(add_bulk_headers(message, only_one_click), message);
  EXPECT_EQ(add_bulk_headers("", BulkHeaderFields{}), "");
}

TEST(BulkHeadersTest, NoDuplicateWhenTheMessageHasTheFields) {
  const std::string message = "message-id: <old@example.com>\r\n"
                              "List-Unsubscribe :\r\n"
                              "\t<https://example.com/old>\r\n"
                              "list-unsubscribe-post: List-Unsubscribe=One-Click\r\n"
                              "FEEDBACK-ID: a:b:c:old\r\n"
                              "date: Mon, 2 Jan 2023 10:00:00 +0100\r\n"
                              "\r\n"
                              "body\r\n";
  EXPECT_EQ(add_bulk_headers(message, all_fields()), message);
}

TEST(BulkHeadersTest, FoldedAndObsoleteNamesCount) {
  const std::string folded = "Subject: x\r\nLIST-UNSUBSCRIBE:\r\n <mailto:a@b.test>\r\n\r\nbody";
  BulkHeaderFields fields;
  fields.unsubscribe_url = "https://x.test/u";
  EXPECT_EQ(add_bulk_headers(folded, fields), folded);

  const std::string obsolete = "Subject: x\r\nMessage-ID \t: <a@b.test>\r\n\r\nbody";
  fields = BulkHeaderFields{};
  fields.message_id = "<new@x.test>";
  EXPECT_EQ(add_bulk_headers(obsolete, fields), obsolete);
}

TEST(BulkHeadersTest, ExistingListUnsubscribeGetsNoSecondFieldOrUri) {
  const std::string message = "List-Unsubscribe: <mailto:old@example.com>\r\nSubject: x\r\n\r\n";
  BulkHeaderFields fields;
  fields.unsubscribe_mailto = "u@x.test";
  fields.unsubscribe_url = "https://x.test/u";
  EXPECT_EQ(add_bulk_headers(message, fields), message);
}

TEST(BulkHeadersTest, SimilarNamesDoNotCount) {
  const std::string message = "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                              "X-Message-ID: <x@y.test>\r\n"
                              "Feedback-IDs: a\r\n"
                              "\r\n";
  BulkHeaderFields fields;
  fields.message_id = "<1@x.test>";
  fields.unsubscribe_mailto = "u@x.test";
  fields.feedback_id = "a:b:c:d";
  EXPECT_EQ(add_bulk_headers(message, fields),
            "Message-ID: <1@x.test>\r\n"
            "List-Unsubscribe: <mailto:u@x.test?subject=unsubscribe>\r\n"
            "Feedback-ID: a:b:c:d\r\n" +
                message);
}

TEST(BulkHeadersTest, BodyLinesThatLookLikeHeadersAreIgnored) {
  const std::string message = "From: a@example.com\r\n"
                              "\r\n"
                              "Message-ID: <body@example.com>\r\n"
                              "List-Unsubscribe: <https://body.example.com/>\r\n"
                              "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                              "Feedback-ID: a:b:c:body\r\n";
  EXPECT_EQ(add_bulk_headers(message, all_fields()),
            "Message-ID: <abc@mail.example.com>\r\n"
            "Date: Sun, 29 Nov 2026 18:40:00 +0000\r\n"
            "List-Unsubscribe: <mailto:u@x.test?subject=unsubscribe>, <https://x.test/u>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            "Feedback-ID: c1:t1:bulk:volley\r\n" +
                message);
  EXPECT_FALSE(has_header_field(message, "Message-ID"));
  EXPECT_TRUE(has_header_field(message, "from"));
}

TEST(BulkHeadersTest, MimePartHeadersAreIgnored) {
  const std::string message = "From: a@example.com\r\n"
                              "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
                              "\r\n"
                              "--b1\r\n"
                              "Content-Type: text/plain\r\n"
                              "Feedback-ID: a:b:c:part\r\n"
                              "\r\n"
                              "text\r\n"
                              "--b1--\r\n";
  BulkHeaderFields fields;
  fields.feedback_id = "a:b:c:d";
  EXPECT_EQ(add_bulk_headers(message, fields), "Feedback-ID: a:b:c:d\r\n" + message);
}

TEST(BulkHeadersTest, LfOnlyMessagesKeepLf) {
  const std::string message = "From: a@example.com\nSubject: hi\n\nbody\n";
  EXPECT_EQ(add_bulk_headers(message, all_fields()),
            "Message-ID: <abc@mail.example.com>\n"
            "Date: Sun, 29 Nov 2026 18:40:00 +0000\n"
            "List-Unsubscribe: <mailto:u@x.test?subject=unsubscribe>, <https://x.test/u>\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
            "Feedback-ID: c1:t1:bulk:volley\n" +
                message);
  BulkHeaderFields fields = all_fields();
  fields.unsubscribe_url = "https://x.test/a-rather-long-path/that/forces/folding";
  const std::string out = add_bulk_headers(message, fields);
  EXPECT_NE(out.find("subject=unsubscribe>,\n <https://x.test/a-rather"), std::string::npos);
  EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(BulkHeadersTest, FirstLineDecidesTheLineEnd) {
  BulkHeaderFields fields;
  fields.feedback_id = "a:b:c:d";
  EXPECT_EQ(add_bulk_headers("From: a\r\nX: y\n\nbody", fields),
            "Feedback-ID: a:b:c:d\r\nFrom: a\r\nX: y\n\nbody");
  EXPECT_EQ(add_bulk_headers("From: a\nX: y\r\n\r\nbody", fields),
            "Feedback-ID: a:b:c:d\nFrom: a\nX: y\r\n\r\nbody");
}

TEST(BulkHeadersTest, MessageWithoutHeaderFields) {
  BulkHeaderFields fields;
  fields.message_id = "<1@x.test>";
  fields.feedback_id = "a:b:c:d";
  EXPECT_EQ(add_bulk_headers("\r\nbody\r\n", fields),
            "Message-ID: <1@x.test>\r\nFeedback-ID: a:b:c:d\r\n\r\nbody\r\n");
  EXPECT_EQ(add_bulk_headers("\nbody\n", fields),
            "Message-ID: <1@x.test>\nFeedback-ID: a:b:c:d\n\nbody\n");
  EXPECT_EQ(add_bulk_headers("", fields), "Message-ID: <1@x.test>\r\nFeedback-ID: a:b:c:d\r\n");
}

TEST(BulkHeadersTest, MessageWithoutBody) {
  BulkHeaderFields fields;
  fields.message_id = "<1@x.test>";
  EXPECT_EQ(add_bulk_headers("From: a\r\nSubject: b\r\n", fields),
            "Message-ID: <1@x.test>\r\nFrom: a\r\nSubject: b\r\n");
  EXPECT_EQ(add_bulk_headers("From: a", fields), "Message-ID: <1@x.test>\r\nFrom: a");
  EXPECT_EQ(add_bulk_headers("From: a\nSubject: b", fields),
            "Message-ID: <1@x.test>\nFrom: a\nSubject: b");
  const std::string with_id = "From: a\r\nMessage-Id: <old@x.test>";
  EXPECT_EQ(add_bulk_headers(with_id, fields), with_id);
}

TEST(BulkHeadersTest, FoldsBeforeTheSecondUriWhenLong) {
  BulkHeaderFields fields;
  fields.unsubscribe_mailto = "unsubscribe-abc@example.com";
  fields.unsubscribe_url = "https://example.com/u/abc";
  EXPECT_EQ(add_bulk_headers(kMessage, fields),
            "List-Unsubscribe: <mailto:unsubscribe-abc@example.com?subject=unsubscribe>,\r\n"
            " <https://example.com/u/abc>\r\n" +
                std::string(kMessage));
  // 78 octets exactly: not folded.
  fields.unsubscribe_mailto = "u@x.test";
  fields.unsubscribe_url = "https://x.test/uvwx";
  const std::string out = add_bulk_headers(kMessage, fields);
  EXPECT_EQ(lines_of(out).front(),
            "List-Unsubscribe: <mailto:u@x.test?subject=unsubscribe>, <https://x.test/uvwx>");
  EXPECT_EQ(lines_of(out).front().size(), 78u);
  fields.unsubscribe_url = "https://x.test/uvwxy"; // 79: folded
  EXPECT_EQ(lines_of(add_bulk_headers(kMessage, fields)).at(1), " <https://x.test/uvwxy>");
}

TEST(BulkHeadersTest, LongUriLinesStayUnder998) {
  BulkHeaderFields fields;
  fields.unsubscribe_mailto = std::string(64, 'a') + "@" + std::string(253, 'd');
  fields.unsubscribe_url = "https://x.test/" + std::string(900 - 15, 'p');
  ASSERT_EQ(fields.unsubscribe_url.size(), kMaxUnsubscribeUrlLength);
  fields.one_click = true;
  fields.message_id = "<" + std::string(60, 'm') + "@x.test>";
  fields.feedback_id = make_feedback_id(std::string(100, 'c'), std::string(100, 't'),
                                        std::string(100, 'm'), std::string(100, 's'));
  const std::string out = add_bulk_headers(kMessage, fields);
  ASSERT_TRUE(out.ends_with(kMessage));
  const std::vector<std::string> lines = lines_of(out.substr(0, out.size() - kMessage.size()));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(lines[1].starts_with("List-Unsubscribe: <mailto:aaaa"));
  EXPECT_TRUE(lines[2].starts_with(" <https://x.test/pppp"));
  EXPECT_EQ(lines[2].size(), 903u);
  for (const std::string& line : lines)
    EXPECT_LE(line.size(), 998u) << line;

  BulkHeaderFields url_only;
  url_only.unsubscribe_url = fields.unsubscribe_url;
  const std::vector<std::string> single = lines_of(add_bulk_headers(kMessage, url_only));
  EXPECT_EQ(single.front().size(), 920u);
}

TEST(BulkHeadersTest, ShortFieldsStayWithin78) {
  BulkHeaderFields fields = all_fields();
  fields.unsubscribe_mailto = "u-abcdefghijkl@b.example.com";
  fields.unsubscribe_url = "https://example.com/unsubscribe/abcdefghijklmnopqrstuvwxyz";
  const std::string out = add_bulk_headers(kMessage, fields);
  const std::vector<std::string> lines = lines_of(out.substr(0, out.size() - kMessage.size()));
  ASSERT_EQ(lines.size(), 6u);
  for (const std::string& line : lines)
    EXPECT_LE(line.size(), 78u) << line;
}

TEST(BulkHeadersTest, OneClickOnlyWithHttps) {
  BulkHeaderFields http;
  http.unsubscribe_url = "http://x.test/u";
  http.one_click = true;
  EXPECT_EQ(add_bulk_headers(kMessage, http),
            "List-Unsubscribe: <http://x.test/u>\r\n" + std::string(kMessage));

  BulkHeaderFields mailto_only;
  mailto_only.unsubscribe_mailto = "u@x.test";
  mailto_only.one_click = true;
  EXPECT_EQ(add_bulk_headers(kMessage, mailto_only),
            "List-Unsubscribe: <mailto:u@x.test?subject=unsubscribe>\r\n" + std::string(kMessage));

  BulkHeaderFields no_one_click = all_fields();
  no_one_click.one_click = false;
  EXPECT_EQ(add_bulk_headers(kMessage, no_one_click).find("List-Unsubscribe-Post"),
            std::string::npos);

  BulkHeaderFields upper;
  upper.unsubscribe_url = "HTTPS://X.test/U";
  upper.one_click = true;
  EXPECT_EQ(add_bulk_headers(kMessage, upper),
            "List-Unsubscribe: <https://X.test/U>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" +
                std::string(kMessage));
}

TEST(BulkHeadersTest, OneClickFollowsTheMessagesOwnListUnsubscribe) {
  BulkHeaderFields fields;
  fields.one_click = true;
  fields.unsubscribe_url = "https://x.test/u"; // not used: the message has List-Unsubscribe

  const std::string http_only = "List-Unsubscribe: <mailto:a@b.test>, <http://b.test/u>\r\n\r\n";
  EXPECT_EQ(add_bulk_headers(http_only, fields), http_only);

  const std::string https = "list-unsubscribe: <mailto:a@b.test>,\r\n <HTTPS://b.test/u>\r\n\r\n";
  EXPECT_EQ(add_bulk_headers(https, fields),
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" + https);

  const std::string with_post = "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                                "List-Unsubscribe: <https://b.test/u>\r\n\r\n";
  EXPECT_EQ(add_bulk_headers(with_post, fields), with_post);

  const std::string https_in_body = "List-Unsubscribe: <mailto:a@b.test>\r\n\r\n"
                                    "List-Unsubscribe: <https://b.test/u>\r\n";
  EXPECT_EQ(add_bulk_headers(https_in_body, fields), https_in_body);
}

TEST(BulkHeadersTest, MalformedValuesAreLeftOut) {
  BulkHeaderFields fields;
  fields.message_id = "<a@b.test>\r\nBcc: victim@example.com";
  fields.unsubscribe_mailto = "u@x.test>\r\nBcc: victim@example.com";
  fields.unsubscribe_url = "javascript:alert(1)";
  fields.one_click = true;
  fields.feedback_id = "a:b:c:d\r\nBcc: victim@example.com";
  EXPECT_EQ(add_bulk_headers(kMessage, fields), kMessage);

  fields.message_id = "no-angle-brackets@x.test";
  fields.unsubscribe_mailto = "no-at-sign";
  fields.unsubscribe_url = "https://x.test/a b";
  fields.feedback_id = std::string(901, 'f');
  EXPECT_EQ(add_bulk_headers(kMessage, fields), kMessage);

  fields.unsubscribe_mailto = "bad address@x.test";
  fields.unsubscribe_url = "https://x.test/ok";
  EXPECT_EQ(add_bulk_headers(kMessage, fields),
            "List-Unsubscribe: <https://x.test/ok>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" +
                std::string(kMessage));
}

TEST(BulkHeadersTest, MailtoLocalPartIsPercentEncoded) {
  BulkHeaderFields fields;
  fields.unsubscribe_mailto = "bounce+user=example.com@X.test";
  EXPECT_EQ(add_bulk_headers(kMessage, fields),
            "List-Unsubscribe: <mailto:bounce+user%3Dexample.com@X.test?subject=unsubscribe>\r\n" +
                std::string(kMessage));
  fields.unsubscribe_mailto = "a#b?c%d&e/f@x.test";
  EXPECT_EQ(lines_of(add_bulk_headers(kMessage, fields)).front(),
            "List-Unsubscribe: <mailto:a%23b%3Fc%25d%26e%2Ff@x.test?subject=unsubscribe>");
}

TEST(BulkHeadersTest, HasHeaderField) {
  const std::string message = "From: a\r\n"
                              "list-unsubscribe :\r\n"
                              " <mailto:a@b.test>\r\n"
                              "Subject: x\r\n"
                              "\r\n"
                              "Feedback-ID: a:b:c:d\r\n";
  EXPECT_TRUE(has_header_field(message, "From"));
  EXPECT_TRUE(has_header_field(message, "List-Unsubscribe"));
  EXPECT_TRUE(has_header_field(message, "SUBJECT"));
  EXPECT_FALSE(has_header_field(message, "List-Unsubscribe-Post"));
  EXPECT_FALSE(has_header_field(message, "Feedback-ID"));
  EXPECT_FALSE(has_header_field(message, "List"));
  EXPECT_FALSE(has_header_field("", "From"));
  EXPECT_FALSE(has_header_field("\r\nFrom: a\r\n", "From"));
  EXPECT_TRUE(has_header_field("From: a", "from"));
}

TEST(BulkHeadersTest, CheckUnsubscribeUrlTable) {
  struct Case {
    std::string url;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"https://x.test/u", true},
      {"http://x.test", true},
      {"HTTPS://X.TEST/U?a=1&b=2#f", true},
      {"https://x.test/u/{{token}}", true},
      {"https://{{host}}/u", true},
      {"https://user@x.test:8443/u", true},
      {"https://[2001:db8::1]/u", true},
      {"https://x.test/" + std::string(900 - 15, 'a'), true},
      {"https://x.test/" + std::string(901 - 15, 'a'), false},
      {"", false},
      {"ftp://x.test/u", false},
      {"javascript:alert(1)", false},
      {"mailto:u@x.test", false},
      {"//x.test/u", false},
      {"https:x.test/u", false},
      {"https://", false},
      {"https:///path", false},
      {"https://?q", false},
      {"https://user@/u", false},
      {"https://:443/u", false},
      {"https://x.test/a b", false},
      {"https://x.test/a\tb", false},
      {" https://x.test/u", false},
      {"https://x.test/u\r\nBcc: v@x.test", false},
      {"https://x.test/<u>", false},
      {"https://x.test/\"u\"", false},
      {"https://x.test/caf\xc3\xa9", false},
      {"https://x.test/\x7f", false},
      {std::string("https://x.test/\0", 16), false},
  };
  for (const Case& c : cases) {
    const Result<Unit> result = check_unsubscribe_url(c.url);
    EXPECT_EQ(result.ok(), c.ok) << c.url;
    if (!result.ok()) {
      EXPECT_EQ(result.error().code, error_code::invalid_request);
      EXPECT_NE(result.error().message.find("unsubscribe URL"), std::string::npos);
    }
  }
}

TEST(BulkHeadersTest, CheckUnsubscribeUrlMessagesSayWhatAndWhere) {
  EXPECT_NE(check_unsubscribe_url("ftp://x.test/").error().message.find("http:// or https://"),
            std::string::npos);
  EXPECT_NE(check_unsubscribe_url("https://x.test/a b").error().message.find("offset 16"),
            std::string::npos);
  EXPECT_NE(check_unsubscribe_url("https://x.test/\xc3").error().message.find("0xC3"),
            std::string::npos);
  EXPECT_NE(check_unsubscribe_url("https://").error().message.find("no host"), std::string::npos);
  const std::string long_url = "https://x.test/" + std::string(2000, 'a');
  const std::string message = check_unsubscribe_url(long_url).error().message;
  EXPECT_NE(message.find("2015 octets"), std::string::npos);
  EXPECT_LT(message.size(), 300u);
}

TEST(BulkHeadersTest, CheckUnsubscribeMailtoTable) {
  EXPECT_TRUE(check_unsubscribe_mailto("unsubscribe-abc@example.com").ok());
  EXPECT_TRUE(check_unsubscribe_mailto("a.b+c=d@x-y.test").ok());
  EXPECT_TRUE(check_unsubscribe_mailto(std::string(64, 'a') + "@" + std::string(253, 'd')).ok());
  EXPECT_FALSE(check_unsubscribe_mailto(std::string(65, 'a') + "@x.test").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("a@" + std::string(254, 'd')).ok());
  EXPECT_FALSE(check_unsubscribe_mailto("").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("no-at").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("@x.test").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("a@").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("mailto:a@x.test").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("<a@x.test>").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("a b@x.test").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("\"a b\"@x.test").ok());
  EXPECT_FALSE(check_unsubscribe_mailto(".a@x.test").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("a..b@x.test").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("a@[192.0.2.1]").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("a@x.test?subject=x").ok());
  EXPECT_FALSE(check_unsubscribe_mailto("caf\xc3\xa9@x.test").ok());
  EXPECT_EQ(check_unsubscribe_mailto("a b@x.test").error().code, error_code::invalid_request);
}

TEST(BulkHeadersTest, MakeFeedbackIdSanitisesParts) {
  EXPECT_EQ(make_feedback_id("spring-sale", "tenant1", "promo", "volley"),
            "spring-sale:tenant1:promo:volley");
  EXPECT_EQ(make_feedback_id("a:b", "t t", "m\tx\r\n", "s\xc3\xa9\x7f"), "a_b:t_t:m_x__:s___");
  EXPECT_EQ(make_feedback_id("", "", "", "volley"), ":::volley");
  EXPECT_EQ(make_feedback_id("c", "t", "m", ""), "");
  EXPECT_EQ(make_feedback_id(std::string(70, 'c'), "t", "m", std::string(65, 's')),
            std::string(64, 'c') + ":t:m:" + std::string(64, 's'));
  // Braces never reach a template: a tenant tag cannot become a merge field.
  EXPECT_EQ(make_feedback_id("{{campaign}}", "t", "m", "s"), "__campaign__:t:m:s");
}

TEST(BulkHeadersTest, MakeDateFieldIsRfc5322InUtc) {
  EXPECT_EQ(make_date_field(0), "Thu, 1 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(make_date_field(1795968000), "Sun, 29 Nov 2026 16:00:00 +0000");
  EXPECT_EQ(make_date_field(951868799), "Tue, 29 Feb 2000 23:59:59 +0000"); // leap day
  EXPECT_EQ(make_date_field(4107542400), "Mon, 1 Mar 2100 00:00:00 +0000"); // 2100: no leap day
  EXPECT_EQ(make_date_field(-1), "Wed, 31 Dec 1969 23:59:59 +0000");
  BulkHeaderFields date;
  date.date = make_date_field(0);
  EXPECT_EQ(add_bulk_headers("Date: Mon, 2 Jan 2023 10:00:00 +0100\r\n\r\nx", date),
            "Date: Mon, 2 Jan 2023 10:00:00 +0100\r\n\r\nx");
}

TEST(BulkHeadersTest, MakeMessageIdLowerCasesTheDomain) {
  EXPECT_EQ(make_message_id("ABC123.x", "Mail.Example.COM"), "<ABC123.x@mail.example.com>");
  BulkHeaderFields fields;
  fields.message_id = make_message_id("k4", "X.Test");
  EXPECT_EQ(add_bulk_headers(kMessage, fields),
            "Message-ID: <k4@x.test>\r\n" + std::string(kMessage));
}

} // namespace
} // namespace volley::protocol
