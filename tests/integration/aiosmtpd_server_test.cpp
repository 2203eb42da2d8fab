// Integration tests of the AiosmtpdServer test peer: Python smtplib and Postfix's smtp-source send
// to the aiosmtpd recorder on loopback; its records must hold exactly what was sent, and its reply
// rules must answer as configured. Never connects anywhere but 127.0.0.1; every wait is bounded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "support/aiosmtpd_server.hpp"
#include "support/captured_command.hpp"
#include "support/smtp_sink_process.hpp"

namespace volley::testing_support {
namespace {

// A smtplib client: three transactions on one connection; prints the refused recipients and the
// final reply codes so the test can check what the client saw.
constexpr const char* kSmtplibClient = R"PY(
import smtplib, ssl, sys
client = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20)
if len(sys.argv) > 2:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    client.starttls(context=context)
client.ehlo("client.volley.test")
refused = client.sendmail("news@volley.test", ["ann@a.test", "unknown@a.test", "bob@b.test"],
                          "Subject: one\r\n\r\n.leading dot\r\nline two\r\n")
print("refused", sorted(refused))
try:
    client.sendmail("news@volley.test", ["greylisted@c.test"], "Subject: two\r\n\r\nbody\r\n")
except smtplib.SMTPDataError as error:
    print("data", error.smtp_code)
client.sendmail("<>", ["jos\u00e9@\u00fc.test"], "Subject: caf\u00e9\r\n\r\n\u00fcber\r\n".encode(),
                mail_options=["SMTPUTF8", "BODY=8BITMIME"])
client.quit()
)PY";

CapturedCommand run_smtplib_client(const AiosmtpdServer& server, bool starttls = false) {
  std::vector<std::string> argv = {"/usr/bin/python3", "-c", kSmtplibClient,
                                   std::to_string(server.port())};
  if (starttls)
    argv.emplace_back("starttls");
  return capture_command(argv, std::chrono::seconds(60));
}

// A temp directory for a throwaway certificate, removed at scope exit.
struct CertificateDir {
  CertificateDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "aiosmtpd-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()))
      path = pattern;
  }
  ~CertificateDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
};

AiosmtpdSettings settings_with_rules() {
  return {.reject_rcpt = {"unknown@=550 5.1.1 no such user"}, .reject_data = {"greylisted=451"}};
}

TEST(AiosmtpdServer, RecordsEnvelopeDataAndExtensionsOfEveryTransaction) {
  AiosmtpdServer server(settings_with_rules());
  server.start();
  ASSERT_NE(server.port(), 0);
  const CapturedCommand client = run_smtplib_client(server);
  ASSERT_EQ(client.exit_code, 0) << client.err << server.errors();
  EXPECT_EQ(client.out, "refused ['unknown@a.test']\ndata 451\n");
  ASSERT_TRUE(server.wait_for_records(3, std::chrono::seconds(10)));
  const std::vector<AiosmtpdRecord> records = server.records();
  ASSERT_EQ(records.size(), 3u);

  EXPECT_EQ(records[0].n, 1u);
  EXPECT_EQ(records[0].ehlo, "client.volley.test");
  EXPECT_TRUE(records[0].esmtp);
  EXPECT_EQ(records[0].mail_from, "news@volley.test");
  EXPECT_EQ(records[0].rcpts, (std::vector<std::string>{"ann@a.test", "bob@b.test"}));
  EXPECT_EQ(records[0].data, "Subject: one\r\n\r\n.leading dot\r\nline two\r\n"); // unstuffed
  EXPECT_EQ(records[0].size, records[0].data.size());
  EXPECT_FALSE(records[0].body_8bitmime);
  EXPECT_FALSE(records[0].smtputf8);
  EXPECT_FALSE(records[0].tls);
  EXPECT_EQ(records[0].reply, 250);

  EXPECT_EQ(records[1].rcpts, std::vector<std::string>{"greylisted@c.test"});
  EXPECT_EQ(records[1].reply, 451);

  EXPECT_EQ(records[2].mail_from, ""); // the null sender
  EXPECT_EQ(records[2].rcpts, std::vector<std::string>{"jos\u00e9@\u00fc.test"});
  EXPECT_TRUE(records[2].body_8bitmime);
  EXPECT_TRUE(records[2].smtputf8);
  EXPECT_EQ(records[2].data, "Subject: caf\u00e9\r\n\r\n\u00fcber\r\n");
  EXPECT_EQ(records[2].reply, 250);
  EXPECT_EQ(server.stop(), 0);
}

TEST(AiosmtpdServer, RejectsMailFromMatchingSenders) {
  AiosmtpdServer server({.reject_mail = {"news@=553 5.7.1 sender blocked"}});
  server.start();
  const CapturedCommand client = run_smtplib_client(server);
  EXPECT_NE(client.exit_code, 0); // SMTPSenderRefused ends the script
  EXPECT_NE(client.err.find("553"), std::string::npos) << client.err;
  EXPECT_TRUE(server.records().empty());
}

TEST(AiosmtpdServer, RecordsTransactionsAfterStartTls) {
  const CertificateDir certificate;
  const std::filesystem::path& dir = certificate.path;
  const CapturedCommand openssl =
      capture_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days",
                       "1", "-subj", "/CN=aiosmtpd.test", "-keyout", (dir / "key.pem").string(),
                       "-out", (dir / "cert.pem").string()},
                      std::chrono::seconds(60));
  ASSERT_EQ(openssl.exit_code, 0) << openssl.err;
  AiosmtpdSettings settings = settings_with_rules();
  settings.tls_cert = dir / "cert.pem";
  settings.tls_key = dir / "key.pem";
  AiosmtpdServer server(settings);
  server.start();
  const CapturedCommand client = run_smtplib_client(server, true);
  ASSERT_EQ(client.exit_code, 0) << client.err << server.errors();
  ASSERT_TRUE(server.wait_for_records(3, std::chrono::seconds(10)));
  for (const AiosmtpdRecord& record : server.records())
    EXPECT_TRUE(record.tls);
}

TEST(AiosmtpdServer, CountsEveryMessageSmtpSourceSends) {
  AiosmtpdServer server;
  server.start();
  const CapturedCommand source = capture_command(
      {smtp_source_path(), "-s", "4", "-m", "100", "-r", "2", "-d", "-M", "source.test", "-f",
       "sender@source.test", "-t", "rcpt@sink.test", server.address()},
      std::chrono::seconds(120));
  ASSERT_EQ(source.exit_code, 0) << source.err;
  ASSERT_TRUE(server.wait_for_records(100, std::chrono::seconds(10)));
  const std::vector<AiosmtpdRecord> records = server.records();
  EXPECT_EQ(records.size(), 100u);
  std::size_t recipients = 0;
  for (const AiosmtpdRecord& record : records)
    recipients += record.rcpts.size();
  EXPECT_EQ(recipients, 200u);
  EXPECT_EQ(records.back().n, 100u);
}

} // namespace
} // namespace volley::testing_support
