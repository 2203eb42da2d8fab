// Integration tests of the real volley-sink binary with real clients on loopback: Postfix's
// smtp-source (counts in --stats), Python's smtplib (STARTTLS with the self-signed certificate,
// --record and --record-bodies), a raw pipelined conversation, and bad command lines (exit 2).
// Fault injection is in volley_sink_faults_test.cpp. Never uses a non-loopback address.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <string>
#include <vector>

#include "integration/sink_probe.hpp"
#include "support/captured_command.hpp"
#include "support/volley_sink_process.hpp"

namespace {

using namespace volley::testing_support;

constexpr const char* kSmtpSource = "/usr/sbin/smtp-source";

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

TEST(VolleySink, CountsWhatSmtpSourceSends) {
  if (!std::filesystem::exists(kSmtpSource))
    GTEST_SKIP() << "smtp-source not installed (postfix package)";
  VolleySinkProcess sink;
  sink.start();
  const CapturedCommand source =
      capture_command({kSmtpSource, "-s", "10", "-m", "2000", "-l", "2048", sink.address()});
  ASSERT_EQ(source.exit_code, 0) << source.err;
  ASSERT_EQ(sink.stop(), 0) << sink.errors();
  const boost::json::object stats = sink.stats();
  EXPECT_EQ(stat(stats, "messages"), 2000);
  EXPECT_EQ(stat(stats, "connections"), 2000); // smtp-source: one message per connection
  EXPECT_EQ(stat(stats, "recipients_accepted"), 2000);
  EXPECT_EQ(stat(stats, "connections_open"), 0);
  EXPECT_GE(stat(stats, "bytes"), 2000 * 2048);
  EXPECT_LE(stats.at("first_message_unix_ms").as_int64(),
            stats.at("last_message_unix_ms").as_int64());
  EXPECT_NE(sink.output().find("2000 messages"), std::string::npos) << sink.output();
}

TEST(VolleySink, CountsMessagesOnReusedConnectionsWithSeveralThreads) {
  if (!std::filesystem::exists(kSmtpSource))
    GTEST_SKIP() << "smtp-source not installed (postfix package)";
  VolleySinkProcess sink({.args = {"--threads", "2"}});
  sink.start();
  const CapturedCommand source = capture_command(
      {kSmtpSource, "-d", "-s", "5", "-m", "1000", "-r", "3", "-l", "512", sink.address()});
  ASSERT_EQ(source.exit_code, 0) << source.err;
  ASSERT_EQ(sink.stop(), 0);
  const boost::json::object stats = sink.stats();
  EXPECT_EQ(stat(stats, "messages"), 1000);
  EXPECT_EQ(stat(stats, "recipients_delivered"), 3000);
  EXPECT_LE(stat(stats, "connections"), 10);
}

TEST(VolleySink, AnswersAPipelinedGroupInOneGo) {
  VolleySinkProcess sink({.args = {"--hostname", "sink.test"}, .record = true});
  sink.start();
  RawConnection client(sink.port());
  ASSERT_TRUE(client.connected());
  const std::string greeting = client.read(1);
  EXPECT_EQ(greeting, "220 sink.test ESMTP volley-sink\r\n");
  client.send("EHLO c.test\r\nMAIL FROM:<\"a\\\"b\"@x.test>\r\n"
              "RCPT TO:<b@y.test>\r\nRCPT TO:<c@y.test>\r\n"
              "DATA\r\nSubject: pipelined\r\n\r\n..leading dot\r\n.\r\nQUIT\r\n");
  const std::string replies = client.read_until_closed();
  EXPECT_TRUE(replies.starts_with("250-sink.test\r\n250-PIPELINING\r\n")) << replies;
  EXPECT_TRUE(replies.ends_with("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
                                "354 End data with <CR><LF>.<CR><LF>\r\n"
                                "250 2.0.0 Ok: message accepted\r\n221 2.0.0 Bye\r\n"))
      << replies;
  ASSERT_EQ(sink.stop(), 0);
  const std::vector<boost::json::object> records = sink.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].at("rcpts"), (boost::json::array{"b@y.test", "c@y.test"}));
  EXPECT_EQ(records[0].at("size").as_int64(), 36); // "Subject: pipelined\r\n\r\n.leading dot\r\n"
  EXPECT_EQ(records[0].at("mail_from").as_string(), R"("a\"b"@x.test)");
}

