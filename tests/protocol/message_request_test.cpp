// decode_message_request (POST /v1/messages) and decode_suppression_request: every "to" entry must
// be valid or the whole request fails naming the index. Never touches I/O.
#include <gtest/gtest.h>

#include <string>

#include "protocol/api_requests.hpp"

namespace volley::protocol {
namespace {

Result<MessageRequest> decode_to(const std::string& to_json, const DecodeLimits& limits = {}) {
  return decode_message_request(
      R"({"from": "app@example.com", "message": "Subject: x\r\n\r\ny", "to": )" + to_json + "}",
      limits);
}

TEST(MessageRequest, AcceptsAddressStringsAndRecipientObjects) {
  Result<MessageRequest> decoded = decode_message_request(
      R"({"from": "app@example.com", "message": "m", "tags": {"kind": "receipt"},
          "to": ["One@Example.com", {"to": "two@example.org", "vars": {"n": "2"}, "id": 9}]})",
      DecodeLimits{});
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->from.text(), "app@example.com");
  ASSERT_EQ(decoded->to.size(), 2u);
  EXPECT_EQ(decoded->to[0].to, "One@Example.com");
  EXPECT_EQ(decoded->to[0].mailbox.canonical(), "one@example.com");
  EXPECT_EQ(decoded->to[1].vars_json, R"({"n":"2"})");
  EXPECT_EQ(decoded->to[1].crm_id, "9");
  EXPECT_EQ(decoded->message, "m");
  ASSERT_EQ(decoded->tags.size(), 1u);
  EXPECT_EQ(decoded->tags[0].second, "receipt");
}

struct ToErrorCase {
  std::string to_json;
  const char* code;
  std::string message;
};

void PrintTo(const ToErrorCase& c, std::ostream* os) {
  *os << c.to_json;
}

class MessageToErrorTest : public testing::TestWithParam<ToErrorCase> {};

TEST_P(MessageToErrorTest, FailsTheWholeRequest) {
  Result<MessageRequest> decoded = decode_to(GetParam().to_json);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, GetParam().code);
  EXPECT_EQ(decoded.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    To, MessageToErrorTest,
    testing::Values(
        ToErrorCase{"[]", error_code::invalid_request,
                    "\"to\" is empty; give at least one address"},
        ToErrorCase{"null", error_code::invalid_request, "\"to\" is missing"},
        ToErrorCase{R"("a@example.com")", error_code::invalid_request,
                    "\"to\" must be an array of addresses, not a string"},
        ToErrorCase{R"(["a@example.com", "b@localhost"])", error_code::invalid_address,
                    "\"to\"[1]: domain \"localhost\" has no dot; a bulk MTA never delivers to "
                    "dotless hosts, use a full domain name"},
        ToErrorCase{"[7]", error_code::invalid_request,
                    "\"to\"[0] must be an address string or a recipient object, not a number"},
        ToErrorCase{R"([{"to": "x@-bad.com"}])", error_code::invalid_address,
                    "\"to\"[0]: domain label \"-bad\" starts with a hyphen"},
        ToErrorCase{R"([{"vars": {}}])", error_code::invalid_address,
                    "\"to\"[0]: \"to\" is missing"},
        ToErrorCase{R"(["a@example.com", {"to": "b@example.com", "vars": {"x": {}}}])",
                    error_code::invalid_request,
                    "\"to\"[1].\"vars\".\"x\" must be a string, not an object"}));

TEST(MessageRequest, RecipientCountIsBounded) {
  DecodeLimits limits;
  limits.max_inline_recipients = 1;
  EXPECT_TRUE(decode_to(R"(["a@example.com"])", limits).ok());
  Result<MessageRequest> decoded = decode_to(R"(["a@example.com", "b@example.com"])", limits);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message, "\"to\" has 2 entries; the limit is 1");
}

TEST(MessageRequest, OversizedVarsInObjectEntryIsTooLarge) {
  DecodeLimits limits;
  limits.max_vars_bytes = 8;
  Result<MessageRequest> decoded =
      decode_to(R"([{"to": "a@example.com", "vars": {"k": "long"}}])", limits);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::too_large);
  EXPECT_EQ(decoded.error().message, "\"to\"[0]: \"vars\" serialized is 12 bytes; the limit is 8");
}

TEST(MessageRequest, MissingFromAndOversizedMessage) {
  Result<MessageRequest> no_from =
      decode_message_request(R"({"to": ["a@example.com"], "message": "m"})", DecodeLimits{});
  ASSERT_FALSE(no_from.ok());
  EXPECT_EQ(no_from.error().message, "\"from\" is missing");
  DecodeLimits limits;
  limits.max_message_bytes = 3;
  Result<MessageRequest> too_big = decode_message_request(
      R"({"from": "a@example.com", "to": ["b@example.com"], "message": "abcd"})", limits);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, error_code::too_large);
  EXPECT_EQ(too_big.error().message, "\"message\" is 4 bytes; the limit is 3 bytes");
}

TEST(SuppressionRequest, EmptyBodyMeansNoReason) {
  Result<SuppressionRequest> decoded = decode_suppression_request("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->reason, "");
  EXPECT_TRUE(decode_suppression_request("{}").ok());
}

TEST(SuppressionRequest, ReasonIsDecoded) {
  Result<SuppressionRequest> decoded =
      decode_suppression_request(R"({"reason": "asked by phone"})");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->reason, "asked by phone");
}

TEST(SuppressionRequest, WrongTypeTooLongAndBadJsonFail) {
  Result<SuppressionRequest> wrong = decode_suppression_request(R"({"reason": 5})");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "\"reason\" must be a string, not a number");
  EXPECT_TRUE(decode_suppression_request(R"({"reason": ")" + std::string(1024, 'r') + "\"}").ok());
  Result<SuppressionRequest> long_reason =
      decode_suppression_request(R"({"reason": ")" + std::string(1025, 'r') + "\"}");
  ASSERT_FALSE(long_reason.ok());
  EXPECT_EQ(long_reason.error().message, "\"reason\" is 1025 bytes; the limit is 1024");
  Result<SuppressionRequest> bad = decode_suppression_request("{\"reason\":}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, error_code::bad_json);
  EXPECT_EQ(bad.error().message, "line 1, column 11: syntax error");
}

} // namespace
} // namespace volley::protocol
