// Unit tests for SMTP AUTH in the inbound server state machine (RFC 4954: PLAIN with an initial
// response and through "334", LOGIN, cancel, 535/538/530/503/504), for pending hook decisions
// (AUTH and end of data answered later, pipelined input held until resume()), for SASL response
// decoding and for PBKDF2 password hashes. Byte strings only; never opens a socket.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/base64_lines.hpp"
#include "protocol/password_hash.hpp"
#include "protocol/sasl_response.hpp"
#include "protocol/smtp_server_session.hpp"

namespace volley::protocol {
namespace {

std::string b64(std::string_view text) {
  std::string out;
  base64::encode(text, out);
  return out;
}

std::string plain(std::string_view user, std::string_view password, std::string_view authzid = "") {
  return b64(std::string(authzid) + '\0' + std::string(user) + '\0' + std::string(password));
}

// Accepts "crm" / "secret" (or answers later when `later`); records every call.
class AuthHooks : public SmtpServerHooks {
public:
  bool later = false;
  std::vector<std::string> calls;
  std::vector<std::string> messages;

  SmtpServerDecision on_auth(const SmtpServerEnvelope&, std::string_view user,
                             std::string_view password) override {
    calls.push_back("auth " + std::string(user) + " " + std::string(password));
    if (later)
      return SmtpServerDecision::later();
    if (user == "crm" && password == "secret")
      return SmtpServerDecision::accepted();
    return SmtpServerDecision::replied(535, "5.7.8", "Error: authentication failed");
  }
  SmtpServerDecision on_end_of_data(const SmtpServerEnvelope&, const SmtpMessageContent&) override {
    calls.push_back("dot");
    return later ? SmtpServerDecision::later() : SmtpServerDecision::accepted();
  }
  void on_message(const SmtpServerEnvelope& envelope, const SmtpMessageContent& content) override {
    messages.push_back(envelope.auth_user + ":" + std::string(content.body));
  }
};

SmtpServerConfig auth_config() {
  SmtpServerConfig config;
  config.hostname = "submit.test";
  config.keep_body = true;
  config.max_message_size = 1000;
  config.max_line_bytes = 200;
  config.auth_available = true;
  config.auth_without_tls = true;
  config.auth_required = true;
  return config;
}

struct Harness {
  explicit Harness(SmtpServerConfig config = auth_config()) : session(std::move(config), hooks) {
    session.start();
    take();
  }
  std::string run(std::string_view bytes) {
    session.feed(bytes);
    return take();
  }
  std::string take() {
    SmtpServerOutput out;
    session.take_output(out);
    return out.bytes;
  }
  AuthHooks hooks;
  SmtpServerSession session;
};

constexpr std::string_view kAuthOk = "235 2.7.0 Authentication successful\r\n";
constexpr std::string_view kAuthFailed = "535 5.7.8 Error: authentication failed\r\n";

TEST(SmtpServerAuth, AdvertisesAuthOnlyWhenAllowed) {
  Harness plain_allowed;
  EXPECT_NE(plain_allowed.run("EHLO c\r\n").find("250 AUTH PLAIN LOGIN\r\n"), std::string::npos);

  SmtpServerConfig config = auth_config();
  config.auth_without_tls = false;
  config.tls_available = true;
  config.auth_login = false;
  Harness h(config);
  const std::string before_tls = h.run("EHLO c\r\n");
  EXPECT_EQ(before_tls.find("AUTH"), std::string::npos) << before_tls;
  EXPECT_NE(before_tls.find("250 STARTTLS\r\n"), std::string::npos) << before_tls;
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\n"),
            "538 5.7.11 Error: encryption required; issue STARTTLS before AUTH\r\n");
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"),
            "530 5.7.0 Error: must issue a STARTTLS command first\r\n");
  EXPECT_TRUE(h.hooks.calls.empty());
  EXPECT_EQ(h.run("STARTTLS\r\n"), "220 2.0.0 Ready to start TLS\r\n");
  h.session.tls_started();
  const std::string after_tls = h.run("EHLO c\r\n");
  EXPECT_NE(after_tls.find("250 AUTH PLAIN\r\n"), std::string::npos) << after_tls;
  EXPECT_EQ(after_tls.find("STARTTLS"), std::string::npos) << after_tls;
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"),
            "530 5.7.0 Error: authentication required; log in with AUTH first\r\n");
  EXPECT_EQ(h.run("AUTH LOGIN\r\n"),
            "504 5.5.4 Error: unrecognized authentication mechanism; use PLAIN\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\n"), kAuthOk);
  EXPECT_EQ(h.session.envelope().auth_user, "crm");
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"), "250 2.1.0 Ok\r\n");
}

TEST(SmtpServerAuth, AuthIsNotImplementedWhenNotConfigured) {
  Harness h(SmtpServerConfig{});
  EXPECT_EQ(h.run("EHLO c\r\n").find("AUTH"), std::string::npos);
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\n"),
            "502 5.5.1 Error: command not implemented\r\n");
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"), "250 2.1.0 Ok\r\n");
}

