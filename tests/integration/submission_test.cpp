// SMTP submission end to end: the real volleyd with [submission], Python's smtplib as the CRM
// (tests/integration/submission_client.py) and a recording volley-sink as the destination.
// CiviMail's own return path b.{job}.{queue}.{hash}@... is kept (and the message DKIM-signed when
// dkimpy is there), a sender equal to the From field gets Volley's VERP address, STARTTLS + AUTH
// (right and wrong password, MAIL before AUTH, AUTH before STARTTLS), a 250 survives kill -9,
// oversized messages and bad recipients are refused, the message shows up as kind "message" with
// the configured tags, and a non-loopback listener without TLS and users refuses to start.
// Loopback only; every wait has a deadline.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/json_answer.hpp"
#include "protocol/dkim_key.hpp"
#include "protocol/password_hash.hpp"
#include "support/captured_command.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"
#include "tests/protocol/dkim_test_support.hpp"

namespace volley::testing_support {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kCiviReturnPath = "b.12.345.abcdef0123456789@bounces.example";

std::string message_text(const std::string& from, const std::string& subject,
                         const std::string& body = "Hello {contact.first_name} {{not_a_field}}") {
  return "From: News <" + from + ">\r\nTo: members@example.org\r\nSubject: " + subject +
         "\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\nMessage-ID: <" + subject +
         ".42@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
         "charset=utf-8\r\n\r\n" +
         body + "\r\n.a line with a leading dot\r\n";
}

void write_file(const fs::path& path, const std::string& text, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary) << text;
  ::chmod(path.c_str(), mode);
}

// The client's report: {"steps": [{"step", "code", "text", "features"?}...], "tls"}.
boost::json::object run_client(std::uint16_t port, const boost::json::array& actions) {
  const CapturedCommand run =
      capture_command({"/usr/bin/python3",
                       std::string(VOLLEY_SOURCE_DIR) + "/tests/integration/submission_client.py",
                       std::to_string(port), boost::json::serialize(actions)},
                      60s);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  boost::system::error_code error;
  boost::json::value report = boost::json::parse(run.out, error);
  if (error || !report.is_object()) {
    ADD_FAILURE() << "the client printed no JSON: " << run.out << run.err;
    return {};
  }
  return report.as_object();
}

// Codes of every step called `name`, in order (0: the step failed without one).
std::vector<int> codes(const boost::json::object& report, const std::string& name) {
  std::vector<int> out;
  if (!report.contains("steps"))
    return out;
  for (const auto& step : report.at("steps").as_array()) {
    const auto& entry = step.as_object();
    if (entry.at("step").as_string() == name)
      out.push_back(entry.contains("code") ? static_cast<int>(entry.at("code").to_number<int>())
                                           : 0);
  }
  return out;
}

std::string text_of_step(const boost::json::object& report, const std::string& name) {
  for (const auto& step : report.at("steps").as_array())
    if (step.at("step").as_string() == name && step.as_object().contains("text"))
      return std::string(step.at("text").as_string());
  return "";
}

bool offers(const boost::json::object& report, std::size_t ehlo_index, const std::string& what) {
  std::size_t seen = 0;
  for (const auto& step : report.at("steps").as_array()) {
    if (step.at("step").as_string() != "ehlo" || seen++ != ehlo_index)
      continue;
    for (const auto& feature : step.at("features").as_array())
      if (feature.as_string() == what)
        return true;
  }
  return false;
}

boost::json::array send_actions(const std::string& sender, const std::vector<std::string>& rcpts,
                                const std::string& message_file) {
  boost::json::array actions{boost::json::array{"ehlo"}, boost::json::array{"mail", sender}};
  for (const std::string& rcpt : rcpts)
    actions.push_back(boost::json::array{"rcpt", rcpt});
  actions.push_back(boost::json::array{"data", message_file});
  actions.push_back(boost::json::array{"quit"});
  return actions;
}

