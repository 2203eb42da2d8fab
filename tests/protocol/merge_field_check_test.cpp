// Injection-time merge field checks: first_missing_merge_field on the compact vars JSON the
// decoders write (scan hits, escaped keys, look-alikes inside values), and the request decoders
// (POST /v1/campaigns rejects per recipient, POST /v1/messages fails whole, compile errors are
// 400).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/api_requests.hpp"
#include "protocol/merge_field_check.hpp"

namespace volley::protocol {
namespace {

const std::vector<std::string> kFields = {"first_name", "unsubscribe_url"};

TEST(MergeFieldCheck, AllFieldsPresentIsNoMiss) {
  EXPECT_EQ(first_missing_merge_field(kFields, R"({"first_name":"Ann","unsubscribe_url":"u"})"),
            std::nullopt);
  // Empty values and extra members are fine.
  EXPECT_EQ(first_missing_merge_field(kFields, R"({"x":"1","unsubscribe_url":"","first_name":""})"),
            std::nullopt);
}

TEST(MergeFieldCheck, NamesTheFirstMissingFieldInFieldOrder) {
  EXPECT_EQ(first_missing_merge_field(kFields, ""), "first_name");
  EXPECT_EQ(first_missing_merge_field(kFields, R"({"first_name":"Ann"})"), "unsubscribe_url");
  EXPECT_EQ(first_missing_merge_field(kFields, R"({"unsubscribe_url":"u"})"), "first_name");
}

TEST(MergeFieldCheck, ANameInsideAValueIsNotAKey) {
  // The value mentions "first_name": as text (escaped quotes): still missing.
  EXPECT_EQ(first_missing_merge_field(
                kFields, R"({"unsubscribe_url":"\"first_name\":x","note":"first_name"})"),
            "first_name");
  // A longer key that ends with the name is not the name.
  EXPECT_EQ(first_missing_merge_field(kFields, R"({"my_first_name":"A","unsubscribe_url":"u"})"),
            "first_name");
}

TEST(MergeFieldCheck, EscapedOrSpacedKeysAreConfirmedByParsing) {
  EXPECT_EQ(
      first_missing_merge_field(kFields, R"({"\u0066irst_name":"Ann", "unsubscribe_url" : "u"})"),
      std::nullopt);
}

TEST(MergeFieldCheck, ErrorTextNamesTheField) {
  EXPECT_NE(missing_merge_field_error("first_name").find("missing merge field \"first_name\""),
            std::string::npos);
}

TEST(MergeFieldRequests, CampaignRejectsRecipientsLackingAFieldWithTheirIndex) {
  std::string body = std::string(R"({"from":"news@example.com","message":")") +
                     "Subject: Hi {{first_name}}\\r\\n\\r\\nHello\\r\\n" + R"(","recipients":[
      {"to":"a@example.com","vars":{"first_name":"A"}},
      {"to":"not-an-address"},
      {"to":"b@example.com"},
      {"to":"c@example.com","vars":{"other":"x"}},
      {"to":"d@example.com","vars":{"first_name":"D"}}]})";
  auto decoded = decode_campaign_create(body, {});
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->merge_fields, std::vector<std::string>{"first_name"});
  ASSERT_EQ(decoded->recipients.size(), 2u);
  EXPECT_EQ(decoded->recipients[0].to, "a@example.com");
  EXPECT_EQ(decoded->recipients[1].to, "d@example.com");
  ASSERT_EQ(decoded->rejected.size(), 3u);
  EXPECT_EQ(decoded->rejected[0].index, 1u);
  EXPECT_EQ(decoded->rejected[1].index, 2u);
  EXPECT_EQ(decoded->rejected[1].to, "b@example.com");
  EXPECT_NE(decoded->rejected[1].error.find("missing merge field \"first_name\""),
            std::string::npos);
  EXPECT_EQ(decoded->rejected[2].index, 3u);
}

TEST(MergeFieldRequests, StaticMessageHasNoFieldsAndChecksNothing) {
  auto decoded = decode_campaign_create(
      R"({"from":"news@example.com","message":"Subject: {{ not a field }}\r\n\r\nx","recipients":[{"to":"a@example.com"}]})",
      {});
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_TRUE(decoded->merge_fields.empty());
  EXPECT_EQ(decoded->recipients.size(), 1u);
}

TEST(MergeFieldRequests, TemplateCompileErrorIsInvalidRequest) {
  auto decoded = decode_campaign_create(
      R"({"from":"news@example.com","message":"Content-Type: text/{{kind}}\r\n\r\nx"})", {});
  ASSERT_FALSE(decoded);
  EXPECT_EQ(decoded.error().code, error_code::invalid_request);
  EXPECT_NE(decoded.error().message.find("\"message\""), std::string::npos)
      << decoded.error().message;
  auto message = decode_message_request(
      R"({"from":"news@example.com","to":["a@example.com"],"message":"Content-Type: text/{{kind}}\r\n\r\nx"})",
      {});
  ASSERT_FALSE(message);
  EXPECT_EQ(message.error().code, error_code::invalid_request);
}

TEST(MergeFieldRequests, MessageFailsWholeWhenARecipientLacksAField) {
  std::string message = R"(Subject: Hi {{first_name}}\r\n\r\nx)";
  auto ok =
      decode_message_request(R"({"from":"news@example.com","message":")" + message +
                                 R"(","to":[{"to":"a@example.com","vars":{"first_name":"A"}}]})",
                             {});
  ASSERT_TRUE(ok) << ok.error().message;
  auto bad = decode_message_request(
      R"({"from":"news@example.com","message":")" + message +
          R"(","to":[{"to":"a@example.com","vars":{"first_name":"A"}},"b@example.com"]})",
      {});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, error_code::invalid_request);
  EXPECT_NE(bad.error().message.find("\"to\"[1]: missing merge field \"first_name\""),
            std::string::npos)
      << bad.error().message;
}

} // namespace
} // namespace volley::protocol
