// decode_recipient_line (one NDJSON line of a recipient upload): fields, limits at the boundary,
// error codes, the "to" echo for rejections, and reuse of the thread-local parser across calls and
// threads. Never touches I/O.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "protocol/api_requests.hpp"

namespace volley::protocol {
namespace {

TEST(RecipientLine, DecodesToVarsAndId) {
  Result<RecipientInput> decoded = decode_recipient_line(
      R"({"to": "Ann@Example.com", "vars": {"first": "Ann", "n": 3}, "id": "c-17", "x": [1]})",
      DecodeLimits{});
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->to, "Ann@Example.com");
  EXPECT_EQ(decoded->mailbox.local_part, "Ann");
  EXPECT_EQ(decoded->mailbox.domain, "example.com");
  EXPECT_EQ(decoded->vars_json, R"({"first":"Ann","n":"3"})");
  EXPECT_EQ(decoded->crm_id, "c-17");
}

TEST(RecipientLine, MinimalLineHasEmptyVarsAndId) {
  Result<RecipientInput> decoded =
      decode_recipient_line(R"({"to":"a@example.com","vars":null,"id":null})", DecodeLimits{});
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->vars_json, "");
  EXPECT_EQ(decoded->crm_id, "");
}

TEST(RecipientLine, NumericIdsBecomeDecimalStrings) {
  const std::pair<std::string, std::string> cases[] = {
      {"0", "0"},
      {"-7", "-7"},
      {"9007199254740993", "9007199254740993"},
      {"18446744073709551615", "18446744073709551615"}};
  for (const auto& [json_number, text] : cases) {
    Result<RecipientInput> decoded = decode_recipient_line(
        R"({"to": "a@example.com", "id": )" + json_number + "}", DecodeLimits{});
    ASSERT_TRUE(decoded.ok()) << json_number << ": " << decoded.error().message;
    EXPECT_EQ(decoded->crm_id, text);
  }
  EXPECT_FALSE(decode_recipient_line(R"({"to": "a@example.com", "id": 18446744073709551616})",
                                     DecodeLimits{})
                   .ok());
}

struct LineErrorCase {
  std::string line;
  const char* code;
  std::string message;
};

void PrintTo(const LineErrorCase& c, std::ostream* os) {
  *os << c.line;
}

class RecipientLineErrorTest : public testing::TestWithParam<LineErrorCase> {};

TEST_P(RecipientLineErrorTest, FailsWithCodeAndMessage) {
  DecodeLimits limits;
  limits.max_vars_bytes = 13;
  limits.max_recipient_id_bytes = 3;
  Result<RecipientInput> decoded = decode_recipient_line(GetParam().line, limits);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, GetParam().code);
  EXPECT_EQ(decoded.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Lines, RecipientLineErrorTest,
    testing::Values(
        LineErrorCase{
            R"(["a@example.com"])", error_code::invalid_request,
            "line must be a JSON object like {\"to\": \"user@example.com\"}, not an array"},
        LineErrorCase{R"({"vars": {}})", error_code::invalid_address, "\"to\" is missing"},
        LineErrorCase{R"({"to": null})", error_code::invalid_address, "\"to\" is missing"},
        LineErrorCase{R"({"to": "a@b@example.com"})", error_code::invalid_address,
                      "more than one \"@\"; quote the local part if it really contains \"@\""},
        LineErrorCase{R"({"to": ["a@example.com"]})", error_code::invalid_request,
                      "\"to\" must be a string, not an array"},
        LineErrorCase{R"({"to": "a@example.com", "vars": []})", error_code::invalid_request,
                      "\"vars\" must be an object of strings, not an array"},
        LineErrorCase{R"({"to": "a@example.com", "vars": {"k": [1]}})", error_code::invalid_request,
                      "\"vars\".\"k\" must be a string, not an array"},
        LineErrorCase{R"({"to": "a@example.com", "vars": {"a": "123456"}})", error_code::too_large,
                      "\"vars\" serialized is 14 bytes; the limit is 13"},
        LineErrorCase{R"({"to": "a@example.com", "id": "abcd"})", error_code::too_large,
                      "\"id\" is 4 bytes; the limit is 3"},
        LineErrorCase{R"({"to": "a@example.com", "id": 1234})", error_code::too_large,
                      "\"id\" is 4 bytes; the limit is 3"},
        LineErrorCase{R"({"to": "a@example.com", "id": {}})", error_code::invalid_request,
                      "\"id\" must be a string or an integer, not an object"}));

TEST(RecipientLine, LimitsAreInclusive) {
  DecodeLimits limits;
  limits.max_vars_bytes = 13;
  limits.max_recipient_id_bytes = 3;
  Result<RecipientInput> decoded = decode_recipient_line(
      R"({"to": "a@example.com", "vars": {"a": "12345"}, "id": 123})", limits);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->vars_json.size(), 13u);
}

TEST(RecipientLine, RejectionReportsTheToThatWasSent) {
  std::string to;
  Result<RecipientInput> decoded =
      decode_recipient_line(R"({"to": "broken@", "vars": {}})", DecodeLimits{}, &to);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(to, "broken@");
  decoded = decode_recipient_line("{not json", DecodeLimits{}, &to);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(to, "");
}

TEST(RecipientLine, VarsKeepEscapesAndUtf8) {
  Result<RecipientInput> decoded = decode_recipient_line(
      R"({"to": "a@example.com", "vars": {"a\"b": "x\ny\u0001", "\u00e9": "\u4f8b"}})",
      DecodeLimits{});
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->vars_json, "{\"a\\\"b\":\"x\\ny\\u0001\",\"\xC3\xA9\":\"\xE4\xBE\x8B\"}");
}

TEST(RecipientLine, LineBiggerThanTheArenaAndErrorsDoNotDisturbLaterCalls) {
  DecodeLimits limits;
  limits.max_vars_bytes = 1 << 20;
  const std::string big_value(100000, 'v');
  Result<RecipientInput> big = decode_recipient_line(
      R"({"to": "a@example.com", "vars": {"k": ")" + big_value + "\"}}", limits);
  ASSERT_TRUE(big.ok()) << big.error().message;
  EXPECT_EQ(big->vars_json.size(), big_value.size() + 8);
  EXPECT_FALSE(decode_recipient_line(R"({"to": "a@example.com", "vars": {"k": )", limits).ok());
  Result<RecipientInput> after = decode_recipient_line(R"({"to": "b@example.com"})", limits);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->to, "b@example.com");
}

TEST(RecipientLine, ThreadsDecodeIndependently) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 2000; ++i) {
        const std::string to = "u" + std::to_string(t) + "." + std::to_string(i) + "@example.com";
        Result<RecipientInput> decoded = decode_recipient_line(
            R"({"to": ")" + to + R"(", "vars": {"i": )" + std::to_string(i) + "}}", DecodeLimits{});
        if (!decoded.ok() || decoded->to != to ||
            decoded->vars_json != "{\"i\":\"" + std::to_string(i) + "\"}") {
          ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

} // namespace
} // namespace volley::protocol