std::vector<boost::json::object> wait_for_records(const VolleySinkProcess& sink, std::size_t n) {
  std::vector<boost::json::object> records;
  for (auto until = std::chrono::steady_clock::now() + 60s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
    records = sink.records();
    if (records.size() >= n)
      break;
  }
  return records;
}

// Records until they hold `n` recipients together (or the deadline passed).
std::vector<boost::json::object> wait_for_recipients(const VolleySinkProcess& sink, std::size_t n) {
  std::vector<boost::json::object> records;
  for (auto until = std::chrono::steady_clock::now() + 60s;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(50ms)) {
    records = sink.records();
    std::size_t recipients = 0;
    for (const auto& record : records)
      recipients += record.at("rcpts").as_array().size();
    if (recipients >= n)
      break;
  }
  return records;
}

std::vector<boost::json::object> campaigns(tools::ControlClient& client) {
  std::vector<boost::json::object> out;
  auto answer = client.request("GET", "/v1/campaigns");
  if (!answer || answer->status != 200)
    return out;
  const boost::json::value value = parse_answer(answer->body);
  for (const auto& c : value.at("campaigns").as_array())
    out.push_back(c.as_object());
  return out;
}

// volleyd (VERP on, List-Unsubscribe on for campaigns, a DKIM key for example.org) with a loopback
// submission listener, delivering to a recording volley-sink.
class SubmissionTest : public ::testing::Test {
protected:
  void start(const std::string& submission_toml, const std::string& route = "") {
    if (route.empty()) {
      sink_ = std::make_unique<VolleySinkProcess>(
          VolleySinkSettings{.args = {}, .record = true, .record_bodies = true});
      sink_->start();
    }
    VolleydSettings settings;
    settings.delivery_toml =
        delivery_toml_to(route.empty() ? sink_->address() : route, "",
                         "[verp]\nenabled = true\n[headers]\nlist_unsubscribe = true\n"
                         "[dkim.\"example.org\"]\nselector = \"s2026\"\nkey_file = \"dkim.pem\"\n"
                         "[submission]\nlisten = \"127.0.0.1:" +
                             std::to_string(port_) + "\"\n" + submission_toml);
    daemon_ = std::make_unique<VolleydProcess>(settings);
    auto pem = protocol::generate_dkim_key(protocol::DkimAlgorithm::rsa_sha256, 2048);
    ASSERT_TRUE(pem.ok());
    auto key = protocol::DkimKey::from_pem(*pem);
    ASSERT_TRUE(key.ok());
    dkim_txt_ = key->dns_txt_record();
    write_file(daemon_->dir() / "dkim.pem", *pem);
    write_files();
    daemon_->start();
  }
  virtual void write_files() {}
  std::string message_file(const std::string& name, const std::string& text) {
    write_file(daemon_->dir() / name, text, 0644);
    return (daemon_->dir() / name).string();
  }
  // dkimpy's verdicts for a received message ("1 pass"), or "" without dkimpy.
  std::string dkim_verdict(const std::string& message) {
    using protocol::dkim_test::run_command;
    if (run_command(std::string(protocol::dkim_test::kPython) + " -c 'import dkim'").exit_code != 0)
      return "";
    write_file(daemon_->dir() / "records.tsv", "s2026._domainkey.example.org\t" + dkim_txt_ + "\n");
    write_file(daemon_->dir() / "verify.py", protocol::dkim_test::kDkimpyVerifyScript);
    write_file(daemon_->dir() / "received.eml", message);
    auto result = run_command(std::string(protocol::dkim_test::kPython) + " " +
                              (daemon_->dir() / "verify.py").string() + " " +
                              (daemon_->dir() / "records.tsv").string() + " " +
                              (daemon_->dir() / "received.eml").string());
    std::size_t space = result.output.find(' ');
    return space == std::string::npos ? result.output : result.output.substr(space + 1);
  }

