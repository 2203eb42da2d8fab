// Merge fields in the engine without sockets: an NDJSON upload rejects lines whose vars lack a
// template field (and checks nothing for a static message); personalise_message renders one
// recipient's wire copy with its own traits; merge_field_outcome bounces with a clear record.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/delivery_outcome.hpp"
#include "engine/personalised_message.hpp"
#include "engine/recipient_upload.hpp"

namespace volley::engine {
namespace {

struct Upload {
  std::vector<queue::NewRecipient> stored;
  RecipientUpload upload;

  explicit Upload(std::vector<std::string> fields)
      : upload(options(std::move(fields)), [this](std::vector<queue::NewRecipient> batch) {
          for (auto& r : batch)
            stored.push_back(std::move(r));
        }) {}

  static RecipientUploadOptions options(std::vector<std::string> fields) {
    RecipientUploadOptions o;
    o.batch_size = 2;
    o.merge_fields = std::make_shared<const std::vector<std::string>>(std::move(fields));
    return o;
  }
};

TEST(MergeFieldsUpload, LinesLackingAFieldAreRejectedWithTheirIndex) {
  Upload u({"first_name"});
  u.upload.feed("{\"to\":\"a@example.com\",\"vars\":{\"first_name\":\"A\"}}\n"
                "{\"to\":\"b@example.com\"}\n"
                "{\"to\":\"c@example.com\",\"vars\":{\"last_name\":\"C\"}}\n"
                "{\"to\":\"d@example.com\",\"vars\":{\"first_name\":\"D\"}}\n");
  u.upload.finish();
  ASSERT_EQ(u.stored.size(), 2u);
  EXPECT_EQ(u.stored[0].address, "a@example.com");
  EXPECT_EQ(u.stored[1].address, "d@example.com");
  const auto& summary = u.upload.summary();
  EXPECT_EQ(summary.rejected_count, 2u);
  ASSERT_EQ(summary.rejected.size(), 2u);
  EXPECT_EQ(summary.rejected[0].index, 1u);
  EXPECT_EQ(summary.rejected[0].to, "b@example.com");
  EXPECT_NE(summary.rejected[0].error.find("missing merge field \"first_name\""),
            std::string::npos);
  EXPECT_EQ(summary.rejected[1].index, 2u);
}

TEST(MergeFieldsUpload, StaticMessageChecksNothing) {
  Upload u({});
  u.upload.feed("{\"to\":\"a@example.com\"}\n{\"to\":\"b@example.com\",\"vars\":{\"x\":\"1\"}}\n");
  u.upload.finish();
  EXPECT_EQ(u.stored.size(), 2u);
  EXPECT_EQ(u.upload.summary().rejected_count, 0u);
}

PreparedMessage templated_campaign(const std::string& raw) {
  PreparedMessage m;
  m.campaign_seq = 7;
  m.campaign_id = "c7";
  m.mail_from = "news@sender.test";
  m.expires_at_ms = 1234;
  m.data = std::make_shared<const std::string>(protocol::prepare_message_data(raw));
  auto compiled = protocol::compile_merge_template(raw);
  EXPECT_TRUE(compiled) << compiled.error().message;
  m.merge_template = std::make_shared<const protocol::MergeTemplate>(std::move(*compiled));
  return m;
}

TEST(PersonalisedMessage, RendersTheRecipientsValuesInWireForm) {
  auto campaign = templated_campaign("Subject: Hi {{name}}\n\n.{{name}} at {{url}}\n");
  auto personal = personalise_message(campaign, 1, R"({"name":"Ann","url":"https://u.test/1"})");
  ASSERT_TRUE(personal) << personal.error().message;
  const PreparedMessage& m = **personal;
  EXPECT_EQ(*m.data, "Subject: Hi Ann\r\n\r\n..Ann at https://u.test/1\r\n");
  EXPECT_EQ(m.merge_template, nullptr);
  EXPECT_EQ(m.campaign_seq, 7u);
  EXPECT_EQ(m.campaign_id, "c7");
  EXPECT_EQ(m.mail_from, "news@sender.test");
  EXPECT_EQ(m.expires_at_ms, 1234);
  EXPECT_FALSE(m.traits.eight_bit);
}

TEST(PersonalisedMessage, TraitsFollowTheValues) {
  auto campaign = templated_campaign("Subject: x\r\nTo: {{name}} <a@b.test>\r\n\r\n{{name}}\r\n");
  auto personal = personalise_message(campaign, 1, R"({"name":"Zoë"})");
  ASSERT_TRUE(personal) << personal.error().message;
  EXPECT_TRUE((*personal)->traits.eight_bit);
  EXPECT_TRUE((*personal)->traits.utf8_headers);
}

TEST(PersonalisedMessage, MissingVarIsAnErrorNamingTheField) {
  auto campaign = templated_campaign("Subject: Hi {{name}}\r\n\r\n{{url}}\r\n");
  auto personal = personalise_message(campaign, 1, R"({"name":"Ann"})");
  ASSERT_FALSE(personal);
  EXPECT_NE(personal.error().message.find("url"), std::string::npos) << personal.error().message;
}

TEST(MergeFieldOutcome, IsAHardBounceWithAMergeFieldRecord) {
  DeliveryJob job;
  job.recipient.campaign_seq = 3;
  job.recipient.seq = 99;
  job.recipient.campaign_id = "c3";
  job.recipient.address = "a@example.com";
  job.recipient.crm_id = "crm-1";
  auto o = merge_field_outcome(job, "no value for merge field \"url\"", 5000);
  EXPECT_EQ(o.kind, queue::OutcomeKind::bounced_hard);
  EXPECT_EQ(o.campaign_seq, 3u);
  EXPECT_EQ(o.seq, 99u);
  ASSERT_TRUE(o.bounce);
  EXPECT_EQ(o.bounce->kind, "hard");
  EXPECT_EQ(o.bounce->status, "5.6.0");
  EXPECT_EQ(o.bounce->reason, "merge_field");
  EXPECT_NE(o.bounce->diagnostic.find("\"url\""), std::string::npos);
  EXPECT_EQ(o.bounce->recipient, "a@example.com");
  EXPECT_EQ(o.bounce->recipient_id, "crm-1");
  EXPECT_EQ(o.bounce->campaign, "c3");
  EXPECT_EQ(o.bounce->at_ms, 5000);
}

} // namespace
} // namespace volley::engine
