// [submission]: defaults (off, loopback rules), values read (tags, return_path, users file with
// relative paths), and every refusal with file:line:column and what to set — above all a
// non-loopback listen address without TLS certificate and users file, or with require_auth off.
// Writes files only inside a fresh temporary directory; no network.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "protocol/password_hash.hpp"
#include "tests/policy/config_parsing.hpp"

namespace volley::policy {
namespace {

namespace fs = std::filesystem;
using config_test::parse_error;
using config_test::parse_ok;

std::string hash_line(const std::string& user, const std::string& password) {
  return user + ":" +
         protocol::format_password_hash(
             protocol::make_password_hash(password, "0123456789abcdef", 1000));
}

class SubmissionConfigTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "volley-submitcfg-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_file(const std::string& name, const std::string& text, mode_t mode = 0600) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path.string();
  }
  std::string error_of(const std::string& text) {
    auto config = parse_daemon_config(text, "t.toml", dir_.string());
    EXPECT_FALSE(config.ok()) << text;
    return config.ok() ? "" : config.error().message;
  }

  fs::path dir_;
};

TEST(SubmissionConfig, OffByDefault) {
  DaemonConfig config = default_daemon_config();
  EXPECT_EQ(config.submission.listen, "");
  EXPECT_EQ(config.submission.max_message_size, config.limits.max_message_size);
  EXPECT_EQ(config.submission.return_path, SubmissionReturnPath::automatic);
  EXPECT_FALSE(config.submission.require_auth);
  EXPECT_TRUE(config.submission.tags.empty());
}

TEST(SubmissionConfig, LoopbackListenerNeedsNoAuthAndReadsEveryValue) {
  DaemonConfig config =
      parse_ok("[limits]\nmax_message_size = \"20MiB\"\n[control]\nmax_request_size = \"64MiB\"\n"
               "[submission]\nlisten = \"127.0.0.1:2587\"\nhostname = \"submit.example\"\n"
               "max_recipients = 50\nmax_connections = 7\nmax_messages_per_minute = 120\n"
               "idle_timeout = \"30s\"\nreturn_path = \"keep\"\ntags = {source = \"smtp\", "
               "tenant = \"acme\"}\n");
  const SubmissionConfig& s = config.submission;
  EXPECT_EQ(s.listen, "127.0.0.1:2587");
  EXPECT_EQ(s.hostname, "submit.example");
  EXPECT_EQ(s.max_message_size, 20u << 20); // limits.max_message_size
  EXPECT_EQ(s.max_recipients, 50u);
  EXPECT_EQ(s.max_connections, 7u);
  EXPECT_EQ(s.max_messages_per_minute, 120u);
  EXPECT_EQ(s.idle_timeout_s, 30);
  EXPECT_FALSE(s.require_auth);
  EXPECT_EQ(s.return_path, SubmissionReturnPath::keep);
  EXPECT_EQ(s.tags, (std::vector<std::pair<std::string, std::string>>{{"source", "smtp"},
                                                                      {"tenant", "acme"}}));
  DaemonConfig sized = parse_ok("[submission]\nlisten = \"[::1]:2587\"\nmax_message_size = "
                                "\"1MiB\"\nreturn_path = \"verp\"\n[submission.tags]\na = \"b\"\n");
  EXPECT_EQ(sized.submission.max_message_size, 1u << 20);
  EXPECT_EQ(sized.submission.return_path, SubmissionReturnPath::verp);
  EXPECT_EQ(sized.submission.tags.size(), 1u);
}

