// End-to-end DKIM signing: volleyd with [dkim] dual signing (rsa-sha256 + ed25519-sha256, keys made
// by the test, mode 0600) delivers a static and a personalised campaign to aiosmtpd; every received
// message must verify with dkimpy for both signatures (public keys served by a dnsfunc from our TXT
// records, no DNS), a tampered copy must not (negative control), a From domain without [dkim] goes
// out unsigned, and a key file readable by others stops volleyd at start. Loopback only; skipped
// without dkimpy (python3-dkim + python3-nacl). Never asserts on timing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "protocol/dkim_key.hpp"
#include "support/aiosmtpd_server.hpp"
#include "support/volleyd_process.hpp"
#include "tests/protocol/dkim_test_support.hpp"

namespace volley::testing_support {
namespace {

using protocol::DkimAlgorithm;
using protocol::dkim_test::kDkimpyVerifyScript;
using protocol::dkim_test::kPython;
using protocol::dkim_test::run_command;
using protocol::dkim_test::TempDir;
using std::chrono::seconds;

const std::string kPersonalised = "From: News <news@sender.test>\r\n"
                                  "To: {{name}} <reader@example.test>\r\n"
                                  "Subject: Hello {{name}}\r\n"
                                  "MIME-Version: 1.0\r\n"
                                  "Content-Type: text/plain; charset=utf-8\r\n"
                                  "\r\n"
                                  "Dear {{name}},\r\n"
                                  ".a line with a leading dot\r\n";

struct KeyFile {
  std::string path;
  std::string txt; // the DNS TXT record value
};

class DkimSigningTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (run_command(std::string(kPython) + " -c 'import dkim, nacl'").exit_code != 0)
      GTEST_SKIP() << "python3-dkim (with python3-nacl) is not installed";
    rsa_ = write_key("rsa.pem", DkimAlgorithm::rsa_sha256, 0600);
    ed_ = write_key("ed25519.pem", DkimAlgorithm::ed25519_sha256, 0600);
    records_ = dir_.write("records.tsv", "r2026._domainkey.sender.test\t" + rsa_.txt + "\n" +
                                             "e2026._domainkey.sender.test\t" + ed_.txt + "\n");
    script_ = dir_.write("verify.py", kDkimpyVerifyScript);
  }

  KeyFile write_key(const std::string& name, DkimAlgorithm algorithm, mode_t mode) {
    auto pem = protocol::generate_dkim_key(algorithm, 2048);
    EXPECT_TRUE(pem.ok());
    if (!pem.ok())
      return {};
    auto key = protocol::DkimKey::from_pem(*pem);
    EXPECT_TRUE(key.ok());
    std::string path = dir_.write(name, *pem);
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return {path, key.ok() ? key->dns_txt_record() : ""};
  }

  std::string dkim_toml(const std::string& rsa_path) const {
    return "[dkim.\"sender.test\"]\nsignatures = [{selector = \"r2026\", key_file = \"" + rsa_path +
           "\"}, {selector = \"e2026\", key_file = \"" + ed_.path + "\"}]\n";
  }

  // One verdict per message: "<signature count> pass|fail...".
  std::vector<std::string> verify(const std::vector<std::string>& messages) {
    std::string command = std::string(kPython) + " " + script_ + " " + records_;
    std::vector<std::string> files;
    for (const std::string& message : messages) {
      files.push_back(dir_.write("m" + std::to_string(counter_++) + ".eml", message));
      command += " " + files.back();
    }
    auto result = run_command(command);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    std::map<std::string, std::string> by_file;
    std::istringstream lines(result.output);
    for (std::string line; std::getline(lines, line);) {
      std::size_t space = line.find(' ');
      if (space != std::string::npos)
        by_file[line.substr(0, space)] = line.substr(space + 1);
    }
    std::vector<std::string> verdicts;
    for (const std::string& file : files)
      verdicts.push_back(by_file.count(file) ? by_file[file] : "missing: " + result.output);
    return verdicts;
  }

  TempDir dir_;
  KeyFile rsa_, ed_;
  std::string records_, script_;
  int counter_ = 0;
};

std::string dkim_headers(const std::string& message) {
  std::string out;
  std::size_t at = 0;
  while (message.compare(at, 15, "DKIM-Signature:") == 0) {
    std::size_t end = at;
    do
      end = message.find("\r\n", end) + 2;
    while (end < message.size() && (message[end] == ' ' || message[end] == '\t'));
    out += message.substr(at, end - at);
    at = end;
  }
  return out;
}

std::string with_body_changed(std::string message) {
  message.insert(message.find("\r\n\r\n") + 4, "X");
  return message;
}

std::string body_hash_of(const std::string& signature) {
  std::size_t at = signature.find("bh=");
  return at == std::string::npos ? "" : signature.substr(at, signature.find(';', at) - at);
}