TEST(SmtpServerAuth, PlainWithInitialResponseAndContinuation) {
  Harness h;
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "wrong") + "\r\n"), kAuthFailed);
  EXPECT_EQ(h.run("AUTH PLAIN\r\n"), "334 \r\n");
  EXPECT_EQ(h.session.state(), SmtpServerSession::State::auth);
  EXPECT_EQ(h.run(plain("crm", "secret", "crm") + "\r\n"), kAuthOk);
  EXPECT_EQ(h.hooks.calls, (std::vector<std::string>{"auth crm wrong", "auth crm secret"}));
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\n"),
            "503 5.5.1 Error: already authenticated\r\n");
  h.run("EHLO again\r\n");
  EXPECT_EQ(h.session.envelope().auth_user, "crm"); // a new EHLO keeps the authentication
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\n"), "250 2.1.0 Ok\r\n");
}

TEST(SmtpServerAuth, LoginMechanismAsksForUserAndPassword) {
  Harness h;
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(h.run(b64("crm") + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(h.run(b64("secret") + "\r\n"), kAuthOk);

  Harness initial;
  initial.run("EHLO c\r\n");
  EXPECT_EQ(initial.run("auth login " + b64("crm") + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(initial.run(b64("nope") + "\r\n"), kAuthFailed);
  EXPECT_EQ(initial.hooks.calls, std::vector<std::string>{"auth crm nope"});
}

TEST(SmtpServerAuth, CancelBadBase64AndBadSequence) {
  Harness h;
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\n"),
            "503 5.5.1 Error: send EHLO first\r\n");
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN\r\n*\r\n"), "334 \r\n501 5.7.0 Error: authentication cancelled\r\n");
  EXPECT_EQ(h.run("AUTH LOGIN\r\n*\r\n"),
            "334 VXNlcm5hbWU6\r\n501 5.7.0 Error: authentication cancelled\r\n");
  EXPECT_TRUE(h.run("AUTH PLAIN !!!!\r\n").starts_with("501 5.5.2 Error: cannot decode"));
  EXPECT_TRUE(
      h.run("AUTH PLAIN " + b64("no-nul-here") + "\r\n").starts_with("501 5.5.2 Error: cannot"));
  EXPECT_TRUE(h.run("AUTH PLAIN " + plain("", "secret") + "\r\n").starts_with("501 5.5.2"));
  EXPECT_EQ(h.run("AUTH CRAM-MD5\r\n"),
            "504 5.5.4 Error: unrecognized authentication mechanism; use PLAIN or LOGIN\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN a b\r\n"), "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
  EXPECT_TRUE(h.hooks.calls.empty());
  // A different authorization identity is refused without asking the hook.
  EXPECT_TRUE(h.run("AUTH PLAIN " + plain("crm", "secret", "admin") + "\r\n").starts_with("535"));
  EXPECT_TRUE(h.hooks.calls.empty());
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\n"), kAuthOk);
}

TEST(SmtpServerAuth, NoAuthInsideATransactionWhenNotRequired) {
  SmtpServerConfig config = auth_config();
  config.auth_required = false;
  Harness h(config);
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test> AUTH=<>\r\n"), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\n"),
            "503 5.5.1 Error: AUTH is not allowed during a mail transaction\r\n");
  EXPECT_EQ(h.run("RSET\r\nAUTH PLAIN " + plain("crm", "secret") + "\r\n"),
            std::string("250 2.0.0 Ok\r\n") + std::string(kAuthOk));
}

TEST(SmtpServerAuth, TooManyFailuresCloseTheConnection) {
  Harness h;
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "1") + "\r\n"), kAuthFailed);
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "2") + "\r\n"), kAuthFailed);
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "3") + "\r\nNOOP\r\n"),
            std::string(kAuthFailed) +
                "421 4.7.0 Error: too many failed authentication attempts; closing the "
                "connection\r\n");
  EXPECT_EQ(h.session.state(), SmtpServerSession::State::closed);
}

