// Inline "recipients" of POST /v1/campaigns: bad entries are rejected one by one (index, to, error)
// while wrong JSON types fail the request with the full field path. Never touches I/O.
#include <gtest/gtest.h>

#include <string>

#include "protocol/api_requests.hpp"

namespace volley::protocol {
namespace {

Result<CampaignCreateRequest> decode_with_recipients(const std::string& recipients_json,
                                                     const DecodeLimits& limits = {}) {
  return decode_campaign_create(R"({"from": "news@example.com", "message": "x", "recipients": )" +
                                    recipients_json + "}",
                                limits);
}

TEST(CampaignRecipients, InvalidEntriesAreRejectedAndTheRequestStaysValid) {
  DecodeLimits limits;
  limits.max_vars_bytes = 16;
  limits.max_recipient_id_bytes = 4;
  Result<CampaignCreateRequest> decoded = decode_with_recipients(R"([
      {"to": "ok@example.com"},
      {"to": "not-an-address"},
      "bare@example.com",
      42,
      {"vars": {"a": "b"}},
      {"to": "big@example.com", "vars": {"k": "0123456789"}},
      {"to": "id@example.com", "id": "12345"},
      {"to": "ok2@example.com", "id": 1234}
    ])",
                                                                 limits);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->recipients.size(), 2u);
  EXPECT_EQ(decoded->recipients[0].to, "ok@example.com");
  EXPECT_EQ(decoded->recipients[1].crm_id, "1234");
  ASSERT_EQ(decoded->rejected.size(), 6u);
  const std::vector<RecipientRejection> expected = {
      {1, "not-an-address", "missing \"@\": an address is local-part@domain"},
      {2, "bare@example.com",
       "entry must be an object like {\"to\": \"user@example.com\"}, not a string"},
      {3, "", "entry must be an object like {\"to\": \"user@example.com\"}, not a number"},
      {4, "", "\"to\" is missing"},
      {5, "big@example.com", "\"vars\" serialized is 18 bytes; the limit is 16"},
      {6, "id@example.com", "\"id\" is 5 bytes; the limit is 4"},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(decoded->rejected[i].index, expected[i].index);
    EXPECT_EQ(decoded->rejected[i].to, expected[i].to);
    EXPECT_EQ(decoded->rejected[i].error, expected[i].error);
  }
}

TEST(CampaignRecipients, WrongTypeInsideAnEntryFailsWithFullPath) {
  std::string entries = "[";
  for (int i = 0; i < 12; ++i)
    entries += R"({"to": "r)" + std::to_string(i) + R"(@example.com"},)";
  entries += R"({"to": "r12@example.com", "vars": {"name": ["Ann"]}}])";
  Result<CampaignCreateRequest> decoded = decode_with_recipients(entries);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::invalid_request);
  EXPECT_EQ(decoded.error().message,
            "\"recipients\"[12].\"vars\".\"name\" must be a string, not an array");
}

struct EntryTypeCase {
  std::string entry;
  std::string message;
};

void PrintTo(const EntryTypeCase& c, std::ostream* os) {
  *os << c.entry;
}

class RecipientEntryTypeTest : public testing::TestWithParam<EntryTypeCase> {};

TEST_P(RecipientEntryTypeTest, FailsTheRequest) {
  Result<CampaignCreateRequest> decoded = decode_with_recipients("[" + GetParam().entry + "]");
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::invalid_request);
  EXPECT_EQ(decoded.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Types, RecipientEntryTypeTest,
    testing::Values(
        EntryTypeCase{R"({"to": 5})", "\"recipients\"[0].\"to\" must be a string, not a number"},
        EntryTypeCase{R"({"to": "a@example.com", "vars": "x"})",
                      "\"recipients\"[0].\"vars\" must be an object of strings, not a string"},
        EntryTypeCase{R"({"to": "a@example.com", "vars": {"x": null}})",
                      "\"recipients\"[0].\"vars\".\"x\" must be a string, not null"},
        EntryTypeCase{
            R"({"to": "a@example.com", "vars": {"x": 1e999}})",
            "\"recipients\"[0].\"vars\".\"x\" must be a string, not a number out of range"},
        EntryTypeCase{R"({"to": "a@example.com", "vars": {"q\"k": {}}})",
                      "\"recipients\"[0].\"vars\".\"q\\\"k\" must be a string, not an object"},
        EntryTypeCase{R"({"to": "a@example.com", "id": true})",
                      "\"recipients\"[0].\"id\" must be a string or an integer, not a boolean"},
        EntryTypeCase{R"({"to": "a@example.com", "id": 1.5})",
                      "\"recipients\"[0].\"id\" must be a string or an integer (send large or "
                      "fractional ids as strings), not a number"}));

TEST(CampaignRecipients, MoreThanInlineLimitPointsToNdjsonUpload) {
  DecodeLimits limits;
  limits.max_inline_recipients = 2;
  EXPECT_TRUE(
      decode_with_recipients(R"([{"to": "a@example.com"}, {"to": "b@example.com"}])", limits).ok());
  Result<CampaignCreateRequest> decoded = decode_with_recipients(
      R"([{"to": "a@example.com"}, {"to": "b@example.com"}, {"to": "c@example.com"}])", limits);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, error_code::invalid_request);
  EXPECT_EQ(decoded.error().message,
            "\"recipients\" has 3 entries; the limit is 2; upload larger lists as NDJSON to POST "
            "/v1/campaigns/{id}/recipients");
}

TEST(CampaignRecipients, VarsValuesAreConvertedToStrings) {
  Result<CampaignCreateRequest> decoded = decode_with_recipients(
      R"([{"to": "a@example.com", "vars": {"n": 42, "neg": -3, "b": true, "f": false, "d": 2.5,
                                           "s": "x\"y\n", "u": "J\u00f6rg"}}])");
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  ASSERT_EQ(decoded->recipients.size(), 1u);
  EXPECT_EQ(decoded->recipients[0].vars_json,
            "{\"n\":\"42\",\"neg\":\"-3\",\"b\":\"true\",\"f\":\"false\",\"d\":\"2.5\","
            "\"s\":\"x\\\"y\\n\",\"u\":\"J\xC3\xB6rg\"}");
}

TEST(CampaignRecipients, EmptyVarsObjectGivesEmptyVarsJson) {
  Result<CampaignCreateRequest> decoded =
      decode_with_recipients(R"([{"to": "a@example.com", "vars": {}}])");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->recipients[0].vars_json, "");
}

TEST(CampaignRecipients, RejectionEchoOfHugeToIsCutOnUtf8Boundary) {
  std::string long_to;
  for (int i = 0; i < 200; ++i)
    long_to += "\xC3\xA9"; // 400 octets, not a valid address
  Result<CampaignCreateRequest> decoded = decode_with_recipients(R"([{"to": ")" + long_to + "\"}]");
  ASSERT_TRUE(decoded.ok());
  ASSERT_EQ(decoded->rejected.size(), 1u);
  EXPECT_EQ(decoded->rejected[0].to, long_to.substr(0, 320));
}

} // namespace
} // namespace volley::protocol
