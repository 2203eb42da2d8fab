// Independent verification with dkimpy (Debian python3-dkim, run by /usr/bin/python3): every
// awkward message signed with rsa-sha256 and ed25519-sha256, simple and relaxed, and dual-signed,
// must verify; tampered copies must fail (negative control). The public keys are served by a
// dnsfunc reading our TXT records, so no DNS is used. Skipped when dkimpy is not installed.
#include <gtest/gtest.h>

#include <ctime>
#include <sstream>
#include <string>

#include "tests/protocol/dkim_test_support.hpp"

namespace volley::protocol {
namespace {

using namespace dkim_test;

class DkimDkimpyVerifyTest : public testing::Test {
protected:
  void SetUp() override {
    if (run_command(std::string(kPython) + " -c 'import dkim, nacl'").exit_code != 0)
      GTEST_SKIP() << "python3-dkim (with python3-nacl) is not installed";
    ASSERT_TRUE(rsa_key().key && ed25519_key().key);
    records_ =
        dir_.write("records.tsv", "rsa._domainkey.example.com\t" + rsa_key().key->dns_txt_record() +
                                      "\n" + "ed._domainkey.example.com\t" +
                                      ed25519_key().key->dns_txt_record() + "\n");
    script_ = dir_.write("verify.py", kDkimpyVerifyScript);
  }

  // Verifies the files and returns, per file, "<signature count> pass|fail...".
  std::vector<std::string> verify(const std::vector<std::string>& files) {
    std::string command = std::string(kPython) + " " + script_ + " " + records_;
    for (const std::string& file : files)
      command += " " + file;
    const CommandResult result = run_command(command);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::vector<std::string> verdicts;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);)
      if (line.starts_with(dir_.path().string()))
        verdicts.push_back(line.substr(line.find(' ') + 1));
    EXPECT_EQ(verdicts.size(), files.size()) << result.output;
    verdicts.resize(files.size());
    return verdicts;
  }

  TempDir dir_;
  std::string records_;
  std::string script_;
};

TEST_F(DkimDkimpyVerifyTest, EveryAwkwardMessageVerifiesForEveryAlgorithmAndCanonicalization) {
  const std::vector<SignedCase> cases = signed_cases(std::time(nullptr));
  std::vector<std::string> files;
  for (std::size_t i = 0; i < cases.size(); ++i)
    files.push_back(dir_.write("case" + std::to_string(i) + ".eml", cases[i].message));
  const std::vector<std::string> verdicts = verify(files);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const std::string expected =
        cases[i].signatures == 1 ? "1 pass" : std::to_string(cases[i].signatures) + " pass pass";
    EXPECT_EQ(verdicts[i], expected) << cases[i].name << "\n" << cases[i].message.substr(0, 1500);
  }
}

TEST_F(DkimDkimpyVerifyTest, TamperedMessagesFailForBothAlgorithms) {
  const std::vector<SignedCase> cases = signed_cases(std::time(nullptr));
  std::vector<std::string> files;
  std::vector<std::string> names;
  for (const SignedCase& signed_case : cases) {
    if (!signed_case.name.ends_with("/plain") && !signed_case.name.ends_with("/utf8_headers"))
      continue;
    for (const auto& [how, message] : tampered(signed_case.message)) {
      names.push_back(signed_case.name + "/" + how);
      files.push_back(dir_.write("bad" + std::to_string(files.size()) + ".eml", message));
    }
  }
  ASSERT_EQ(files.size(), 6u * 2u * 3u);
  const std::vector<std::string> verdicts = verify(files);
  for (std::size_t i = 0; i < files.size(); ++i)
    EXPECT_EQ(verdicts[i].find("pass"), std::string::npos) << names[i] << ": " << verdicts[i];
}

} // namespace
} // namespace volley::protocol
