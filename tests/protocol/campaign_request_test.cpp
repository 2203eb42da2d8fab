// decode_campaign_create: required fields, type errors with field paths, too_large, inline
// recipients (accepted vs rejected vs fatal), tags, schedule fields. Never touches I/O.
#include <gtest/gtest.h>

#include <string>

#include "protocol/api_requests.hpp"

namespace volley::protocol {
namespace {

Result<CampaignCreateRequest> decode(const std::string& body, const DecodeLimits& limits = {}) {
  return decode_campaign_create(body, limits);
}

void expect_error(const Result<CampaignCreateRequest>& decoded, const char* code,
                  const std::string& message) {
  ASSERT_FALSE(decoded.ok()) << "decoded although it should fail with: " << message;
  EXPECT_EQ(decoded.error().code, code);
  EXPECT_EQ(decoded.error().message, message);
}

TEST(CampaignCreate, MinimalRequestHasDefaults) {
  Result<CampaignCreateRequest> decoded =
      decode(R"({"from": "News@Example.com", "message": "Subject: hi\r\n\r\nbody"})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->id, "");
  EXPECT_EQ(decoded->from.local_part, "News");
  EXPECT_EQ(decoded->from.domain, "example.com");
  EXPECT_EQ(decoded->message, "Subject: hi\r\n\r\nbody");
  EXPECT_TRUE(decoded->recipients.empty());
  EXPECT_TRUE(decoded->rejected.empty());
  EXPECT_TRUE(decoded->tags.empty());
  EXPECT_EQ(decoded->not_before_ms, 0);
  EXPECT_EQ(decoded->expires_after_s, 0);
}

TEST(CampaignCreate, FullRequestDecodesEveryField) {
  Result<CampaignCreateRequest> decoded = decode(R"({
    "id": "spring-2026.v2",
    "from": "news@example.com",
    "message": "Subject: {{name}}\r\n\r\nHi",
    "recipients": [{"to": "a@example.org", "vars": {"name": "Ann"}, "id": "crm-1"}],
    "tags": {"list": "spring", "batch": 7},
    "not_before": "2026-11-23T11:00:00+01:00",
    "expires_after": "72h",
    "some_future_field": {"ignored": [1, 2, 3]}
  })");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->id, "spring-2026.v2");
  ASSERT_EQ(decoded->recipients.size(), 1u);
  EXPECT_EQ(decoded->recipients[0].to, "a@example.org");
  EXPECT_EQ(decoded->recipients[0].mailbox.domain, "example.org");
  EXPECT_EQ(decoded->recipients[0].vars_json, R"({"name":"Ann"})");
  EXPECT_EQ(decoded->recipients[0].crm_id, "crm-1");
  ASSERT_EQ(decoded->tags.size(), 2u);
  EXPECT_EQ(decoded->tags[0], (std::pair<std::string, std::string>{"list", "spring"}));
  EXPECT_EQ(decoded->tags[1], (std::pair<std::string, std::string>{"batch", "7"}));
  EXPECT_EQ(decoded->not_before_ms, 1795428000000);
  EXPECT_EQ(decoded->expires_after_s, 72 * 3600);
}

TEST(CampaignCreate, NullOptionalFieldsCountAsAbsent) {
  Result<CampaignCreateRequest> decoded = decode(
      R"({"id": null, "from": "a@example.com", "message": "x", "recipients": null, "tags": null,
          "not_before": null, "expires_after": null})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->id, "");
  EXPECT_EQ(decoded->not_before_ms, 0);
}

struct FieldErrorCase {
  std::string body;
  const char* code;
  std::string message;
};

void PrintTo(const FieldErrorCase& c, std::ostream* os) {
  *os << c.message;
}

class CampaignFieldErrorTest : public testing::TestWithParam<FieldErrorCase> {};