  std::uint16_t port_ = pick_free_loopback_port();
  std::unique_ptr<VolleySinkProcess> sink_;
  std::unique_ptr<VolleydProcess> daemon_;
  std::string dkim_txt_;
};

TEST_F(SubmissionTest, CiviMailReturnPathIsKeptAndTheMessageSignedAsReceived) {
  start("");
  const std::string text = message_text("news@example.org", "civimail");
  auto report = run_client(port_, send_actions(kCiviReturnPath, {"a@x.test", "b@x.test"},
                                               message_file("civi.eml", text)));
  ASSERT_EQ(codes(report, "data"), std::vector<int>{250}) << report;
  EXPECT_NE(text_of_step(report, "data").find("queued as m-"), std::string::npos) << report;
  EXPECT_FALSE(offers(report, 0, "auth")) << report; // no users_file: no AUTH

  // The return path is the CRM's own, so both recipients may share one transaction.
  auto records = wait_for_recipients(*sink_, 2);
  ASSERT_FALSE(records.empty()) << daemon_->log();
  for (const auto& record : records)
    EXPECT_EQ(std::string(record.at("mail_from").as_string()), kCiviReturnPath) << record;
  const std::string received = sink_->body(records[0].at("n").to_number<std::uint64_t>());
  EXPECT_NE(received.find("{{not_a_field}}"), std::string::npos) << received; // no merge fields
  EXPECT_NE(received.find("Message-ID: <civimail.42@example.org>"), std::string::npos);
  EXPECT_EQ(received.find("List-Unsubscribe"), std::string::npos) << received; // transactional
  EXPECT_TRUE(received.starts_with("DKIM-Signature:")) << received;
  const std::string verdict = dkim_verdict(received);
  if (!verdict.empty()) { // dkimpy installed
    EXPECT_EQ(verdict, "1 pass\n") << received;
  }
}

TEST_F(SubmissionTest, SenderEqualToTheFromFieldGetsVolleysVerpAddress) {
  start("");
  auto report = run_client(
      port_, send_actions("news@example.org", {"a@x.test"},
                          message_file("m.eml", message_text("news@example.org", "same"))));
  ASSERT_EQ(codes(report, "data"), std::vector<int>{250}) << report;
  auto records = wait_for_records(*sink_, 1);
  ASSERT_EQ(records.size(), 1u) << daemon_->log();
  const std::string mail_from(records[0].at("mail_from").as_string());
  EXPECT_TRUE(mail_from.starts_with("bounce-")) << mail_from;
  EXPECT_TRUE(mail_from.ends_with("@example.org")) << mail_from;
}

class SubmissionAuthTest : public SubmissionTest {
protected:
  void write_files() override {
    const fs::path dir = daemon_->dir();
    auto made = capture_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                                 (dir / "key.pem").string(), "-out", (dir / "cert.pem").string(),
                                 "-days", "1", "-subj", "/CN=localhost"},
                                30s);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    // The users file line from volley-passwd (reads the password from stdin).
    const std::string passwd = std::string(VOLLEY_BINARY_DIR) + "/bin/volley-passwd";
    ASSERT_TRUE(fs::exists(passwd)) << passwd << " is not built";
    auto line = capture_command(
        {"/bin/sh", "-c", "printf 's3cret\\n' | '" + passwd + "' crm --iterations 2000"}, 30s);
    ASSERT_EQ(line.exit_code, 0) << line.err;
    ASSERT_TRUE(line.out.starts_with("crm:pbkdf2-sha256$2000$")) << line.out;
    write_file(dir / "users", line.out);
  }
  static boost::json::array tls_actions(boost::json::array more) {
    boost::json::array actions{boost::json::array{"ehlo"}, boost::json::array{"starttls"},
                               boost::json::array{"ehlo"}};
    for (auto& action : more)
      actions.push_back(std::move(action));
    return actions;
  }
};

