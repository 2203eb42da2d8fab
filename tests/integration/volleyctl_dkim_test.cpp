// volleyctl dkim keygen, in-process and offline: the key file is private (0600), loads as the right
// algorithm, and the printed TXT record's public key equals what `openssl pkey -pubout` derives
// from the file (an independent tool); existing files are kept without --force; bad arguments are
// exit 64. Never needs volleyd, never writes outside its temp dir.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tools/volleyctl_commands.hpp"

namespace volley::tools {
namespace {

namespace fs = std::filesystem;

struct KeygenRun {
  int status = 0;
  std::string out;
  std::string err;
};

KeygenRun volleyctl(std::vector<std::string> arguments) {
  VolleyctlEnvironment environment;
  environment.lookup = [](const char*) { return std::nullopt; };
  environment.exists = [](const std::string&) { return false; };
  std::ostringstream out, err;
  int status = run_volleyctl(arguments, environment, out, err);
  return {status, out.str(), err.str()};
}

std::string command_output(const std::string& command) {
  std::string text;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe)
    return text;
  std::array<char, 4096> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    text.append(buffer.data(), n);
  ::pclose(pipe);
  return text;
}

// The base64 SubjectPublicKeyInfo of a PEM private key, as openssl prints it.
std::string openssl_public_key_base64(const fs::path& key) {
  std::string pem = command_output("openssl pkey -in '" + key.string() + "' -pubout 2>/dev/null");
  std::string base64;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("-----", 0) != 0)
      base64 += line;
  return base64;
}

// The raw 32-byte Ed25519 key is the last 32 bytes of its 44-byte SubjectPublicKeyInfo.
std::string openssl_raw_ed25519_base64(const fs::path& key) {
  return command_output("openssl pkey -in '" + key.string() +
                        "' -pubout -outform DER 2>/dev/null | tail -c 32 | base64 -w0");
}

std::string p_tag(const std::string& out) {
  auto value_line = out.find("v=DKIM1;", out.find("one string"));
  EXPECT_NE(value_line, std::string::npos) << out;
  auto p = out.find("p=", value_line);
  auto end = out.find('\n', p);
  return out.substr(p + 2, end - p - 2);
}

class VolleyctlDkimTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("volleyctl-dkim-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

TEST_F(VolleyctlDkimTest, RsaKeyIsPrivateAndItsRecordMatchesOpenssl) {
  fs::path key = dir_ / "example.org.pem";
  KeygenRun run = volleyctl(
      {"dkim", "keygen", "--domain", "example.org", "--selector", "s2026", "--out", key.string()});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(mode_of(key), 0600u);
  EXPECT_NE(run.out.find("s2026._domainkey.example.org. IN TXT \"v=DKIM1; k=rsa; p="),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("2048 bits"), std::string::npos);
  std::string expected = openssl_public_key_base64(key);
  ASSERT_FALSE(expected.empty()) << "openssl could not read the key file";
  EXPECT_EQ(p_tag(run.out), expected);
  // A 2048-bit record is longer than one 255-byte DNS string: the zone form splits it.
  EXPECT_NE(run.out.find("\" \""), std::string::npos) << run.out;
}

TEST_F(VolleyctlDkimTest, Ed25519RecordHoldsTheRawPublicKey) {
  fs::path key = dir_ / "ed.pem";
  KeygenRun run = volleyctl({"dkim", "keygen", "--domain", "example.org", "--selector", "e1",
                             "--algorithm", "ed25519", "--out", key.string()});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(mode_of(key), 0600u);
  EXPECT_NE(run.out.find("k=ed25519;"), std::string::npos) << run.out;
  std::string expected = openssl_raw_ed25519_base64(key);
  ASSERT_EQ(expected.size(), 44u) << "openssl could not read the key file";
  EXPECT_EQ(p_tag(run.out), expected);
}

TEST_F(VolleyctlDkimTest, KeepsAnExistingFileUnlessForced) {
  fs::path key = dir_ / "taken.pem";
  std::ofstream(key) << "do not touch\n";
  KeygenRun run = volleyctl(
      {"dkim", "keygen", "--domain", "example.org", "--selector", "s", "--out", key.string()});
  EXPECT_EQ(run.status, 66);
  EXPECT_NE(run.err.find("already exists"), std::string::npos) << run.err;
  std::ifstream in(key);
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "do not touch");

  fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  run = volleyctl({"dkim", "keygen", "--domain", "example.org", "--selector", "s", "--out",
                   key.string(), "--force"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(mode_of(key), 0600u); // --force tightens a loose file
}

TEST_F(VolleyctlDkimTest, BadArgumentsAreUsageErrorsAndWriteNothing) {
  fs::path key = dir_ / "k.pem";
  auto keygen = [&](std::vector<std::string> extra) {
    std::vector<std::string> args{"dkim", "keygen", "--out", key.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return volleyctl(args);
  };
  EXPECT_EQ(keygen({"--domain", "ex ample.org", "--selector", "s"}).status, 64);
  EXPECT_EQ(keygen({"--domain", "example.org", "--selector", "s;x"}).status, 64);
  EXPECT_EQ(keygen({"--domain", "example.org", "--selector", "s", "--algorithm", "dsa"}).status,
            64);
  EXPECT_EQ(keygen({"--domain", "example.org", "--selector", "s", "--bits", "512"}).status, 64);
  EXPECT_EQ(keygen({"--domain", "example.org", "--selector", "s", "--algorithm", "ed25519",
                    "--bits", "2048"})
                .status,
            64);
  EXPECT_EQ(volleyctl({"dkim", "keygen", "--domain", "example.org", "--selector", "s"}).status,
            64); // --out is required
  EXPECT_FALSE(fs::exists(key));
}

} // namespace
} // namespace volley::tools
