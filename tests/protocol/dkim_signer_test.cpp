// sign_headers / sign_message: field layout and folding, the h= list with oversigning, bottom-up
// selection of repeated fields (observed through deterministic RSA signatures: changing an unsigned
// field keeps the signature, changing a signed one or reordering repeats changes it), body hash
// reuse, dual signing and configuration errors. Verification by real verifiers is in
// dkim_dkimpy_verify_test.cpp and dkim_opendkim_verify_test.cpp.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "tests/protocol/dkim_test_support.hpp"

namespace volley::protocol {
namespace {

using namespace dkim_test;
using C = DkimCanonicalization;

const std::string kHeaders = "Received: from a\r\n"
                             "From: Sender <sender@example.com>\r\n"
                             "To: first@example.org\r\n"
                             "Subject: hello\r\n"
                             "To: second@example.org\r\n"
                             "Date: Sun, 29 Nov 2026 16:00:00 +0000\r\n"
                             "\r\n";
const std::string kBody = "Hello.\r\n";

std::string sign(const DkimSignerConfig& config, const std::string& headers,
                 std::int64_t time = 1700000000) {
  const Result<std::string> field =
      sign_headers(config, headers, compute_body_hash(kBody, config.body_canonicalization), time);
  EXPECT_TRUE(field.ok()) << field.error().message;
  return field.ok() ? field.value() : "";
}

// The value of tag `name` in a signature field, unfolded, blanks removed.
std::string tag(const std::string& field, const std::string& name) {
  std::string flat;
  for (const char c : field.substr(field.find(':') + 1))
    if (c != '\r' && c != '\n' && c != ' ' && c != '\t')
      flat += c;
  std::istringstream tags(flat);
  for (std::string item; std::getline(tags, item, ';');)
    if (item.starts_with(name + "="))
      return item.substr(name.size() + 1);
  return "<absent>";
}

TEST(DkimSignerTest, FieldLayoutAndFolding) {
  DkimSignerConfig config = config_for(rsa_key(), "sel", C::relaxed);
  config.expiry_seconds = 3600;
  const std::string field = sign(config, kHeaders);
  EXPECT_TRUE(field.starts_with("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; "
                                "d=example.com; s=sel;"))
      << field;
  ASSERT_TRUE(field.ends_with("\r\n"));
  EXPECT_EQ(tag(field, "t"), "1700000000");
  EXPECT_EQ(tag(field, "x"), "1700003600");
  EXPECT_EQ(tag(field, "bh"), compute_body_hash(kBody, C::relaxed).base64);
  EXPECT_EQ(tag(field, "b").size(), 344u); // 256 bytes of RSA-2048 signature
  std::istringstream lines(field);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    ASSERT_TRUE(line.ends_with("\r")) << "bare LF in " << field;
    EXPECT_LE(line.size(), 79u) << line; // 78 + CR
    if (count > 0) {
      EXPECT_EQ(line.front(), ' ') << line;
    }
  }
  EXPECT_GT(count, 3);
  config.timestamp = false;
  config.expiry_seconds = 0;
  const std::string untimed = sign(config, kHeaders);
  EXPECT_EQ(tag(untimed, "t"), "<absent>");
  EXPECT_EQ(tag(untimed, "x"), "<absent>");
}

TEST(DkimSignerTest, HeaderListCountsInstancesAndOversigns) {
  const std::string field = sign(config_for(rsa_key(), "sel", C::relaxed), kHeaders);
  EXPECT_EQ(tag(field, "h"), "from:from:to:to:subject:subject:date:list-unsubscribe");
  DkimSignerConfig config = config_for(rsa_key(), "sel", C::relaxed);
  config.signed_headers = {"From", "Received", "X-Missing"};
  config.oversigned_headers = {"received"};
  EXPECT_EQ(tag(sign(config, kHeaders), "h"), "From:Received:Received");
}

TEST(DkimSignerTest, OnlySignedFieldsAffectTheSignature) {
  const DkimSignerConfig config = config_for(rsa_key(), "sel", C::relaxed);
  const std::string base = sign(config, kHeaders);
  std::string received_changed = kHeaders;
  received_changed.replace(received_changed.find("from a"), 6, "from b");
  EXPECT_EQ(sign(config, received_changed), base);
  std::string refolded = kHeaders; // relaxed: extra blanks in a signed field do not matter
  refolded.replace(refolded.find("Subject: hello"), 14, "SUBJECT:   hello \t");
  EXPECT_EQ(sign(config, refolded), base);
  std::string to_changed = kHeaders;
  to_changed.replace(to_changed.find("first@"), 6, "other@");
  EXPECT_NE(sign(config, to_changed), base);
  std::string swapped = kHeaders; // the repeated To fields are taken bottom-up, order matters
  swapped.replace(swapped.find("first@"), 6, "SECOND@");
  swapped.replace(swapped.find("second@"), 7, "first@");
  swapped.replace(swapped.find("SECOND@"), 7, "second@");
  ASSERT_NE(swapped, kHeaders);
  EXPECT_NE(sign(config, swapped), base);
  EXPECT_NE(sign(config, "From: evil@example.net\r\n" + kHeaders), base); // oversigned From
  EXPECT_NE(sign(config, "List-Unsubscribe: <mailto:x@example.net>\r\n" + kHeaders), base);
  const DkimSignerConfig simple = config_for(rsa_key(), "sel", C::simple);
  EXPECT_NE(sign(simple, refolded), sign(simple, kHeaders));
}

TEST(DkimSignerTest, SignMessageMatchesSignHeadersWithASharedBodyHash) {
  const std::vector<DkimSignerConfig> configs = {config_for(rsa_key(), "rsa", C::relaxed),
                                                 config_for(ed25519_key(), "ed", C::relaxed)};
  const std::string message = kHeaders + kBody;
  const Result<std::string> signed_message = sign_message(configs, message, 1700000000);
  ASSERT_TRUE(signed_message.ok()) << signed_message.error().message;
  const DkimBodyHash body_hash = compute_body_hash(kBody, C::relaxed); // computed once, used twice
  const Result<std::string> rsa = sign_headers(configs[0], kHeaders, body_hash, 1700000000);
  const Result<std::string> ed = sign_headers(configs[1], kHeaders, body_hash, 1700000000);
  ASSERT_TRUE(rsa.ok() && ed.ok());
  EXPECT_EQ(signed_message.value(), rsa.value() + ed.value() + message); // both deterministic
  EXPECT_EQ(tag(ed.value(), "a"), "ed25519-sha256");
  EXPECT_EQ(tag(ed.value(), "b").size(), 88u); // 64-byte Ed25519 signature
  EXPECT_EQ(tag(ed.value(), "bh"), tag(rsa.value(), "bh"));
}

TEST(DkimSignerTest, ConfigurationAndMessageErrors) {
  DkimSignerConfig config = config_for(rsa_key(), "sel", C::relaxed);
  const DkimBodyHash relaxed = compute_body_hash(kBody, C::relaxed);
  EXPECT_TRUE(validate_dkim_signer_config(config).ok());
  const Result<std::string> wrong_hash =
      sign_headers(config, kHeaders, compute_body_hash(kBody, C::simple), 0);
  EXPECT_FALSE(wrong_hash.ok());
  const Result<std::string> no_from = sign_headers(config, "To: a@example.org\r\n\r\n", relaxed, 0);
  ASSERT_FALSE(no_from.ok());
  EXPECT_NE(no_from.error().message.find("From"), std::string::npos);
  EXPECT_FALSE(sign_headers(config, "", relaxed, 0).ok());
  for (const std::string bad : {"", "exa mple.com", "example.com;x=1", "ex\r\nample"}) {
    DkimSignerConfig broken = config;
    broken.domain = bad;
    EXPECT_FALSE(validate_dkim_signer_config(broken).ok()) << bad;
    EXPECT_FALSE(sign_headers(broken, kHeaders, relaxed, 0).ok()) << bad;
  }
  DkimSignerConfig bad_header = config;
  bad_header.signed_headers.push_back("x:y");
  EXPECT_FALSE(validate_dkim_signer_config(bad_header).ok());
  DkimSignerConfig without_from = config;
  without_from.signed_headers = {"to"};
  without_from.oversigned_headers = {};
  EXPECT_FALSE(validate_dkim_signer_config(without_from).ok());
  DkimSignerConfig without_key = config;
  without_key.key.reset();
  EXPECT_FALSE(sign_headers(without_key, kHeaders, relaxed, 0).ok());
}

} // namespace
} // namespace volley::protocol
