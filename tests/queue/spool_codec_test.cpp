// Tests of the spool's binary layouts and the address hash: round trips, key ordering, rejection of
// truncated values. Must never touch the file system.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "queue/address_hash.hpp"
#include "queue/spool_codec.hpp"

namespace volley::queue {
namespace {

TEST(SpoolCodecTest, DueKeysOrderByTimeThenCampaignThenSeq) {
  EXPECT_LT(due_key(-5, 9, 9).view(), due_key(-4, 1, 1).view());
  EXPECT_LT(due_key(-1, 9, 9).view(), due_key(0, 1, 1).view());
  EXPECT_LT(due_key(1000, 2, 1).view(), due_key(1000, 3, 0).view());
  EXPECT_LT(due_key(1000, 2, 255).view(), due_key(1000, 2, 256).view());
  EXPECT_LT(due_key(1700000000000, 1, 1).view(), due_key(1700000000001, 1, 0).view());
  DueEntry e;
  ASSERT_TRUE(parse_due_key(due_key(-123456789, 77, 1ull << 40).view(), e));
  EXPECT_EQ(e.due_ms, -123456789);
  EXPECT_EQ(e.campaign_seq, 77u);
  EXPECT_EQ(e.seq, 1ull << 40);
}

TEST(SpoolCodecTest, RecipientKeysOrderBySeqWithinCampaign) {
  EXPECT_LT(recipient_key(1, 255).view(), recipient_key(1, 256).view());
  EXPECT_LT(recipient_key(1, ~0ull).view(), recipient_key(2, 0).view());
  std::uint32_t c = 0;
  std::uint64_t s = 0;
  ASSERT_TRUE(parse_recipient_key(recipient_key(0xdeadbeef, 42).view(), c, s));
  EXPECT_EQ(c, 0xdeadbeefu);
  EXPECT_EQ(s, 42u);
}

TEST(SpoolCodecTest, RecipientRoundTripAndHeaderPatch) {
  RecipientView in;
  in.state = RecipientState::deferred;
  in.attempts = 3;
  in.next_attempt_ms = 1700000000123;
  in.address = "\"Odd Name\"@Example.ORG";
  in.crm_id = "crm-7";
  in.vars_json = R"({"first":"Ann"})";
  in.canonical = "\"odd name\"@example.org";
  std::string value;
  encode_recipient(value, in);
  RecipientView out;
  ASSERT_TRUE(decode_recipient(value, out));
  EXPECT_EQ(out.state, RecipientState::deferred);
  EXPECT_EQ(out.attempts, 3);
  EXPECT_EQ(out.next_attempt_ms, 1700000000123);
  EXPECT_EQ(out.address, in.address);
  EXPECT_EQ(out.crm_id, "crm-7");
  EXPECT_EQ(out.vars_json, in.vars_json);
  EXPECT_EQ(out.canonical, in.canonical);

  std::string patched = value;
  patch_recipient_header(patched, RecipientState::in_flight, 4, -1);
  ASSERT_TRUE(decode_recipient(patched, out));
  EXPECT_EQ(out.state, RecipientState::in_flight);
  EXPECT_EQ(out.attempts, 4);
  EXPECT_EQ(out.next_attempt_ms, -1);
  EXPECT_EQ(out.address, in.address);

  for (std::size_t cut = 0; cut < value.size(); ++cut) {
    EXPECT_FALSE(decode_recipient(std::string_view(value).substr(0, cut), out)) << cut;
  }
}

TEST(SpoolCodecTest, CanonicalComparison) {
  RecipientView v;
  v.address = "John.Doe@Example.org";
  EXPECT_TRUE(same_canonical(v, "john.doe@example.org"));
  EXPECT_FALSE(same_canonical(v, "john.doe@example.com"));
  v.canonical = "johndoe@example.org";
  EXPECT_TRUE(same_canonical(v, "johndoe@example.org"));
  EXPECT_FALSE(same_canonical(v, "john.doe@example.org"));
}

TEST(SpoolCodecTest, CampaignCountersSuppressionBounceRoundTrip) {
  CampaignInfo c;
  c.id = "c-1";
  c.kind = "campaign";
  c.state = CampaignState::paused;
  c.from = "a@b.c";
  c.tags = {{"k", "v"}, {"list", ""}};
  c.created_ms = 1700000000000;
  c.not_before_ms = -5;
  c.expires_after_s = 3600;
  c.message_bytes = 123456;
  c.unsubscribe_url = "https://crm.example/u/{{token}}";
  std::string value;
  encode_campaign(value, c);
  CampaignInfo d;
  ASSERT_TRUE(decode_campaign(value, d));
  EXPECT_EQ(d.id, c.id);
  EXPECT_EQ(d.unsubscribe_url, c.unsubscribe_url);
  EXPECT_EQ(d.state, CampaignState::paused);
  EXPECT_EQ(d.tags, c.tags);
  EXPECT_EQ(d.not_before_ms, -5);
  EXPECT_EQ(d.message_bytes, 123456u);
  EXPECT_FALSE(decode_campaign(value.substr(0, value.size() - 1), d));

  // Layout 3 flags: keep_return_path and verbatim (SMTP submission) round-trip.
  c.keep_return_path = true;
  c.verbatim = true;
  encode_campaign(value, c);
  EXPECT_EQ(value[0], 3);
  ASSERT_TRUE(decode_campaign(value, d));
  EXPECT_TRUE(d.keep_return_path);
  EXPECT_TRUE(d.verbatim);
  c.verbatim = false;
  encode_campaign(value, c);
  ASSERT_TRUE(decode_campaign(value, d));
  EXPECT_TRUE(d.keep_return_path);
  EXPECT_FALSE(d.verbatim);
  std::string unknown_flag = value;
  unknown_flag.back() = 4;
  EXPECT_FALSE(decode_campaign(unknown_flag, d));

  // Layouts 1 (before unsubscribe_url) and 2 (before the flags byte): the same fields without the
  // last ones; both decode with the missing fields empty / false.
  c.keep_return_path = false;
  c.unsubscribe_url.clear();
  encode_campaign(value, c);
  ASSERT_EQ(value.back(), '\0');            // the flags
  ASSERT_EQ(value[value.size() - 2], '\0'); // the empty string's length
  std::string layout2 = value.substr(0, value.size() - 1);
  layout2[0] = 2;
  d.keep_return_path = true;
  d.verbatim = true;
  ASSERT_TRUE(decode_campaign(layout2, d));
  EXPECT_EQ(d.id, c.id);
  EXPECT_FALSE(d.keep_return_path);
  EXPECT_FALSE(d.verbatim);
  layout2[0] = 3; // a layout 3 record needs its flags byte
  EXPECT_FALSE(decode_campaign(layout2, d));
  std::string layout1 = value.substr(0, value.size() - 2);
  layout1[0] = 1;
  d.unsubscribe_url = "stale";
  d.keep_return_path = true;
  ASSERT_TRUE(decode_campaign(layout1, d));
  EXPECT_EQ(d.id, c.id);
  EXPECT_EQ(d.message_bytes, 123456u);
  EXPECT_EQ(d.unsubscribe_url, "");
  EXPECT_FALSE(d.keep_return_path);
  layout1[0] = 4;
  EXPECT_FALSE(decode_campaign(layout1, d));

  CampaignCounters n;
  n.next_rcpt_seq = 99;
  n.counts.deferred = 7;
  n.counts.suppressed = 1ull << 50;
  CampaignCounters m;
  ASSERT_TRUE(decode_counters(encode_counters(n), m));
  EXPECT_EQ(m.next_rcpt_seq, 99u);
  EXPECT_TRUE(m.counts == n.counts);

  BounceRecord b{5,   "c-1",          "x@y.z",        "crm",    "hard", "5.1.1",
                 550, "user unknown", "no such user", "mx.y.z", "sync", 1700000000000};
  encode_bounce(value, b);
  BounceRecord b2;
  ASSERT_TRUE(decode_bounce(value, b2));
  EXPECT_EQ(b2.smtp_code, 550);
  EXPECT_EQ(b2.diagnostic, "no such user");
  EXPECT_EQ(b2.at_ms, 1700000000000);

  SuppressionEntry s{"", "unsubscribe", "api", 42};
  SuppressionEntry s2;
  ASSERT_TRUE(decode_suppression(encode_suppression(s), s2));
  EXPECT_EQ(s2.reason, "unsubscribe");
  EXPECT_EQ(s2.at_ms, 42);
}

TEST(SpoolCodecTest, SchemaHeader) {
  EXPECT_EQ(decode_schema_header(encode_schema_header(1)), 1u);
  EXPECT_EQ(decode_schema_header(encode_schema_header(999)), 999u);
  EXPECT_FALSE(decode_schema_header("garbage"));
  EXPECT_FALSE(decode_schema_header(std::string(4, '\0') + "VOLLEY02"));
}

TEST(AddressHashTest, DistinctForManyAddressesAndStable) {
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 200000; ++i) {
    seen.insert(address_hash("user" + std::to_string(i) + ".name@example-mail.org"));
  }
  EXPECT_EQ(seen.size(), 200000u);
  EXPECT_EQ(address_hash("a@b.c"), address_hash(std::string("a@b.c")));
  EXPECT_NE(address_hash("a@b.c"), address_hash("a@b.d"));
  EXPECT_NE(address_hash(""), address_hash(std::string(1, '\0')));
  // Every length from 0 to 40 hashes differently from its one-byte-longer extension.
  std::string s;
  for (int n = 0; n < 40; ++n) {
    std::uint64_t h = address_hash(s);
    s.push_back(static_cast<char>('a' + n % 26));
    EXPECT_NE(h, address_hash(s)) << n;
  }
}

} // namespace
} // namespace volley::queue