TEST_F(DkimSigningTest, StaticAndPersonalisedCampaignsVerifyWithDkimpyForBothSignatures) {
  AiosmtpdServer server;
  server.start();
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml =
      delivery_toml_to(server.address(), "max_recipients_per_transaction = 1\n") +
      dkim_toml(rsa_.path);
  VolleydProcess daemon(settings);
  daemon.start();
  auto client = daemon.client();

  ASSERT_EQ(create_campaign(client, "static", numbered_recipients(3, "static.test")), 3u);
  boost::json::array list;
  for (const char* name : {"Ann", "Bo", "Cyrille"}) {
    list.push_back(boost::json::object{{"to", std::string(name) + "@personal.test"},
                                       {"vars", boost::json::object{{"name", name}}}});
  }
  boost::json::object body{{"id", "personal"},
                           {"from", "news@sender.test"},
                           {"message", kPersonalised},
                           {"recipients", list}};
  auto answer = client.request("POST", "/v1/campaigns", boost::json::serialize(body));
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->status, 202) << answer->body;
  ASSERT_TRUE(server.wait_for_records(6, seconds(60))) << daemon.log();

  std::vector<std::string> messages, static_signatures, personal_signatures;
  for (const AiosmtpdRecord& record : server.records()) {
    ASSERT_EQ(record.rcpts.size(), 1u);
    messages.push_back(record.data);
    std::string signatures = dkim_headers(record.data);
    EXPECT_NE(signatures.find("a=rsa-sha256"), std::string::npos) << record.data;
    EXPECT_NE(signatures.find("a=ed25519-sha256"), std::string::npos) << record.data;
    EXPECT_NE(signatures.find("c=relaxed/relaxed"), std::string::npos) << signatures;
    // Signed before dot-stuffing: the peer gets the lines back unstuffed, as signed.
    EXPECT_TRUE(record.data.find("\r\n.a line with a leading dot\r\n") != std::string::npos ||
                record.data.find("\r\n.leading dot\r\n") != std::string::npos)
        << record.data;
    (record.rcpts[0].ends_with("@static.test") ? static_signatures : personal_signatures)
        .push_back(signatures);
  }
  ASSERT_EQ(static_signatures.size(), 3u);
  ASSERT_EQ(personal_signatures.size(), 3u);
  // Static: signed once for the campaign, so every copy carries the same signatures.
  EXPECT_EQ(static_signatures[1], static_signatures[0]);
  EXPECT_EQ(static_signatures[2], static_signatures[0]);
  // Personalised: each body differs, so each copy has its own body hash.
  EXPECT_NE(body_hash_of(personal_signatures[0]), body_hash_of(personal_signatures[1]));

  for (const std::string& verdict : verify(messages))
    EXPECT_EQ(verdict, "2 pass pass");
  // Negative control: the same messages with one body byte added must fail both signatures.
  std::vector<std::string> tampered;
  for (const std::string& message : messages)
    tampered.push_back(with_body_changed(message));
  for (const std::string& verdict : verify(tampered))
    EXPECT_EQ(verdict, "2 fail fail");
}

TEST_F(DkimSigningTest, FromDomainWithoutDkimEntryIsSentUnsigned) {
  AiosmtpdServer server;
  server.start();
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml = delivery_toml_to(server.address()) + dkim_toml(rsa_.path);
  VolleydProcess daemon(settings);
  daemon.start();
  auto client = daemon.client();
  std::string message = "From: Other <news@other.test>\r\nTo: you@example.test\r\n"
                        "Subject: unsigned\r\n\r\nHello.\r\n";
  ASSERT_EQ(create_campaign(client, "other", {"a@example.test"}, message, "news@other.test"), 1u);
  ASSERT_TRUE(server.wait_for_records(1, seconds(60))) << daemon.log();
  const AiosmtpdRecord record = server.records().at(0);
  EXPECT_EQ(record.data.find("DKIM-Signature"), std::string::npos) << record.data;
  EXPECT_TRUE(record.data.starts_with("From: Other <news@other.test>\r\n")) << record.data;
  EXPECT_NE(daemon.log().find("no [dkim] entry for From domain other.test"), std::string::npos)
      << daemon.log();
}

TEST_F(DkimSigningTest, KeyFileReadableByOthersStopsStartAndCheckConfig) {
  ASSERT_EQ(::chmod(rsa_.path.c_str(), 0644), 0);
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml = delivery_toml_to("127.0.0.1:9") + dkim_toml(rsa_.path);
  VolleydProcess daemon(settings);
  std::string failure;
  try {
    daemon.start();
  } catch (const std::runtime_error& e) {
    failure = e.what();
  }
  EXPECT_NE(failure.find("DKIM key file " + rsa_.path + " has mode 0644"), std::string::npos)
      << failure;
  EXPECT_NE(failure.find("chmod 600 " + rsa_.path), std::string::npos) << failure;
  EXPECT_FALSE(daemon.running());

  auto check = run_command(volleyd_path() + " --check-config --config " +
                           (daemon.dir() / "volleyd.toml").string());
  EXPECT_EQ(check.exit_code, 78) << check.output;
  EXPECT_NE(check.output.find("volleyd.toml:"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("chmod 600 " + rsa_.path), std::string::npos) << check.output;
}

} // namespace
} // namespace volley::testing_support
