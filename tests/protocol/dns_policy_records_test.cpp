// Tag lists of DNS policy records, DKIM key records and DMARC records with alignment: pure parsing
// of what check-domain reads from DNS. Never touches DNS or files.
#include <gtest/gtest.h>

#include "protocol/dkim_key_record.hpp"
#include "protocol/dmarc_record.hpp"
#include "protocol/dns_tag_list.hpp"

namespace volley::protocol {
namespace {

TEST(DnsTagList, ParsesTagsWithWhitespaceAndTrailingSemicolon) {
  auto tags = parse_dns_tag_list(" v=DKIM1 ;k = rsa;\tp=AB CD ; ");
  ASSERT_TRUE(tags);
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[1].name, "k");
  EXPECT_EQ((*tags)[1].value, "rsa");
  EXPECT_EQ(find_dns_tag(*tags, "p")->value, "AB CD");
  EXPECT_EQ(find_dns_tag(*tags, "x"), nullptr);
}

TEST(DnsTagList, RefusesMissingEqualsRepeatedTagsAndTooManyTags) {
  EXPECT_FALSE(parse_dns_tag_list("v=DKIM1; junk"));
  EXPECT_FALSE(parse_dns_tag_list("p=a; p=b"));
  EXPECT_FALSE(parse_dns_tag_list("=x"));
  std::string many;
  for (std::size_t i = 0; i <= kMaxDnsTags; ++i)
    many += "t" + std::to_string(i) + "=1;";
  EXPECT_FALSE(parse_dns_tag_list(many));
}

TEST(DkimKeyRecord, ReadsKeyTypeAndKeyWithoutWhitespace) {
  auto record = parse_dkim_key_record("v=DKIM1; k=Ed25519; p=MCow BQYD\r\n K2Vw=");
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->key_type, "ed25519");
  EXPECT_EQ(record->public_key, "MCowBQYDK2Vw=");
  EXPECT_EQ(parse_dkim_key_record("p=ABC")->key_type, "rsa"); // k= defaults to rsa
  EXPECT_EQ(parse_dkim_key_record("v=DKIM1; p=")->public_key, "");
}

TEST(DkimKeyRecord, RefusesRecordsThatAreNotKeyRecords) {
  EXPECT_FALSE(parse_dkim_key_record("v=DKIM1; k=rsa"));      // no p=
  EXPECT_FALSE(parse_dkim_key_record("k=rsa; v=DKIM1; p=A")); // v= not first
  EXPECT_FALSE(parse_dkim_key_record("v=DKIM2; p=A"));
  EXPECT_FALSE(parse_dkim_key_record("hello world"));
}

TEST(DmarcRecord, ParsesPolicyAndAlignmentModes) {
  EXPECT_TRUE(is_dmarc_record("v=DMARC1; p=none"));
  EXPECT_TRUE(is_dmarc_record(" v = DMARC1"));
  EXPECT_FALSE(is_dmarc_record("p=none; v=DMARC1"));
  EXPECT_FALSE(is_dmarc_record("v=spf1 -all"));
  auto record = parse_dmarc_record("v=DMARC1; p=Reject; sp=none; adkim=s; aspf=r; rua=mailto:a@b");
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->policy, "reject");
  EXPECT_EQ(record->subdomain_policy, "none");
  EXPECT_EQ(record->dkim_alignment, DmarcAlignment::strict);
  EXPECT_EQ(record->spf_alignment, DmarcAlignment::relaxed);
  EXPECT_EQ(parse_dmarc_record("v=DMARC1; p=none")->dkim_alignment, DmarcAlignment::relaxed);
}

TEST(DmarcRecord, RefusesMissingOrInvalidValues) {
  EXPECT_FALSE(parse_dmarc_record("v=DMARC1; rua=mailto:a@b"));
  EXPECT_FALSE(parse_dmarc_record("v=DMARC1; p=block"));
  EXPECT_FALSE(parse_dmarc_record("v=DMARC1; p=none; sp=maybe"));
  EXPECT_FALSE(parse_dmarc_record("v=DMARC1; p=none; aspf=x"));
  EXPECT_FALSE(parse_dmarc_record("p=none"));
}

TEST(DmarcRecord, OrganisationalDomainAndAlignment) {
  EXPECT_EQ(organisational_domain("a.b.example.org"), "example.org");
  EXPECT_EQ(organisational_domain("example.org"), "example.org");
  EXPECT_EQ(organisational_domain("example.org."), "example.org");
  EXPECT_EQ(organisational_domain("localhost"), "localhost");
  EXPECT_TRUE(dmarc_aligned("news.example.org", "bounce.example.org", DmarcAlignment::relaxed));
  EXPECT_FALSE(dmarc_aligned("news.example.org", "bounce.example.org", DmarcAlignment::strict));
  EXPECT_TRUE(dmarc_aligned("example.org", "example.org", DmarcAlignment::strict));
  EXPECT_FALSE(dmarc_aligned("example.org", "example.net", DmarcAlignment::relaxed));
}

} // namespace
} // namespace volley::protocol