TEST_F(SubmissionAuthTest, StartTlsAndAuthBeforeMail) {
  start("tls_cert_file = \"cert.pem\"\ntls_key_file = \"key.pem\"\nusers_file = \"users\"\n"
        "require_auth = true\n");
  // Before STARTTLS: AUTH is neither offered nor accepted, MAIL is refused.
  auto plain = run_client(
      port_, {boost::json::array{"ehlo"}, boost::json::array{"auth_plain", "crm", "s3cret"},
              boost::json::array{"mail", "news@example.org"}, boost::json::array{"quit"}});
  EXPECT_TRUE(offers(plain, 0, "starttls")) << plain;
  EXPECT_FALSE(offers(plain, 0, "auth")) << plain;
  EXPECT_EQ(codes(plain, "auth_plain"), std::vector<int>{538}) << plain;
  EXPECT_EQ(codes(plain, "mail"), std::vector<int>{530}) << plain;

  // Inside TLS: MAIL before AUTH is refused, a wrong password gets 535.
  auto wrong = run_client(port_, tls_actions({boost::json::array{"mail", "news@example.org"},
                                              boost::json::array{"login", "crm", "guess"},
                                              boost::json::array{"quit"}}));
  EXPECT_TRUE(wrong.at("tls").as_bool()) << wrong;
  EXPECT_EQ(codes(wrong, "starttls"), std::vector<int>{220}) << wrong;
  EXPECT_TRUE(offers(wrong, 1, "auth")) << wrong;
  EXPECT_EQ(codes(wrong, "mail"), std::vector<int>{530}) << wrong;
  EXPECT_EQ(codes(wrong, "login"), std::vector<int>{535}) << wrong;

  // The right password: accepted and delivered.
  const std::string file = message_file("m.eml", message_text("news@example.org", "authed"));
  auto right = run_client(
      port_, tls_actions({boost::json::array{"login", "crm", "s3cret"},
                          boost::json::array{"mail", kCiviReturnPath},
                          boost::json::array{"rcpt", "a@x.test"}, boost::json::array{"data", file},
                          boost::json::array{"quit"}}));
  EXPECT_EQ(codes(right, "login"), std::vector<int>{235}) << right;
  ASSERT_EQ(codes(right, "data"), std::vector<int>{250}) << right;
  auto records = wait_for_records(*sink_, 1);
  ASSERT_EQ(records.size(), 1u) << daemon_->log();
  EXPECT_EQ(std::string(records[0].at("mail_from").as_string()), kCiviReturnPath);
  // AUTH LOGIN works as well (PHPMailer's default).
  auto login = run_client(port_, tls_actions({boost::json::array{"auth_login", "crm", "s3cret"},
                                              boost::json::array{"quit"}}));
  EXPECT_EQ(codes(login, "auth_login"), std::vector<int>{235}) << login;
}

TEST_F(SubmissionTest, AnAcknowledgedMessageSurvivesKillNine) {
  // Delivery goes to a port where nothing listens yet: the message waits in the spool.
  const std::uint16_t later_port = pick_free_loopback_port();
  start("", "127.0.0.1:" + std::to_string(later_port));
  auto report = run_client(
      port_, send_actions(kCiviReturnPath, {"a@x.test"},
                          message_file("m.eml", message_text("news@example.org", "durable"))));
  ASSERT_EQ(codes(report, "data"), std::vector<int>{250}) << report;
  daemon_->kill_hard();

  VolleySinkProcess sink({.args = {"--listen", "127.0.0.1:" + std::to_string(later_port)},
                          .record = true,
                          .record_bodies = false});
  sink.start();
  ASSERT_EQ(sink.port(), later_port);
  daemon_->start();
  auto records = wait_for_records(sink, 1);
  ASSERT_EQ(records.size(), 1u) << daemon_->log();
  EXPECT_EQ(std::string(records[0].at("mail_from").as_string()), kCiviReturnPath);
  EXPECT_EQ(std::string(records[0].at("rcpts").as_array()[0].as_string()), "a@x.test");
}

