// SubmissionListener (see submission_listener.hpp): the per-connection hooks. AUTH and the end of
// data answer later: a password check runs on the password_checks pool, a message goes to the
// spool's writer; both come back through the connection's resume.
#include "engine/submission_listener.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "engine/inbound_smtp_client_rates.hpp"
#include "engine/submission_users.hpp"
#include "engine/tls_server_context.hpp"

namespace volley::engine {
using protocol::SmtpServerDecision;

struct SubmissionListener::Shared {
  Shared(const policy::SubmissionConfig& c, SubmissionIntake& i, boost::asio::thread_pool& p)
      : config(c), intake(i), users(c.users), rates(c.max_messages_per_minute), pool(p) {}
  policy::SubmissionConfig config;
  SubmissionIntake& intake;
  SubmissionUsers users;
  InboundSmtpClientRates rates; // listener thread only
  boost::asio::thread_pool& pool;
};

namespace {

constexpr std::uint32_t kAuthFailureDelayMs = 1000; // slows down password guessing

// What the client hears once the spool answered (on the spool's thread).
SmtpServerDecision stored_decision(const Result<SubmissionStored>& stored,
                                   const std::string& client) {
  if (stored) {
    spdlog::debug("submission: message {} from {} stored: {} recipient(s), {} suppressed, "
                  "return path {}",
                  stored->id, client, stored->accepted, stored->suppressed,
                  stored->kept_return_path ? "kept" : "VERP");
  } else {
    spdlog::warn("submission: message from {} not stored: {}", client, stored.error().message);
  }
  return submission_reply(stored);
}

class Hooks : public InboundSmtpHooks {
public:
  Hooks(std::shared_ptr<SubmissionListener::Shared> shared, std::string client)
      : shared_(std::move(shared)), client_(std::move(client)) {}

  SmtpServerDecision on_auth(const protocol::SmtpServerEnvelope&, std::string_view user,
                             std::string_view password) override {
    if (shared_->users.remembered(user, password))
      return authenticated(user);
    boost::asio::post(shared_->pool, [shared = shared_, client = client_, user = std::string(user),
                                      password = std::string(password), resume = resume_later()] {
      if (shared->users.verify(user, password)) {
        spdlog::info("submission: {} logged in as {}", client, user);
        return resume(SmtpServerDecision::accepted());
      }
      spdlog::warn("submission: failed AUTH from {} as \"{}\"", client, user);
      SmtpServerDecision refused =
          SmtpServerDecision::replied(535, "5.7.8", "Error: authentication failed");
      refused.delay_ms = kAuthFailureDelayMs;
      resume(std::move(refused));
    });
    return SmtpServerDecision::later();
  }
  SmtpServerDecision on_mail(const protocol::SmtpServerEnvelope& envelope) override {
    if (auto problem = SubmissionIntake::sender_problem(envelope.mail_from))
      return SmtpServerDecision::replied(553, "5.1.7", "Error: " + *problem);
    return SmtpServerDecision::accepted();
  }
  SmtpServerDecision on_rcpt(const protocol::SmtpServerEnvelope&, std::string_view rcpt) override {
    if (auto problem = SubmissionIntake::recipient_problem(rcpt))
      return SmtpServerDecision::replied(553, "5.1.3", "Error: " + *problem);
    return SmtpServerDecision::accepted();
  }
  SmtpServerDecision on_data(const protocol::SmtpServerEnvelope&) override {
    if (!shared_->rates.try_take(client_))
      return SmtpServerDecision::replied(
          451, "4.7.0",
          "Error: more than " + std::to_string(shared_->config.max_messages_per_minute) +
              " messages per minute from " + client_ + "; try again later");
    return SmtpServerDecision::accepted();
  }
  SmtpServerDecision on_end_of_data(const protocol::SmtpServerEnvelope& envelope,
                                    const protocol::SmtpMessageContent& content) override {
    SubmittedMessage message{envelope.mail_from, envelope.rcpts, std::string(content.body)};
    shared_->intake.submit(std::move(message), [client = client_, resume = resume_later()](
                                                   Result<SubmissionStored> stored) {
      resume(stored_decision(stored, client));
    });
    return SmtpServerDecision::later();
  }

private:
  SmtpServerDecision authenticated(std::string_view user) {
    spdlog::debug("submission: {} logged in as {} (remembered)", client_, user);
    return SmtpServerDecision::accepted();
  }

  std::shared_ptr<SubmissionListener::Shared> shared_;
  std::string client_;
};

protocol::SmtpServerConfig session_config(const policy::SubmissionConfig& config,
                                          const std::string& hostname) {
  protocol::SmtpServerConfig session;
  session.hostname = config.hostname.empty() ? hostname : config.hostname;
  session.max_message_size = config.max_message_size;
  session.max_recipients = config.max_recipients;
  session.keep_body = true;
  session.auth_available = !config.users.empty();
  // Without a certificate (loopback listeners only: checked at config load) AUTH goes in clear.
  session.auth_without_tls = config.tls_cert_file.empty();
  session.auth_required = config.require_auth;
  return session;
}

} // namespace

SubmissionListener::SubmissionListener(const policy::SubmissionConfig& config,
                                       const std::string& hostname, SubmissionIntake& intake)
    : shared_(std::make_shared<Shared>(config, intake, password_checks_)) {
  InboundSmtpServerOptions server;
  server.name = "submission listener";
  server.config_key = "[submission] listen";
  server.listen = config.listen;
  server.session = session_config(config, hostname);
  if (!config.tls_cert_file.empty())
    server.tls = make_tls_server_context(config.tls_cert_file, config.tls_key_file, "[submission]");
  server.idle_timeout = std::chrono::seconds(config.idle_timeout_s);
  server.max_connections = config.max_connections;
  server_ = std::make_unique<InboundSmtpServer>(std::move(server),
                                                [shared = shared_](const std::string& client) {
                                                  return std::make_unique<Hooks>(shared, client);
                                                });
}

SubmissionListener::~SubmissionListener() {
  stop();
}

void SubmissionListener::start() {
  server_->start();
  const policy::SubmissionConfig& c = shared_->config;
  spdlog::info("submission listener on {}:{} (STARTTLS {}, AUTH {}, {} user(s), return path "
               "{})",
               server_->host(), server_->port(), c.tls_cert_file.empty() ? "off" : "on",
               c.require_auth ? "required" : (c.users.empty() ? "off" : "optional"), c.users.size(),
               policy::to_string(c.return_path));
}

void SubmissionListener::stop() {
  server_->stop();
  password_checks_.join();
}

} // namespace volley::engine
