// JSON syntax errors in request bodies and NDJSON lines: exact "line L, column C: <what>" positions
// (columns count UTF-8 characters), and bad_json as the code. Never touches I/O.
#include <gtest/gtest.h>

#include <string>

#include "protocol/api_requests.hpp"

namespace volley::protocol {
namespace {

struct SyntaxCase {
  std::string body;
  std::string message; // exact
};

void PrintTo(const SyntaxCase& c, std::ostream* os) {
  *os << testing::PrintToString(c.body);
}

class BodySyntaxErrorTest : public testing::TestWithParam<SyntaxCase> {};

TEST_P(BodySyntaxErrorTest, CampaignBodyNamesLineAndColumn) {
  Result<CampaignCreateRequest> decoded = decode_campaign_create(GetParam().body, DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::bad_json);
  EXPECT_EQ(decoded.error().message, GetParam().message);
}

TEST_P(BodySyntaxErrorTest, MessageBodyNamesLineAndColumn) {
  Result<MessageRequest> decoded = decode_message_request(GetParam().body, DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::bad_json);
  EXPECT_EQ(decoded.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Positions, BodySyntaxErrorTest,
    testing::Values(
        SyntaxCase{"{\"from\": tru}", "line 1, column 10: syntax error"},
        SyntaxCase{"{\"a\":1,}", "line 1, column 8: syntax error"},
        SyntaxCase{"{\n  \"from\": \"a@example.com\"\n  \"message\": \"x\"\n}",
                   "line 3, column 3: syntax error"},
        SyntaxCase{"{\r\n\"a\": 1,\r\n\"b\": x}", "line 3, column 6: syntax error"},
        SyntaxCase{"{\"from\": \"a@example.com\"", "line 1, column 25: incomplete JSON"},
        SyntaxCase{"{\n\"message\": \"never closed", "line 2, column 25: incomplete JSON"},
        SyntaxCase{"{} x", "line 1, column 4: extra data"},
        SyntaxCase{"{}\n\n  {}", "line 3, column 3: extra data"},
        SyntaxCase{"{\"n\": \"J\xC3\xB6rg\", x}", "line 1, column 15: syntax error"},
        SyntaxCase{"{\"n\": \"\xE4\xBE\x8B\xE5\xAD\x90\",\n \"m\": \xE4\xBE\x8B}",
                   "line 2, column 7: syntax error"},
        SyntaxCase{"{\"n\": 01}", "line 1, column 8: syntax error"},
        SyntaxCase{"{'from': 1}", "line 1, column 2: syntax error"},
        SyntaxCase{"", "request body is empty; send a JSON object"},
        SyntaxCase{" \r\n\t", "request body is empty; send a JSON object"}));

TEST(BodySyntaxError, InvalidUtf8InStringIsBadJson) {
  Result<CampaignCreateRequest> decoded =
      decode_campaign_create("{\"from\": \"a\xFF@example.com\"}", DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::bad_json);
  EXPECT_EQ(decoded.error().message.rfind("line 1, column ", 0), 0u) << decoded.error().message;
}

TEST(BodySyntaxError, NestingDeeperThanParserLimitIsBadJson) {
  const std::string deep = "{\"future\": " + std::string(100, '[') + std::string(100, ']') + "}";
  Result<CampaignCreateRequest> decoded = decode_campaign_create(deep, DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::bad_json);
  EXPECT_NE(decoded.error().message.find("line 1, column "), std::string::npos);
}

TEST(BodySyntaxError, TopLevelMustBeAnObject) {
  Result<CampaignCreateRequest> decoded = decode_campaign_create("[1, 2]", DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::invalid_request);
  EXPECT_EQ(decoded.error().message, "request body must be a JSON object, not an array");
}

class LineSyntaxErrorTest : public testing::TestWithParam<SyntaxCase> {};

TEST_P(LineSyntaxErrorTest, RecipientLineNamesColumnOnly) {
  Result<RecipientInput> decoded = decode_recipient_line(GetParam().body, DecodeLimits{});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::bad_json);
  EXPECT_EQ(decoded.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Positions, LineSyntaxErrorTest,
    testing::Values(SyntaxCase{"{\"to\": a@example.com}", "column 8: syntax error"},
                    SyntaxCase{"{\"to\": \"a@example.com\"", "column 23: incomplete JSON"},
                    SyntaxCase{"{\"to\": \"a@example.com\"} {}", "column 25: extra data"},
                    SyntaxCase{"{\"vars\": {\"n\": \"\xC3\xA9\xC3\xA9\"},}",
                               "column 22: syntax error"},
                    SyntaxCase{"", "line is empty; send a JSON object"},
                    SyntaxCase{"   ", "line is empty; send a JSON object"}));

} // namespace
} // namespace volley::protocol
