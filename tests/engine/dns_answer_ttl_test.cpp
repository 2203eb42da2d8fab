// Tests of dns_answer_ttl on hand-built DNS messages: smallest TTL of one type, compression
// pointers, the RFC 2181 top-bit rule, and truncated or lying messages (never read past the end).
#include <gtest/gtest.h>

#include <vector>

#include "engine/dns_answer_ttl.hpp"

namespace volley::engine {
namespace {

using Bytes = std::vector<unsigned char>;

// Header with 1 question and `answers` answers, question "a.test" MX.
Bytes message_with(unsigned answers) {
  Bytes m = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, static_cast<unsigned char>(answers), 0, 0, 0, 0};
  Bytes question = {1, 'a', 4, 't', 'e', 's', 't', 0, 0, 15, 0, 1};
  m.insert(m.end(), question.begin(), question.end());
  return m;
}

void add_record(Bytes& m, unsigned type, std::uint32_t ttl, const Bytes& rdata) {
  Bytes rr = {0xC0, 12, 0, static_cast<unsigned char>(type), 0, 1};
  for (int shift : {24, 16, 8, 0})
    rr.push_back(static_cast<unsigned char>(ttl >> shift));
  rr.push_back(0);
  rr.push_back(static_cast<unsigned char>(rdata.size()));
  rr.insert(rr.end(), rdata.begin(), rdata.end());
  m.insert(m.end(), rr.begin(), rr.end());
}

TEST(DnsAnswerTtl, SmallestTtlOfTheRequestedType) {
  Bytes m = message_with(3);
  add_record(m, 15, 300, {0, 10, 0});
  add_record(m, 5, 7, {0}); // a CNAME with a smaller TTL does not count for MX
  add_record(m, 15, 120, {0, 20, 0});
  EXPECT_EQ(dns_answer_ttl(m.data(), m.size(), 15), 120u);
  EXPECT_EQ(dns_answer_ttl(m.data(), m.size(), 5), 7u);
  EXPECT_EQ(dns_answer_ttl(m.data(), m.size(), 1), std::nullopt);
}

TEST(DnsAnswerTtl, TopBitTtlCountsAsZero) {
  Bytes m = message_with(1);
  add_record(m, 15, 0x80000001u, {0, 10, 0});
  EXPECT_EQ(dns_answer_ttl(m.data(), m.size(), 15), 0u);
}

TEST(DnsAnswerTtl, MalformedMessagesGiveNothing) {
  Bytes m = message_with(1);
  add_record(m, 15, 300, {0, 10, 0});
  for (std::size_t cut = 0; cut < m.size(); ++cut) {
    Bytes truncated(m.begin(), m.begin() + static_cast<long>(cut));
    EXPECT_EQ(dns_answer_ttl(truncated.data(), truncated.size(), 15), std::nullopt) << cut;
  }
  Bytes lying = message_with(2); // claims two answers, has one
  add_record(lying, 15, 300, {0, 10, 0});
  EXPECT_EQ(dns_answer_ttl(lying.data(), lying.size(), 15), std::nullopt);
  EXPECT_EQ(dns_answer_ttl(nullptr, 0, 15), std::nullopt);
}

} // namespace
} // namespace volley::engine