TEST_P(CampaignFieldErrorTest, FailsNamingTheField) {
  expect_error(decode(GetParam().body), GetParam().code, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, CampaignFieldErrorTest,
    testing::Values(
        FieldErrorCase{R"({"message": "x"})", error_code::invalid_request, "\"from\" is missing"},
        FieldErrorCase{R"({"from": null, "message": "x"})", error_code::invalid_request,
                       "\"from\" is missing"},
        FieldErrorCase{R"({"from": "a@example.com"})", error_code::invalid_request,
                       "\"message\" is missing"},
        FieldErrorCase{R"({"from": 12, "message": "x"})", error_code::invalid_request,
                       "\"from\" must be an address string, not a number"},
        FieldErrorCase{R"({"from": "nobody", "message": "x"})", error_code::invalid_address,
                       "\"from\": missing \"@\": an address is local-part@domain"},
        FieldErrorCase{R"({"from": "a@example.com", "message": ["x"]})",
                       error_code::invalid_request, "\"message\" must be a string, not an array"},
        FieldErrorCase{R"({"from": "a@example.com", "message": ""})", error_code::invalid_request,
                       "\"message\" is empty; send the raw RFC 5322 message"},
        FieldErrorCase{
            R"({"id": "has space", "from": "a@example.com", "message": "x"})",
            error_code::invalid_request,
            "\"id\" \"has space\" is not a valid campaign id: use 1 to 64 of A-Z a-z 0-9 "
            ". _ : -"},
        FieldErrorCase{R"({"id": 7, "from": "a@example.com", "message": "x"})",
                       error_code::invalid_request, "\"id\" must be a string, not a number"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "recipients": {}})",
                       error_code::invalid_request,
                       "\"recipients\" must be an array, not an object"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "tags": ["a"]})",
                       error_code::invalid_request,
                       "\"tags\" must be an object of strings, not an array"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "tags": {"k": {"a": 1}}})",
                       error_code::invalid_request,
                       "\"tags\".\"k\" must be a string, not an object"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "tags": {"": "v"}})",
                       error_code::invalid_request, "\"tags\" has an empty key"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "not_before": 1700000000})",
                       error_code::invalid_request,
                       "\"not_before\" must be an RFC 3339 date-time string, not a number"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "not_before": "tomorrow"})",
                       error_code::invalid_request,
                       "\"not_before\": \"tomorrow\" is not an RFC 3339 date-time: bad format; "
                       "expected YYYY-MM-DDTHH:MM:SS[.frac] then Z or +HH:MM"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "expires_after": 72})",
                       error_code::invalid_request,
                       "\"expires_after\" must be a duration string like \"72h\", not a number"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "expires_after": "3w"})",
                       error_code::invalid_request,
                       "\"expires_after\": duration \"3w\" has an unknown unit; use d, h, m or s"},
        FieldErrorCase{R"({"from": "a@example.com", "message": "x", "expires_after": "0s"})",
                       error_code::invalid_request, "\"expires_after\" must be longer than 0s"}));

TEST(CampaignCreate, MessageAtLimitIsAcceptedOneMoreIsTooLarge) {
  DecodeLimits limits;
  limits.max_message_bytes = 10;
  EXPECT_TRUE(decode(R"({"from": "a@example.com", "message": "0123456789"})", limits).ok());
  expect_error(decode(R"({"from": "a@example.com", "message": "0123456789A"})", limits),
               error_code::too_large, "\"message\" is 11 bytes; the limit is 10 bytes");
}

TEST(CampaignCreate, MessageSizeCountsDecodedBytesNotEscapes) {
  DecodeLimits limits;
  limits.max_message_bytes = 4;
  Result<CampaignCreateRequest> decoded =
      decode(R"({"from": "a@example.com", "message": "\r\n\r\n"})", limits);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->message, "\r\n\r\n");
}

TEST(CampaignCreate, CampaignIdAtSixtyFourCharactersIsAcceptedSixtyFiveIsNot) {
  const std::string id64(64, 'c');
  EXPECT_TRUE(decode(R"({"id": ")" + id64 + R"(", "from": "a@example.com", "message": "x"})").ok());
  Result<CampaignCreateRequest> decoded =
      decode(R"({"id": ")" + id64 + R"(c", "from": "a@example.com", "message": "x"})");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::invalid_request);
}

TEST(CampaignCreate, TagsAtLimitAcceptedOneMoreRejected) {
  DecodeLimits limits;
  limits.max_tags = 2;
  limits.max_tag_bytes = 3;
  const std::string head = R"({"from": "a@example.com", "message": "x", "tags": )";
  EXPECT_TRUE(decode(head + R"({"a": "1", "b": "123"}})", limits).ok());
  expect_error(decode(head + R"({"a": "1", "b": "2", "c": "3"}})", limits),
               error_code::invalid_request, "\"tags\" has 3 entries; the limit is 2");
  expect_error(decode(head + R"({"a": "1234"}})", limits), error_code::invalid_request,
               "\"tags\".\"a\" is 4 bytes; the limit is 3");
  expect_error(decode(head + R"({"abcd": "1"}})", limits), error_code::invalid_request,
               "\"tags\".\"abcd\" key is 4 bytes; the limit is 3");
}

} // namespace
} // namespace volley::protocol
