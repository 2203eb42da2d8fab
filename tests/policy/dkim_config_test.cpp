// Tests for the [dkim] section: domain tables, one key or dual signing, canonicalization, header
// lists, pattern lookup, and every error (unknown key, missing selector or key file, a key file
// readable by others, a file that is not a key) at file:line:column. Writes keys only inside a
// fresh temporary directory; no network.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "policy/daemon_config.hpp"
#include "policy/dkim_config.hpp"
#include "protocol/dkim_key.hpp"

namespace volley::policy {
namespace {

namespace fs = std::filesystem;
using protocol::DkimAlgorithm;
using protocol::DkimCanonicalization;

class DkimConfigTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "volley-dkimcfg-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_key(const std::string& name, DkimAlgorithm algorithm, mode_t mode = 0600) {
    auto pem = protocol::generate_dkim_key(algorithm, 1024);
    EXPECT_TRUE(pem.ok());
    return write_file(name, pem.ok() ? *pem : "", mode);
  }
  std::string write_file(const std::string& name, const std::string& text, mode_t mode) {
    fs::path path = fs::path(dir_) / name;
    std::ofstream(path) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path.string();
  }
  Result<DaemonConfig> parse(const std::string& text) {
    return parse_daemon_config(text, "t.toml", dir_);
  }
  std::string parse_error(const std::string& text) {
    auto config = parse(text);
    EXPECT_FALSE(config.ok()) << "parsed without error:\n" << text;
    return config.ok() ? "" : config.error().message;
  }

  std::string dir_;
};

TEST_F(DkimConfigTest, OneKeyWithDefaults) {
  write_key("example.org.pem", DkimAlgorithm::rsa_sha256);
  auto config = parse(R"([dkim."Example.ORG"]
selector = "s2026"
key_file = "example.org.pem"
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->dkim.size(), 1u);
  const DkimDomainConfig& domain = config->dkim[0];
  EXPECT_EQ(domain.pattern, "example.org");
  ASSERT_EQ(domain.signatures.size(), 1u);
  EXPECT_EQ(domain.signatures[0].selector, "s2026");
  EXPECT_EQ(domain.signatures[0].key_file, dir_ + "/example.org.pem"); // relative to the file
  ASSERT_TRUE(domain.signatures[0].key);
  EXPECT_EQ(domain.signatures[0].key->algorithm(), DkimAlgorithm::rsa_sha256);
  EXPECT_EQ(domain.header_canonicalization, DkimCanonicalization::relaxed);
  EXPECT_EQ(domain.body_canonicalization, DkimCanonicalization::relaxed);
  EXPECT_TRUE(domain.signed_headers.empty());
  EXPECT_FALSE(domain.oversign_set);
}