TEST(VolleySink, OffersStartTlsWithASelfSignedCertificate) {
  VolleySinkProcess sink({.args = {"--tls-self-signed"}, .record = true});
  sink.start();
  const boost::json::object report =
      run_probe(sink.port(), {"--starttls", "--rcpt", "a@b.test", "--messages", "2"});
  EXPECT_EQ(step_codes(report, "starttls"), std::vector<int>{220});
  EXPECT_EQ(step_codes(report, "dot"), (std::vector<int>{250, 250}));
  EXPECT_TRUE(report.at("tls").as_bool());
  EXPECT_FALSE(report.at("features").as_object().contains("starttls")); // not offered inside TLS
  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(stat(sink.stats(), "tls_sessions"), 1);
  const std::vector<boost::json::object> records = sink.records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].at("tls").as_bool());
  EXPECT_EQ(records[1].at("n").as_int64(), 2);
}

TEST(VolleySink, WithoutTlsStartTlsIsNotOffered) {
  VolleySinkProcess sink({.args = {"--no-pipelining", "--max-message-size", "1000"}});
  sink.start();
  const std::string big_body = "Subject: big\r\n\r\n" + std::string(2000, 'x') + "\r\n";
  const boost::json::object report =
      run_probe(sink.port(), {"--rcpt", "a@b.test", "--body", big_body});
  const boost::json::object& features = report.at("features").as_object();
  EXPECT_FALSE(features.contains("starttls"));
  EXPECT_FALSE(features.contains("pipelining"));
  EXPECT_EQ(features.at("size").as_string(), "1000");
  EXPECT_EQ(step_codes(report, "dot"), std::vector<int>{552});
  ASSERT_EQ(sink.stop(), 0);
  EXPECT_EQ(stat(sink.stats(), "messages"), 0);
}

TEST(VolleySink, RecordsBodiesAndTheirDigest) {
  VolleySinkProcess sink({.args = {}, .record = true, .record_bodies = true});
  sink.start();
  const std::string body = "Subject: kept\r\n\r\n.starts with a dot\r\nplain \xc3\xa9\r\n";
  const boost::json::object report =
      run_probe(sink.port(), {"--sender", "s@x.test", "--rcpt", "r@y.test", "--body", body});
  EXPECT_EQ(step_codes(report, "dot"), std::vector<int>{250});
  ASSERT_EQ(sink.stop(), 0);
  const std::vector<boost::json::object> records = sink.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(sink.body(1), body);
  EXPECT_EQ(records[0].at("sha256").as_string(), sha256_hex(body));
  EXPECT_EQ(records[0].at("size").as_int64(), static_cast<std::int64_t>(body.size()));
  EXPECT_EQ(records[0].at("mail_from").as_string(), "s@x.test");
  EXPECT_FALSE(records[0].at("tls").as_bool());
}

TEST(VolleySink, RejectsBadFlagsWithStatus2) {
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {{"--threads", "0"}, "--threads"},
      {{"--listen", "192.0.2.1:25"}, "--allow-any-address"},
      {{"--fault", "rcpt:999"}, "--fault rcpt:999"},
      {{"--fault", "rcpt:550:p=2"}, "p= needs a probability"},
      {{"--tls-cert", "/nonexistent.pem"}, "--tls-key"},
      {{"--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"}, "/nonexistent.pem"},
      {{"--max-message-size", "lots"}, "--max-message-size"},
      {{"--bogus"}, "--bogus: unknown option"},
      {{"--listen"}, "missing value"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {volley_sink_path()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const CapturedCommand run = capture_command(argv, std::chrono::seconds(20));
    EXPECT_EQ(run.exit_code, 2) << c.args[0] << ": " << run.err;
    EXPECT_NE(run.err.find(c.mentions), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
  }
  const CapturedCommand help = capture_command({volley_sink_path(), "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--fault STAGE:ACTION[:SELECTOR]"), std::string::npos);
}

} // namespace
