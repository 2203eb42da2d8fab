// Tests of recipient injection: campaign creation, de-duplication (case variants, explicit
// canonical forms, forced hash collisions) and suppression at injection.
#include <gtest/gtest.h>

#include "queue/lmdb_spool.hpp"
#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

std::vector<std::string> addresses_of(const Spool& spool, const std::string& id) {
  std::vector<std::string> out;
  spool.for_each_recipient(id, [&](const StoredRecipient& r) {
    out.push_back(r.address);
    return true;
  });
  return out;
}

TEST(SpoolCampaignTest, CreateAssignsIdsAndStoresTheCampaign) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  NewCampaign c = campaign_named("");
  c.tags = {{"list", "weekly"}};
  auto first = create_campaign_sync(*spool, c, rcpts(0, 3));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->id, "c-1");
  EXPECT_EQ(first->seq, 1u);
  EXPECT_EQ(first->recipients.accepted, 3u);
  NewCampaign m = campaign_named("");
  m.kind = "message";
  EXPECT_EQ(create_campaign_sync(*spool, m, {})->id, "m-2");
  EXPECT_EQ(create_campaign_sync(*spool, campaign_named("c-4"), {})->id, "c-4");
  EXPECT_EQ(create_campaign_sync(*spool, campaign_named(""), {})->id, "c-4-2"); // c-4 was taken
  auto dup = create_campaign_sync(*spool, campaign_named("c-1"), rcpts(10, 2));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, error_code::conflict);
  EXPECT_NE(dup.error().message.find("c-1"), std::string::npos);

  auto info = spool->campaign("c-1");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->kind, "campaign");
  EXPECT_EQ(info->from, "news@sender.example");
  EXPECT_EQ(info->tags, c.tags);
  EXPECT_EQ(info->expires_after_s, 72 * 3600);
  EXPECT_EQ(info->not_before_ms, info->created_ms); // 0 = now
  EXPECT_EQ(info->message_bytes, c.message.size());
  EXPECT_EQ(info->counts.queued, 3u);
  EXPECT_EQ(spool->campaign_message("c-1"), c.message);
  EXPECT_EQ(spool->campaigns().size(), 4u);
  EXPECT_FALSE(spool->campaign("nope"));
  auto r = spool->recipient(1, 2);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->address, "user1.name@example-mail.org");
  EXPECT_EQ(r->crm_id, "crm-1");
  EXPECT_EQ(r->state, RecipientState::queued);
  EXPECT_FALSE(spool->recipient(1, 4));

  auto unknown = add_recipients_sync(*spool, "nope", rcpts(0, 1));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, error_code::not_found);
}

TEST(SpoolDedupTest, CaseVariantsAreStoredOnce) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  auto created = create_campaign_sync(*spool, campaign_named("d"),
                                      {rcpt("Ann@Example.org"), rcpt("ann@example.ORG"),
                                       rcpt("bob@example.org"), rcpt("ANN@EXAMPLE.ORG")});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->recipients.accepted, 2u);
  EXPECT_EQ(created->recipients.duplicates, 2u);
  auto more = add_recipients_sync(*spool, "d", {rcpt("BOB@example.org"), rcpt("cy@example.org")});
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->accepted, 1u);
  EXPECT_EQ(more->duplicates, 1u);
  EXPECT_EQ(addresses_of(*spool, "d"),
            (std::vector<std::string>{"Ann@Example.org", "bob@example.org", "cy@example.org"}));
  // Another campaign may hold the same address.
  auto other = create_campaign_sync(*spool, campaign_named("e"), {rcpt("ann@example.org")});
  EXPECT_EQ(other->recipients.accepted, 1u);
  // A canonical form that is not the lower-cased address is honoured.
  NewRecipient quoted{"\"A.N.N\"@example.org", "ann@example.org", "", ""};
  EXPECT_EQ(add_recipients_sync(*spool, "d", {quoted})->duplicates, 1u);
  NewRecipient plain{"Zed@Example.org", "zed-canonical@example.org", "", ""};
  EXPECT_EQ(add_recipients_sync(*spool, "d", {plain})->accepted, 1u);
  EXPECT_EQ(add_recipients_sync(*spool, "d", {rcpt("zed@example.org")})->accepted, 1u);
  NewRecipient plain_again{"ZED@example.org", "zed-canonical@example.org", "", ""};
  EXPECT_EQ(add_recipients_sync(*spool, "d", {plain_again})->duplicates, 1u);
  EXPECT_TRUE(dynamic_cast<LmdbSpool&>(*spool).audit().empty());
}

