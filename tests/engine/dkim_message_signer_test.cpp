// Tests for DkimMessageSigner: the From domain is found (display names, folding, case), the entry
// of that domain signs (exact before ".parent"), the message is CRLF-normalised and not
// dot-stuffed, and a message without a From field or without a matching entry is returned
// unsigned with the reason. Pure: keys generated in memory, no files, no network.
#include <gtest/gtest.h>

#include <memory>

#include "engine/dkim_message_signer.hpp"
#include "protocol/dkim_key.hpp"
#include "protocol/smtp_message_data.hpp"

namespace volley::engine {
namespace {

std::shared_ptr<const protocol::DkimKey> ed25519_key() {
  static const auto key = [] {
    auto pem = protocol::generate_dkim_key(protocol::DkimAlgorithm::ed25519_sha256);
    auto parsed = protocol::DkimKey::from_pem(*pem);
    return std::make_shared<const protocol::DkimKey>(std::move(*parsed));
  }();
  return key;
}

policy::DkimDomainConfig domain(std::string pattern, std::string selector) {
  policy::DkimDomainConfig config;
  config.pattern = std::move(pattern);
  config.signatures.push_back({std::move(selector), "k.pem", ed25519_key()});
  return config;
}

TEST(DkimMessageSigner, FindsTheFromDomain) {
  EXPECT_EQ(from_header_domain("From: a@Example.ORG\r\n\r\nx"), "example.org");
  EXPECT_EQ(from_header_domain("To: b@x.test\r\nfrom: \"A, B\" <a@News.Example.org>\r\n\r\n"),
            "news.example.org");
  EXPECT_EQ(from_header_domain("From: Name\r\n <a@folded.test>\r\n\r\n"), "folded.test");
  EXPECT_EQ(from_header_domain("From: a@c.test (comment)\r\n\r\n"), "c.test");
  EXPECT_EQ(from_header_domain("To: b@x.test\r\n\r\nFrom: a@body.test\r\n"), std::nullopt);
  EXPECT_EQ(from_header_domain("From: nobody\r\n\r\n"), std::nullopt);
}

TEST(DkimMessageSigner, NormalisesLineEndsWithoutDotStuffing) {
  EXPECT_EQ(protocol::normalise_line_ends("a\nb\rc\r\n.d"), "a\r\nb\r\nc\r\n.d\r\n");
  EXPECT_EQ(protocol::normalise_line_ends("x\r\n"), "x\r\n");
}

TEST(DkimMessageSigner, SignsWithTheMostSpecificEntry) {
  DkimMessageSigner signer({domain(".example.org", "parent"), domain("news.example.org", "news")});
  auto news = signer.sign("From: a@news.example.org\nSubject: s\n\n.body\n", 1'800'000'000);
  EXPECT_EQ(news.outcome, DkimSignOutcome::signed_message);
  EXPECT_TRUE(news.message.starts_with("DKIM-Signature:")) << news.message;
  EXPECT_NE(news.message.find("s=news"), std::string::npos) << news.message;
  EXPECT_NE(news.message.find("d=news.example.org"), std::string::npos) << news.message;
  EXPECT_TRUE(news.message.ends_with("\r\n\r\n.body\r\n")) << news.message;
  auto sub = signer.sign("From: a@shop.example.org\r\n\r\nx\r\n", 1'800'000'000);
  EXPECT_EQ(sub.outcome, DkimSignOutcome::signed_message);
  EXPECT_NE(sub.message.find("d=example.org;"), std::string::npos) << sub.message;
  EXPECT_NE(sub.message.find("s=parent"), std::string::npos) << sub.message;
}

TEST(DkimMessageSigner, UnsignedWithoutEntryOrFrom) {
  DkimMessageSigner signer({domain("example.org", "s")});
  auto other = signer.sign("From: a@other.test\nSubject: s\n\nbody\n", 1'800'000'000);
  EXPECT_EQ(other.outcome, DkimSignOutcome::no_config);
  EXPECT_EQ(other.detail, "other.test");
  EXPECT_EQ(other.message, "From: a@other.test\r\nSubject: s\r\n\r\nbody\r\n");
  auto no_from = signer.sign("Subject: s\r\n\r\nbody\r\n", 1'800'000'000);
  EXPECT_EQ(no_from.outcome, DkimSignOutcome::failed);
  EXPECT_EQ(no_from.message, "Subject: s\r\n\r\nbody\r\n");
  EXPECT_TRUE(signer.signs("example.org"));
  EXPECT_FALSE(signer.signs("sub.example.org"));
}

} // namespace
} // namespace volley::engine