TEST_F(DkimConfigTest, DualSigningCanonicalizationAndHeaderLists) {
  write_key("rsa.pem", DkimAlgorithm::rsa_sha256);
  write_key("ed.pem", DkimAlgorithm::ed25519_sha256, 0640);
  auto config = parse(R"([dkim.".example.org"]
signatures = [{selector = "r1", key_file = "rsa.pem"}, {selector = "e1", key_file = "ed.pem"}]
canonicalization = "simple/relaxed"
headers = ["from", "to", "subject"]
oversign = ["from"]
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  ASSERT_EQ(config->dkim.size(), 1u);
  const DkimDomainConfig& domain = config->dkim[0];
  ASSERT_EQ(domain.signatures.size(), 2u);
  EXPECT_EQ(domain.signatures[0].key->algorithm(), DkimAlgorithm::rsa_sha256);
  EXPECT_EQ(domain.signatures[1].key->algorithm(), DkimAlgorithm::ed25519_sha256);
  EXPECT_EQ(domain.header_canonicalization, DkimCanonicalization::simple);
  EXPECT_EQ(domain.body_canonicalization, DkimCanonicalization::relaxed);
  EXPECT_EQ(domain.signed_headers, (std::vector<std::string>{"from", "to", "subject"}));
  EXPECT_TRUE(domain.oversign_set);
  EXPECT_EQ(domain.oversigned_headers, std::vector<std::string>{"from"});
}

TEST_F(DkimConfigTest, ExactDomainBeforeParentPattern) {
  write_key("k.pem", DkimAlgorithm::ed25519_sha256);
  auto config = parse(R"([dkim.".example.org"]
selector = "parent"
key_file = "k.pem"
[dkim."news.example.org"]
selector = "news"
key_file = "k.pem"
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto selector = [&](std::string_view domain) -> std::string {
    const DkimDomainConfig* found = find_dkim_domain(config->dkim, domain);
    return found ? found->signatures[0].selector : "";
  };
  EXPECT_EQ(selector("news.example.org"), "news");
  EXPECT_EQ(selector("example.org"), "parent");
  EXPECT_EQ(selector("a.b.example.org"), "parent");
  EXPECT_EQ(selector("badexample.org"), "");
  EXPECT_EQ(selector("example.com"), "");
}

TEST_F(DkimConfigTest, KeyFileModes0600And0640AreAccepted) {
  for (mode_t mode : {0600, 0640, 0400}) {
    write_key("k.pem", DkimAlgorithm::ed25519_sha256, mode);
    auto config = parse("[dkim.\"example.org\"]\nselector = \"s\"\nkey_file = \"k.pem\"\n");
    EXPECT_TRUE(config.ok()) << std::oct << mode << ": " << config.error().message;
  }
}

TEST_F(DkimConfigTest, LooseKeyFileIsRefusedWithChmodHint) {
  for (mode_t mode : {0644, 0604, 0660, 0666}) {
    std::string path = write_key("k.pem", DkimAlgorithm::ed25519_sha256, mode);
    std::string error =
        parse_error("[dkim.\"example.org\"]\nselector = \"s\"\nkey_file = \"k.pem\"\n");
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_TRUE(error.starts_with("t.toml:3:12: ")) << error;
    EXPECT_NE(error.find("DKIM key file " + path + " has mode " + octal), std::string::npos)
        << error;
    EXPECT_NE(error.find("chmod 600 " + path), std::string::npos) << error;
  }
}

TEST_F(DkimConfigTest, KeyFileMissingNotRegularOrNotAKey) {
  std::string missing = parse_error("[dkim.\"example.org\"]\nselector = \"s\"\n"
                                    "key_file = \"nope.pem\"\n");
  EXPECT_TRUE(missing.starts_with("t.toml:3:12: ")) << missing;
  EXPECT_NE(missing.find("cannot read DKIM key file " + dir_ + "/nope.pem"), std::string::npos)
      << missing;
  fs::create_directory(fs::path(dir_) / "keys");
  ::chmod((fs::path(dir_) / "keys").c_str(), 0700);
  std::string directory =
      parse_error("[dkim.\"example.org\"]\nselector = \"s\"\nkey_file = \"keys\"\n");
  EXPECT_NE(directory.find("is not a regular file"), std::string::npos) << directory;
  write_file("bad.pem", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", 0600);
  std::string bad =
      parse_error("[dkim.\"example.org\"]\nselector = \"s\"\nkey_file = \"bad.pem\"\n");
  EXPECT_NE(bad.find("does not hold a usable key"), std::string::npos) << bad;
}

TEST_F(DkimConfigTest, MissingSelectorOrKeyFile) {
  write_key("k.pem", DkimAlgorithm::ed25519_sha256);
  std::string no_selector = parse_error("[dkim.\"example.org\"]\nkey_file = \"k.pem\"\n");
  EXPECT_TRUE(no_selector.starts_with("t.toml:1:")) << no_selector;
  EXPECT_NE(no_selector.find("[dkim.\"example.org\"] has no `selector`"), std::string::npos)
      << no_selector;
  std::string no_key = parse_error("[dkim.\"example.org\"]\nselector = \"s\"\n");
  EXPECT_NE(no_key.find("has no `key_file`"), std::string::npos) << no_key;
  std::string entry = parse_error("[dkim.\"example.org\"]\nsignatures = [{selector = \"s\"}]\n");
  EXPECT_TRUE(entry.starts_with("t.toml:2:15: ")) << entry;
  EXPECT_NE(entry.find("has no `key_file`"), std::string::npos) << entry;
}

TEST_F(DkimConfigTest, UnknownKeysAndBadValues) {
  write_key("k.pem", DkimAlgorithm::ed25519_sha256);
  std::string unknown = parse_error("[dkim.\"example.org\"]\nselector = \"s\"\n"
                                    "key_file = \"k.pem\"\nselectr = \"x\"\n");
  EXPECT_EQ(unknown, "t.toml:4:1: unknown key `selectr` in [dkim.\"example.org\"] — did you mean "
                     "`selector`?");
  std::string canon = parse_error("[dkim.\"example.org\"]\nselector = \"s\"\n"
                                  "key_file = \"k.pem\"\ncanonicalization = \"loose/relaxed\"\n");
  EXPECT_TRUE(canon.starts_with("t.toml:4:20: [dkim.\"example.org\"] unknown canonicalization"))
      << canon;
  std::string no_from =
      parse_error("[dkim.\"example.org\"]\nselector = \"s\"\nkey_file = \"k.pem\"\n"
                  "headers = [\"to\", \"subject\"]\noversign = []\n");
  EXPECT_NE(no_from.find("from"), std::string::npos) << no_from;
  std::string both = parse_error("[dkim.\"example.org\"]\nselector = \"s\"\nkey_file = \"k.pem\"\n"
                                 "signatures = [{selector = \"t\", key_file = \"k.pem\"}]\n");
  EXPECT_NE(both.find("has both `signatures` and `selector`/`key_file`"), std::string::npos)
      << both;
  std::string signs_signatures =
      parse_error("[dkim.\"example.org\"]\nselector = \"s\"\nkey_file = \"k.pem\"\n"
                  "oversign = [\"from\", \"DKIM-Signature\"]\n");
  EXPECT_TRUE(signs_signatures.starts_with(
      "t.toml:4:21: [dkim.\"example.org\"] `oversign` lists dkim-signature"))
      << signs_signatures;
  std::string star = parse_error("[dkim.\"*\"]\nselector = \"s\"\nkey_file = \"k.pem\"\n");
  EXPECT_NE(star.find("\"*\" is not a signing domain"), std::string::npos) << star;
}

TEST(DkimDefaultConfig, HasNoDkimDomains) {
  EXPECT_TRUE(default_daemon_config().dkim.empty());
}

} // namespace
} // namespace volley::policy
