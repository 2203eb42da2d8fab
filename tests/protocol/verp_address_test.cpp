// decode_verp / encode_verp: round trips at edge values, case folding, tampering, wrong key,
// prefix or domain, and the local-part length bound.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <limits>
#include <string>

#include "protocol/verp_address.hpp"

namespace volley::protocol {
namespace {

constexpr std::string_view kPrefix = "b";
constexpr std::string_view kDomain = "bounces.example.com";

VerpKey key_from(std::string_view secret) {
  Result<VerpKey> key = VerpKey::from_secret(secret);
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

class VerpAddressTest : public testing::Test {
protected:
  VerpKey key_ = key_from("0123456789abcdef-test-secret-one");
  VerpKey other_key_ = key_from("0123456789abcdef-test-secret-two");

  Result<VerpFields> decode(std::string_view address) const {
    return decode_verp(key_, kPrefix, kDomain, address);
  }
  std::string encode(std::uint32_t campaign, std::uint64_t recipient) const {
    return encode_verp(key_, kPrefix, kDomain, VerpFields{campaign, recipient});
  }
};

std::string local_part(const std::string& address) {
  return address.substr(0, address.find('@'));
}

TEST_F(VerpAddressTest, RoundTripsEdgeValues) {
  constexpr std::uint32_t kMax32 = std::numeric_limits<std::uint32_t>::max();
  constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
  const VerpFields cases[] = {{0, 0},      {1, 1},           {0, kMax64},
                              {kMax32, 0}, {kMax32, kMax64}, {2, 127},
                              {3, 128},    {7, 1ull << 32},  {kMax32 - 1, kMax64 - 1}};
  for (const VerpFields& fields : cases) {
    const std::string address = encode(fields.campaign_seq, fields.recipient_seq);
    SCOPED_TRACE(address);
    EXPECT_EQ(address.substr(0, 2), "b-");
    EXPECT_EQ(address.substr(address.find('@')), "@bounces.example.com");
    const Result<VerpFields> decoded = decode(address);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded.value(), fields);
  }
}

TEST_F(VerpAddressTest, TokenIsShortLowerCaseBase32) {
  const std::string typical = encode(12, 34567);
  const std::string token = local_part(typical).substr(2);
  EXPECT_LE(token.size(), 19u);
  for (const char c : token)
    EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << token;
}

TEST_F(VerpAddressTest, LocalPartStaysWellUnder64Octets) {
  const std::string longest = encode_verp(key_, "abcdefghijklmnop", kDomain,
                                          VerpFields{std::numeric_limits<std::uint32_t>::max(),
                                                     std::numeric_limits<std::uint64_t>::max()});
  EXPECT_EQ(local_part(longest).size(), 16u + 1 + kVerpMaxTokenLength);
  EXPECT_LE(local_part(longest).size(), 51u);
}

TEST_F(VerpAddressTest, DecodesUpperAndMixedCase) {
  const std::string address = encode(42, 1000001);
  std::string upper = address;
  for (char& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string mixed = address;
  for (std::size_t i = 0; i < mixed.size(); i += 2)
    mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
  for (const std::string& variant : {upper, mixed}) {
    const Result<VerpFields> decoded = decode(variant);
    ASSERT_TRUE(decoded.ok()) << variant;
    EXPECT_EQ(decoded.value(), (VerpFields{42, 1000001}));
  }
}

TEST_F(VerpAddressTest, AcceptsAngleBracketsAndBareLocalPart) {
  const std::string address = encode(5, 6);
  EXPECT_TRUE(decode("<" + address + ">").ok());
  const Result<VerpFields> bare = decode(local_part(address));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare.value(), (VerpFields{5, 6}));
  EXPECT_FALSE(decode("<" + address).ok());
}

TEST_F(VerpAddressTest, EverySingleCharacterChangeIsRejected) {
  const std::string address = encode(77, 123456789);
  const std::size_t token_begin = 2;
  const std::size_t token_end = address.find('@');
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz234567018=-";
  int rejected = 0;
  for (std::size_t i = token_begin; i < token_end; ++i) {
    for (const char replacement : alphabet) {
      if (replacement == address[i])
        continue;
      std::string tampered = address;
      tampered[i] = replacement;
      const Result<VerpFields> decoded = decode(tampered);
      ASSERT_FALSE(decoded.ok()) << tampered << " decoded to " << decoded->recipient_seq;
      EXPECT_TRUE(decoded.error().code == verp_error::bad_signature ||
                  decoded.error().code == verp_error::malformed)
          << decoded.error().code;
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 500);
}

TEST_F(VerpAddressTest, TruncatedOrExtendedTokensAreRejected) {
  const std::string address = encode(9, 99999);
  const std::size_t at = address.find('@');
  for (std::size_t cut = 1; cut <= at - 2; ++cut) {
    std::string truncated = address;
    truncated.erase(at - cut, cut);
    EXPECT_FALSE(decode(truncated).ok()) << truncated;
  }
  for (const std::string& extra : std::vector<std::string>{"a", "aa", "q", "22222222", "-", "+x"}) {
    std::string extended = address;
    extended.insert(at, extra);
    EXPECT_FALSE(decode(extended).ok()) << extended;
  }
  EXPECT_EQ(decode("b-@bounces.example.com").error().code, verp_error::not_verp);
  EXPECT_EQ(decode("b-a@bounces.example.com").error().code, verp_error::malformed);
  const std::string too_long =
      "b-" + std::string(kVerpMaxTokenLength + 1, 'a') + "@" + std::string(kDomain);
  EXPECT_EQ(decode(too_long).error().code, verp_error::malformed);
}

TEST_F(VerpAddressTest, WrongSecretIsBadSignature) {
  const std::string address = encode(3, 4);
  const Result<VerpFields> decoded = decode_verp(other_key_, kPrefix, kDomain, address);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, verp_error::bad_signature);
}

TEST_F(VerpAddressTest, TokenFromAnotherCampaignKeyDoesNotDecode) {
  // Same fields, signed under another deployment's key: never accepted for this one.
  const std::string foreign = encode_verp(other_key_, kPrefix, kDomain, VerpFields{3, 4});
  EXPECT_NE(foreign, encode(3, 4));
  EXPECT_EQ(decode(foreign).error().code, verp_error::bad_signature);
}

TEST_F(VerpAddressTest, WrongPrefixOrDomainIsNotVerp) {
  const std::string address = encode(1, 2);
  const std::string token_and_domain = address.substr(1);
  EXPECT_EQ(decode("x" + token_and_domain).error().code, verp_error::not_verp);
  EXPECT_EQ(decode("bb" + token_and_domain).error().code, verp_error::not_verp);
  EXPECT_EQ(decode(local_part(address) + "@example.com").error().code, verp_error::not_verp);
  EXPECT_EQ(decode(local_part(address) + "@x.bounces.example.com").error().code,
            verp_error::not_verp);
  EXPECT_EQ(decode("postmaster@bounces.example.com").error().code, verp_error::not_verp);
  EXPECT_TRUE(decode(local_part(address) + "@BOUNCES.Example.COM").ok());
}

TEST_F(VerpAddressTest, SettingsAreValidated) {
  EXPECT_TRUE(check_verp_settings("bounce", "bounces.example.com").ok());
  EXPECT_TRUE(check_verp_settings("v.b_1", "b.example").ok());
  EXPECT_FALSE(check_verp_settings("", "b.example").ok());
  EXPECT_FALSE(check_verp_settings("has-dash", "b.example").ok());
  EXPECT_FALSE(check_verp_settings("abcdefghijklmnopq", "b.example").ok());
  EXPECT_FALSE(check_verp_settings("b", "").ok());
  EXPECT_FALSE(check_verp_settings("b", "bad domain").ok());
  EXPECT_FALSE(check_verp_settings("b", "example.com.").ok());
}

TEST(VerpKeyTest, RejectsShortSecret) {
  const Result<VerpKey> key = VerpKey::from_secret("short");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, error_code::invalid_request);
  EXPECT_NE(key.error().message.find("16"), std::string::npos);
}

TEST(VerpKeyTest, SameSecretGivesSameAddress) {
  const VerpKey a = key_from("a-secret-of-sixteen-bytes");
  const VerpKey b = key_from("a-secret-of-sixteen-bytes");
  EXPECT_EQ(encode_verp(a, "b", "x.example", {1, 2}), encode_verp(b, "b", "x.example", {1, 2}));
  EXPECT_NE(encode_verp(a, "b", "x.example", {1, 2}), encode_verp(a, "b", "x.example", {1, 3}));
}

} // namespace
} // namespace volley::protocol