TEST_F(SubmissionConfigTest, NonLoopbackListenWithoutTlsAndUsersIsRefusedSayingWhatToSet) {
  const std::string error = error_of("[submission]\nlisten = \"0.0.0.0:587\"\n");
  EXPECT_TRUE(error.starts_with("t.toml:2:10: `submission.listen` = \"0.0.0.0:587\" is not a "
                                "loopback address, so STARTTLS and AUTH are required, but "
                                "tls_cert_file and tls_key_file and users_file are not set"))
      << error;
  EXPECT_NE(error.find("set tls_cert_file and tls_key_file"), std::string::npos) << error;
  const std::string cert = write_file("cert.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string key = write_file("key.pem", "-----BEGIN PRIVATE KEY-----\n");
  const std::string no_users =
      error_of("[submission]\nlisten = \"192.0.2.1:587\"\n"
               "tls_cert_file = \"cert.pem\"\ntls_key_file = \"key.pem\"\n");
  EXPECT_NE(no_users.find("but users_file is not set"), std::string::npos) << no_users;
}

TEST_F(SubmissionConfigTest, NonLoopbackListenerWithTlsAndUsersRequiresAuth) {
  write_file("cert.pem", "x");
  write_file("key.pem", "x");
  write_file("users", "# CRM accounts\n\n" + hash_line("civicrm", "s3cret") + "\r\n" +
                          hash_line("espo", "other") + "\n");
  auto config = parse_daemon_config("[submission]\nlisten = \"0.0.0.0:587\"\n"
                                    "tls_cert_file = \"cert.pem\"\ntls_key_file = \"key.pem\"\n"
                                    "users_file = \"users\"\n",
                                    "t.toml", dir_.string());
  ASSERT_TRUE(config.ok()) << config.error().message;
  const SubmissionConfig& s = config->submission;
  EXPECT_TRUE(s.require_auth);
  EXPECT_EQ(s.tls_cert_file, (dir_ / "cert.pem").string());
  EXPECT_EQ(s.users_file, (dir_ / "users").string());
  ASSERT_EQ(s.users.size(), 2u);
  EXPECT_EQ(s.users[0].name, "civicrm");
  EXPECT_TRUE(protocol::verify_password(s.users[0].hash, "s3cret"));
  EXPECT_EQ(s.users[1].name, "espo");

  const std::string open_relay =
      error_of("[submission]\nlisten = \"0.0.0.0:587\"\ntls_cert_file = \"cert.pem\"\n"
               "tls_key_file = \"key.pem\"\nusers_file = \"users\"\nrequire_auth = false\n");
  EXPECT_TRUE(open_relay.starts_with("t.toml:6:16: `submission.require_auth` = false on the "
                                     "non-loopback address \"0.0.0.0:587\" would make Volley an "
                                     "open relay"))
      << open_relay;
}

TEST_F(SubmissionConfigTest, BadUsersFilesAreRefusedWithTheirLine) {
  write_file("users", hash_line("crm", "pw") + "\n" + hash_line("crm", "again") + "\n");
  std::string error =
      error_of("[submission]\nlisten = \"127.0.0.1:2587\"\nusers_file = \"users\"\n");
  EXPECT_TRUE(error.starts_with("t.toml:3:14: submission users file " + (dir_ / "users").string() +
                                ":2: user \"crm\" appears twice"))
      << error;
  write_file("users", "crm:plaintext\n");
  error = error_of("[submission]\nlisten = \"127.0.0.1:2587\"\nusers_file = \"users\"\n");
  EXPECT_NE(error.find(":1: user \"crm\": the hash does not have four $-separated fields"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("volley-passwd crm"), std::string::npos) << error;
  write_file("users", hash_line("crm", "pw") + "\n", 0644);
  error = error_of("[submission]\nlisten = \"127.0.0.1:2587\"\nusers_file = \"users\"\n");
  EXPECT_NE(error.find("has mode 0644"), std::string::npos) << error;
  error = error_of("[submission]\nlisten = \"127.0.0.1:2587\"\nusers_file = \"missing\"\n");
  EXPECT_NE(error.find("cannot read submission users file"), std::string::npos) << error;
  error = error_of("[submission]\nlisten = \"127.0.0.1:2587\"\nrequire_auth = true\n");
  EXPECT_TRUE(error.starts_with("t.toml:3:16: the submission listener requires AUTH but "
                                "`submission.users_file` is not set"))
      << error;
}

TEST_F(SubmissionConfigTest, OtherBadValuesAreRefusedWithWhereAndWhat) {
  EXPECT_TRUE(error_of("[submission]\nlisten = \"mail.example:587\"\n")
                  .starts_with("t.toml:2:10: `submission.listen` = \"mail.example:587\" is not an "
                               "IP address and port"));
  EXPECT_TRUE(error_of("[submission]\nlisten = \"127.0.0.1\"\n").starts_with("t.toml:2:10:"));
  EXPECT_TRUE(error_of("[submission]\nreturn_path = \"kept\"\n")
                  .starts_with("t.toml:2:15: `submission.return_path` = \"kept\" is not a known "
                               "mode"));
  EXPECT_TRUE(error_of("[submission]\nmax_message_size = 10\n").starts_with("t.toml:2:20:"));
  EXPECT_TRUE(error_of("[submission]\nmax_recipients = 0\n").starts_with("t.toml:2:18:"));
  EXPECT_TRUE(error_of("[submission]\nidle_timeout = \"2h\"\n").starts_with("t.toml:2:16:"));
  EXPECT_TRUE(error_of("[submission]\ntags = {source = 1}\n").starts_with("t.toml:2:"));
  write_file("cert.pem", "x");
  std::string alone = error_of("[submission]\nlisten = \"127.0.0.1:2587\"\n"
                               "tls_cert_file = \"cert.pem\"\n");
  EXPECT_TRUE(alone.starts_with("t.toml:3:17: `submission.tls_cert_file` is set alone")) << alone;
  std::string missing = error_of("[submission]\nlisten = \"127.0.0.1:2587\"\n"
                                 "tls_cert_file = \"nope.pem\"\ntls_key_file = \"cert.pem\"\n");
  EXPECT_NE(missing.find("nope.pem is not a readable file"), std::string::npos) << missing;
  std::string typo = error_of("[submission]\nlisen = \"127.0.0.1:2587\"\n");
  EXPECT_NE(typo.find("did you mean `listen`?"), std::string::npos) << typo;
}

} // namespace
} // namespace volley::policy
