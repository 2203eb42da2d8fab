// End-to-end DKIM signing: volleyd with [dkim] dual signing (rsa-sha256 + ed25519-sha256, keys made
// by the test, mode 0600) delivers a static and a personalised campaign to aiosmtpd; every received
// message must verify with dkimpy for both signatures (public keys served by a dnsfunc from our TXT
// records, no DNS) and with OpenDKIM's opendkim-testmsg, whole and one signature at a time (DNS
// from dnsmasq inside a private namespace, tests/support/opendkim_testmsg.hpp); tampered copies
// must not (negative control). An rsa-only config verifies with both as well, a From domain without
// [dkim] goes out unsigned, and a key file readable by others stops volleyd at start. Loopback
// only; skipped without dkimpy (python3-dkim + python3-nacl), the OpenDKIM parts without
// opendkim-testmsg/dnsmasq/unshare. Never asserts on timing.
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
#include "support/opendkim_testmsg.hpp"
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

// Campaign messages carry a Date field: opendkim-testmsg rejects a message without one (volleyd
// does not add it) as "dkim_chunk(): Syntax error" before looking at any signature.
const std::string kDate = "Date: Mon, 30 Nov 2026 09:00:00 +0000\r\n";
const std::string kStatic = kDate + simple_message();
const std::string kPersonalised = "From: News <news@sender.test>\r\n" + kDate +
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

std::string dkim_headers(const std::string& message) {
  std::string out;
  for (const std::string& field : leading_dkim_signature_fields(message))
    out += field;
  return out;
}

// The h= tag of one DKIM-Signature field, lower-cased, without folding whitespace.
std::string signed_header_list(const std::string& field) {
  std::string compact;
  for (char c : field.substr(field.find(':') + 1))
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
      compact += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  std::size_t at = compact.find(";h=");
  if (at == std::string::npos)
    return compact.starts_with("h=") ? compact.substr(2, compact.find(';') - 2) : "";
  return compact.substr(at + 3, compact.find(';', at + 3) - at - 3);
}

std::string with_body_changed(std::string message) {
  message.insert(message.find("\r\n\r\n") + 4, "X");
  return message;
}

std::string body_hash_of(const std::string& signature) {
  std::size_t at = signature.find("bh=");
  return at == std::string::npos ? "" : signature.substr(at, signature.find(';', at) - at);
}

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

  std::string rsa_only_toml() const {
    return "[dkim.\"sender.test\"]\nsignatures = [{selector = \"r2026\", key_file = \"" +
           rsa_.path + "\"}]\n";
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

  // opendkim-testmsg's verdict per message, keys served by dnsmasq in a private namespace.
  std::vector<OpendkimVerdict> opendkim_verify(const std::vector<std::string>& messages) {
    std::vector<std::string> files;
    for (const std::string& message : messages)
      files.push_back(dir_.write("m" + std::to_string(counter_++) + ".eml", message));
    OpendkimRun run = run_opendkim_testmsg(
        dir_.path(),
        {{"r2026._domainkey.sender.test", rsa_.txt}, {"e2026._domainkey.sender.test", ed_.txt}},
        files);
    EXPECT_EQ(run.problem, "");
    return run.verdicts;
  }

  // OpenDKIM on delivered messages, each whole and each signature alone (opendkim-testmsg passes
  // when ANY signature verifies); `algorithms`: the a= of each DKIM-Signature field, top down. A
  // body change must fail every signature with "Bad signature" (key found, signature checked).
  void expect_opendkim_verifies(const std::vector<std::string>& messages,
                                const std::vector<std::string>& algorithms) {
    std::vector<std::string> inputs, names, tampered;
    for (std::size_t m = 0; m < messages.size(); ++m) {
      const std::vector<std::string> fields = leading_dkim_signature_fields(messages[m]);
      ASSERT_EQ(fields.size(), algorithms.size()) << messages[m];
      const std::vector<std::string> copies = copies_with_one_signature(messages[m]);
      const std::string name = "message " + std::to_string(m);
      inputs.push_back(messages[m]);
      names.push_back(name);
      for (std::size_t i = 0; i < fields.size(); ++i) {
        EXPECT_NE(fields[i].find("a=" + algorithms[i]), std::string::npos) << fields[i];
        // Dropping the other fields leaves this one intact only while no h= lists DKIM-Signature.
        EXPECT_EQ(signed_header_list(fields[i]).find("dkim-signature"), std::string::npos)
            << fields[i];
        if (fields.size() > 1) {
          inputs.push_back(copies[i]);
          names.push_back(name + ", " + algorithms[i] + " signature alone");
        }
      }
      tampered.push_back(with_body_changed(messages[m]));
    }
    const std::vector<OpendkimVerdict> verdicts = opendkim_verify(inputs);
    for (std::size_t i = 0; i < inputs.size(); ++i)
      EXPECT_EQ(verdicts[i].exit_code, 0) << names[i] << ": " << verdicts[i].output << inputs[i];
    const std::vector<OpendkimVerdict> failed = opendkim_verify(tampered);
    for (std::size_t i = 0; i < tampered.size(); ++i) {
      EXPECT_NE(failed[i].exit_code, 0) << "tampered message " << i;
      EXPECT_NE(failed[i].output.find("Bad signature"), std::string::npos)
          << "tampered message " << i << ": " << failed[i].output;
    }
  }

  TempDir dir_;
  KeyFile rsa_, ed_;
  std::string records_, script_;
  int counter_ = 0;
};