std::uint64_t constant_hash(std::string_view) {
  return 42;
}
std::uint64_t first_letter_hash(std::string_view s) {
  return s.empty() ? 0 : s[0] * 2;
}

TEST(SpoolDedupTest, HashCollisionsAreProbedNotMerged) {
  for (AddressHashFn hash : {&constant_hash, &first_letter_hash}) {
    TempSpoolDir dir;
    LmdbSpool spool(options_for(dir, false), SpoolTestHooks{hash});
    std::vector<NewRecipient> batch;
    for (char c = 'a'; c <= 'z'; ++c)
      batch.push_back(rcpt(std::string(1, c) + "x@example.org"));
    for (char c = 'a'; c <= 'z'; ++c)
      batch.push_back(rcpt(std::string(1, c) + "y@example.org"));
    batch.push_back(rcpt("AX@example.org")); // duplicate of ax@
    auto created = create_campaign_sync(spool, campaign_named("h"), batch);
    ASSERT_TRUE(created.ok());
    EXPECT_EQ(created->recipients.accepted, 52u);
    EXPECT_EQ(created->recipients.duplicates, 1u);
    auto again = add_recipients_sync(spool, "h", {rcpt("QY@example.org"), rcpt("qz@example.org")});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->duplicates, 1u);
    EXPECT_EQ(again->accepted, 1u);
    auto stored = addresses_of(spool, "h");
    ASSERT_EQ(stored.size(), 53u);
    EXPECT_EQ(stored[0], "ax@example.org");
    EXPECT_EQ(stored[52], "qz@example.org");
    EXPECT_TRUE(spool.audit().empty());
  }
}

TEST(SpoolSuppressionTest, SuppressedAddressesAreStoredAsSuppressedAndNeverDue) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  ASSERT_TRUE(put_suppression_sync(*spool, {"sue@example.org", "unsubscribe", "api", 0}).ok());
  auto entry = spool->suppression("sue@example.org");
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->reason, "unsubscribe");
  EXPECT_GT(entry->at_ms, 0);
  auto created = create_campaign_sync(
      *spool, campaign_named("s"),
      {rcpt("Sue@Example.org"), rcpt("tom@example.org"), rcpt("sue@example.org")});
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->recipients.accepted, 2u);
  EXPECT_EQ(created->recipients.suppressed, 1u);
  EXPECT_EQ(created->recipients.duplicates, 1u);
  auto info = spool->campaign("s");
  EXPECT_EQ(info->counts.suppressed, 1u);
  EXPECT_EQ(info->counts.queued, 1u);
  auto claimed = claim_due_sync(*spool, wall_ms() + 1000, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].address, "tom@example.org");

  EXPECT_TRUE(*delete_suppression_sync(*spool, "sue@example.org"));
  EXPECT_FALSE(*delete_suppression_sync(*spool, "sue@example.org"));
  EXPECT_FALSE(spool->suppression("sue@example.org"));
  auto later = create_campaign_sync(*spool, campaign_named("t"), {rcpt("sue@example.org")});
  EXPECT_EQ(later->recipients.suppressed, 0u);
  EXPECT_EQ(spool->campaign("t")->counts.queued, 1u);
  auto empty = put_suppression_sync(*spool, {"", "x", "api", 0});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, error_code::invalid_request);
  expect_counts_match_scan(*spool);
}

TEST(SpoolSuppressionTest, PagesInAddressOrder) {
  TempSpoolDir dir;
  auto spool = Spool::open(options_for(dir, false));
  for (int i = 24; i >= 0; --i) {
    char name[32];
    std::snprintf(name, sizeof name, "s%02d@example.org", i);
    ASSERT_TRUE(put_suppression_sync(*spool, {name, "manual", "api", 1000 + i}).ok());
  }
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 10; ++page) {
    auto entries = spool->suppressions(after, 10);
    if (entries.empty())
      break;
    EXPECT_LE(entries.size(), 10u);
    for (const auto& e : entries)
      seen.push_back(e.address);
    after = entries.back().address;
  }
  ASSERT_EQ(seen.size(), 25u);
  EXPECT_EQ(seen[0], "s00@example.org");
  EXPECT_EQ(seen[10], "s10@example.org");
  EXPECT_EQ(seen[24], "s24@example.org");
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  auto mid = spool->suppressions("s05@example.org", 1);
  ASSERT_EQ(mid.size(), 1u);
  EXPECT_EQ(mid[0].address, "s06@example.org");
  EXPECT_EQ(mid[0].at_ms, 1006);
  EXPECT_TRUE(spool->suppressions("s05@", 0).empty());
}

} // namespace
} // namespace volley::queue
