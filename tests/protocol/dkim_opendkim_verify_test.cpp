// Independent verification with OpenDKIM's opendkim-testmsg of messages signed by the
// protocol-level signer: every awkward message for both algorithms and canonicalizations, each
// signature of a dual-signed message also on its own; tampered copies must fail for the expected
// reason. The namespace + dnsmasq machinery is in tests/support/opendkim_testmsg.hpp. Skipped when
// the tools or the namespace privilege are missing; must never reach the host's DNS or network.
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "support/opendkim_testmsg.hpp"
#include "tests/protocol/dkim_test_support.hpp"

namespace volley::protocol {
namespace {

using namespace dkim_test;
using testing_support::copies_with_one_signature;
using testing_support::OpendkimRun;

class DkimOpendkimVerifyTest : public testing::Test {
protected:
  void SetUp() override {
    if (const std::string why = testing_support::opendkim_testmsg_unavailable(); !why.empty())
      GTEST_SKIP() << why;
    ASSERT_TRUE(rsa_key().key && ed25519_key().key);
  }

  OpendkimRun verify(const std::vector<std::string>& files) {
    OpendkimRun run = testing_support::run_opendkim_testmsg(
        dir_.path(),
        {{"rsa._domainkey.example.com", rsa_key().key->dns_txt_record()},
         {"ed._domainkey.example.com", ed25519_key().key->dns_txt_record()}},
        files);
    EXPECT_EQ(run.problem, "");
    return run;
  }

  TempDir dir_;
};

TEST_F(DkimOpendkimVerifyTest, EveryAwkwardMessageVerifiesForEveryAlgorithmAndCanonicalization) {
  const std::vector<SignedCase> cases = signed_cases(std::time(nullptr));
  std::vector<std::string> files;
  std::vector<std::string> names;
  for (const SignedCase& signed_case : cases) {
    names.push_back(signed_case.name);
    files.push_back(
        dir_.write("case" + std::to_string(files.size()) + ".eml", signed_case.message));
    if (signed_case.signatures < 2)
      continue;
    // opendkim-testmsg passes when ANY signature verifies: check each one alone as well.
    const std::vector<std::string> copies = copies_with_one_signature(signed_case.message);
    ASSERT_EQ(copies.size(), 2u) << signed_case.name;
    for (std::size_t i = 0; i < copies.size(); ++i) {
      names.push_back(signed_case.name + "/signature" + std::to_string(i));
      files.push_back(dir_.write("case" + std::to_string(files.size()) + ".eml", copies[i]));
    }
  }
  const OpendkimRun run = verify(files);
  for (std::size_t i = 0; i < files.size(); ++i)
    EXPECT_EQ(run.verdicts[i].exit_code, 0) << names[i] << ": " << run.verdicts[i].output;
}

TEST_F(DkimOpendkimVerifyTest, TamperedMessagesFailForBothAlgorithms) {
  const std::vector<SignedCase> cases = signed_cases(std::time(nullptr));
  std::vector<std::string> files;
  std::vector<std::string> names;
  std::vector<std::string> reasons;
  for (const SignedCase& signed_case : cases) {
    if (signed_case.signatures != 1 || !signed_case.name.ends_with("/plain"))
      continue;
    for (const auto& [how, message] : tampered(signed_case.message)) {
      names.push_back(signed_case.name + "/" + how);
      files.push_back(dir_.write("bad" + std::to_string(files.size()) + ".eml", message));
      // libopendkim refuses a second From as a syntax error before checking any signature (the
      // oversigning that catches it is checked with dkimpy); the others must reach the signature
      // check with the key found, i.e. not fail on DNS.
      reasons.push_back(how == "from_added" ? "Syntax error" : "Bad signature");
    }
  }
  ASSERT_EQ(files.size(), 4u * 3u);
  const OpendkimRun run = verify(files);
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_NE(run.verdicts[i].exit_code, 0) << names[i];
    EXPECT_NE(run.verdicts[i].exit_code, -1) << names[i] << " was not checked";
    EXPECT_NE(run.verdicts[i].output.find(reasons[i]), std::string::npos)
        << names[i] << ": " << run.verdicts[i].output;
  }
}

} // namespace
} // namespace volley::protocol