TEST_F(DkimSigningTest,
       StaticAndPersonalisedCampaignsVerifyWithDkimpyAndOpendkimForBothSignatures) {
  AiosmtpdServer server;
  server.start();
  VolleydSettings settings;
  settings.durable = false;
  // VERP and every added header field on: they are added before signing, so they are signed.
  settings.delivery_toml =
      delivery_toml_to(server.address(), "max_recipients_per_transaction = 1\n",
                       "[verp]\nenabled = true\n[headers]\nfeedback_id_sender = \"volley\"\n") +
      dkim_toml(rsa_.path);
  VolleydProcess daemon(settings);
  daemon.start();
  auto client = daemon.client();

  ASSERT_EQ(create_campaign(client, "static", numbered_recipients(3, "static.test"), kStatic), 3u);
  boost::json::array list;
  for (const char* name : {"Ann", "Bo", "Cyrille"}) {
    list.push_back(boost::json::object{{"to", std::string(name) + "@personal.test"},
                                       {"vars", boost::json::object{{"name", name}}}});
  }
  boost::json::object body{{"id", "personal"},
                           {"from", "news@sender.test"},
                           {"message", kPersonalised},
                           {"unsubscribe_url", "https://crm.test/u/{{name}}"},
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
    // The added fields are there, and signed (List-Unsubscribe oversigned: listed twice).
    std::vector<std::string> fields{"List-Unsubscribe: <mailto:unsubscribe-", "Message-ID: <",
                                    "Feedback-ID: ", "Date: "};
    if (record.rcpts[0].ends_with("@personal.test")) // an https URL: one-click too
      fields.push_back("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    for (const std::string& field : fields)
      EXPECT_NE(record.data.find("\r\n" + field), std::string::npos) << field << record.data;
    EXPECT_NE(signatures.find("list-unsubscribe:list-unsubscribe"), std::string::npos)
        << signatures;
    EXPECT_TRUE(record.mail_from.starts_with("bounce-")) << record.mail_from;
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

  // The same delivered messages through OpenDKIM.
  if (const std::string why = opendkim_testmsg_unavailable(); !why.empty())
    GTEST_SKIP() << "dkimpy checks ran; OpenDKIM checks skipped: " << why;
  expect_opendkim_verifies(messages, {"rsa-sha256", "ed25519-sha256"});
}

TEST_F(DkimSigningTest, RsaOnlyStaticCampaignVerifiesWithOpendkimAndDkimpy) {
  if (const std::string why = opendkim_testmsg_unavailable(); !why.empty())
    GTEST_SKIP() << why;
  AiosmtpdServer server;
  server.start();
  VolleydSettings settings;
  settings.durable = false;
  settings.delivery_toml =
      delivery_toml_to(server.address(), "max_recipients_per_transaction = 1\n") + rsa_only_toml();
  VolleydProcess daemon(settings);
  daemon.start();
  auto client = daemon.client();
  ASSERT_EQ(create_campaign(client, "static", numbered_recipients(2, "static.test"), kStatic), 2u);
  ASSERT_TRUE(server.wait_for_records(2, seconds(60))) << daemon.log();

  std::vector<std::string> messages;
  for (const AiosmtpdRecord& record : server.records())
    messages.push_back(record.data);
  ASSERT_EQ(messages.size(), 2u);
  expect_opendkim_verifies(messages, {"rsa-sha256"});
  for (const std::string& verdict : verify(messages))
    EXPECT_EQ(verdict, "1 pass");
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
  EXPECT_NE(record.data.find("From: Other <news@other.test>\r\n"), std::string::npos)
      << record.data;
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