TEST_F(SubmissionTest, OversizedMessagesAndBadRecipientsAreRefused) {
  start("max_message_size = \"4KiB\"\n");
  auto client = daemon_->client();
  const std::string big =
      message_file("big.eml", message_text("news@example.org", "big", std::string(6000, 'x')));
  auto refused = run_client(port_, send_actions(kCiviReturnPath, {"a@x.test"}, big));
  EXPECT_EQ(codes(refused, "data"), std::vector<int>{552}) << refused;
  EXPECT_TRUE(campaigns(client).empty());

  const std::string small = message_file("small.eml", message_text("news@example.org", "small"));
  auto mixed = run_client(
      port_, send_actions(kCiviReturnPath, {"bad..dots@x.test", "a@x.test", "c@@x.test"}, small));
  EXPECT_EQ(codes(mixed, "rcpt"), (std::vector<int>{553, 250, 553})) << mixed;
  EXPECT_EQ(codes(mixed, "data"), std::vector<int>{250}) << mixed;
  auto bad_sender = run_client(port_, send_actions("no-at-sign", {"a@x.test"}, small));
  EXPECT_EQ(codes(bad_sender, "mail"), std::vector<int>{501}) << bad_sender;
  auto stored = campaigns(client);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].at("total").to_number<std::uint64_t>(), 1u) << stored[0];
}

TEST_F(SubmissionTest, MessagesAreListedAsKindMessageWithTheConfiguredTags) {
  start("tags = {source = \"smtp\", tenant = \"acme\"}\nreturn_path = \"verp\"\n", "127.0.0.1:9");
  auto client = daemon_->client();
  auto suppressed = client.request("PUT", "/v1/suppressions/gone@x.test", "{}");
  ASSERT_TRUE(suppressed && suppressed->status == 200);
  auto report = run_client(
      port_, send_actions(kCiviReturnPath, {"a@x.test", "gone@x.test"},
                          message_file("m.eml", message_text("news@example.org", "tagged"))));
  ASSERT_EQ(codes(report, "data"), std::vector<int>{250}) << report;
  auto stored = campaigns(client);
  ASSERT_EQ(stored.size(), 1u);
  const boost::json::object& message = stored[0];
  EXPECT_EQ(std::string(message.at("kind").as_string()), "message") << message;
  EXPECT_TRUE(std::string(message.at("id").as_string()).starts_with("m-")) << message;
  EXPECT_NE(text_of_step(report, "data").find(std::string(message.at("id").as_string())),
            std::string::npos)
      << report;
  EXPECT_EQ(std::string(message.at("from").as_string()), kCiviReturnPath);
  EXPECT_EQ(std::string(message.at("tags").at("source").as_string()), "smtp") << message;
  EXPECT_EQ(std::string(message.at("tags").at("tenant").as_string()), "acme") << message;
  EXPECT_EQ(message.at("total").to_number<std::uint64_t>(), 2u) << message;
  EXPECT_EQ(count_of(message, "suppressed"), 1u) << message;
}

TEST(Submission, NonLoopbackListenWithoutTlsAndUsersRefusesToStart) {
  VolleydSettings settings;
  settings.delivery_toml = "[delivery]\nenabled = false\n[submission]\nlisten = \"0.0.0.0:" +
                           std::to_string(pick_free_loopback_port()) + "\"\n";
  VolleydProcess daemon(settings);
  try {
    daemon.start();
    ADD_FAILURE() << "volleyd started with a non-loopback submission listener without TLS";
  } catch (const std::runtime_error& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("is not a loopback address, so STARTTLS and AUTH are required, but "
                        "tls_cert_file and tls_key_file and users_file are not set"),
              std::string::npos)
        << what;
  }
}

} // namespace
} // namespace volley::testing_support