TEST(SmtpServerAuth, ALongResponseLineCancelsAuthentication) {
  Harness h;
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN\r\n"), "334 \r\n");
  EXPECT_EQ(h.run(std::string(300, 'A') + "\r\n"),
            "501 5.5.2 Error: authentication response too long; authentication cancelled\r\n");
  EXPECT_EQ(h.session.state(), SmtpServerSession::State::ready);
  EXPECT_EQ(h.run("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST(SmtpServerAuth, PendingAuthHoldsPipelinedInputUntilResumed) {
  Harness h;
  h.hooks.later = true;
  h.run("EHLO c\r\n");
  EXPECT_EQ(h.run("AUTH PLAIN " + plain("crm", "secret") + "\r\nMAIL FROM:<a@x.test>\r\n"), "");
  EXPECT_EQ(h.session.state(), SmtpServerSession::State::pending);
  EXPECT_EQ(h.run("RCPT TO:<b@y.test>\r\n"), "");
  EXPECT_EQ(h.session.held_bytes(), 42u);
  h.session.resume(SmtpServerDecision::accepted());
  EXPECT_EQ(h.take(), std::string(kAuthOk) + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  EXPECT_EQ(h.session.held_bytes(), 0u);
}

TEST(SmtpServerAuth, PendingEndOfDataAnswersWithTheResumedDecision) {
  Harness h;
  h.run("EHLO c\r\nAUTH PLAIN " + plain("crm", "secret") + "\r\n");
  h.hooks.later = true;
  EXPECT_EQ(h.run("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n"),
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(h.session.state(), SmtpServerSession::State::pending);
  EXPECT_TRUE(h.hooks.messages.empty());
  h.session.resume(SmtpServerDecision::accepted_with("Ok: queued as m-7"));
  EXPECT_EQ(h.take(), "250 2.0.0 Ok: queued as m-7\r\n221 2.0.0 Bye\r\n");
  EXPECT_EQ(h.hooks.messages, std::vector<std::string>{"crm:hi\r\n"});

  Harness refused;
  refused.run("EHLO c\r\nAUTH PLAIN " + plain("crm", "secret") + "\r\n");
  refused.hooks.later = true;
  refused.run("MAIL FROM:<a@x.test>\r\nRCPT TO:<b@y.test>\r\nDATA\r\nhi\r\n.\r\n");
  refused.session.resume(SmtpServerDecision::replied(451, "4.3.0", "cannot store it now"));
  EXPECT_EQ(refused.take(), "451 4.3.0 cannot store it now\r\n");
  EXPECT_TRUE(refused.hooks.messages.empty());
  EXPECT_EQ(refused.run("MAIL FROM:<a@x.test>\r\n"), "250 2.1.0 Ok\r\n"); // transaction ended
  refused.session.resume(SmtpServerDecision::accepted());                 // not pending: ignored
  EXPECT_EQ(refused.take(), "");
}

TEST(SaslResponse, DecodesPlainAndLoginValues) {
  auto credentials = decode_sasl_plain(plain("user@example.org", "p w:d", "user@example.org"));
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->authzid, "user@example.org");
  EXPECT_EQ(credentials->user, "user@example.org");
  EXPECT_EQ(credentials->password, "p w:d");
  EXPECT_FALSE(decode_sasl_plain(b64(std::string("a\0b\0c\0d", 7))).ok());
  EXPECT_FALSE(decode_sasl_plain(plain("u", std::string(256, 'x'))).ok());
  EXPECT_FALSE(decode_sasl_plain("=").ok());
  EXPECT_FALSE(decode_sasl_plain("AAA").ok()); // not a multiple of 4
  EXPECT_EQ(decode_sasl_base64("=").value(), "");
  EXPECT_EQ(decode_sasl_login_value(b64("crm")).value(), "crm");
  EXPECT_FALSE(decode_sasl_login_value(b64(std::string("a\0b", 3))).ok());
  EXPECT_FALSE(decode_sasl_login_value("Y3Jt Y3Jt").ok());
}

TEST(PasswordHash, RoundTripsAndVerifies) {
  PasswordHash hash = make_password_hash("correct horse", "saltsalt12345678", 1000);
  const std::string text = format_password_hash(hash);
  EXPECT_TRUE(text.starts_with("pbkdf2-sha256$1000$")) << text;
  auto parsed = parse_password_hash(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, hash);
  EXPECT_TRUE(verify_password(*parsed, "correct horse"));
  EXPECT_FALSE(verify_password(*parsed, "correct horsE"));
  EXPECT_FALSE(verify_password(*parsed, ""));
  // RFC 7914 §11 test vector of PBKDF2-HMAC-SHA256 (P="passwd", S="salt", c=1; its first 32
  // bytes), through the formatter: an iteration count the parser would refuse.
  PasswordHash vector = make_password_hash("passwd", "salt", 1);
  EXPECT_EQ(format_password_hash(vector),
            "pbkdf2-sha256$1$c2FsdA==$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw=");
}

TEST(PasswordHash, RefusesMalformedHashesWithAHint) {
  for (const char* text :
       {"", "plain$1000$c2FsdHNhbHQ=$AAAA", "pbkdf2-sha256$10$c2FsdHNhbHQ=$AAAA",
        "pbkdf2-sha256$1000$c2FsdA==$VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw=",
        "pbkdf2-sha256$1000$c2FsdHNhbHQ=$AAAA", "pbkdf2-sha256$x$c2FsdHNhbHQ=$AAAA",
        "pbkdf2-sha256$1000$c2FsdHNhbHQ=$AAAA$more"}) {
    auto parsed = parse_password_hash(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_NE(parsed.error().message.find("volley-passwd"), std::string::npos);
  }
}

} // namespace
} // namespace volley::protocol
