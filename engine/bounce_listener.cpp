// BounceListener (see bounce_listener.hpp). The end-of-data hook hands the message to BounceIntake
// and answers later (a pending decision), once the spool has committed what it says, so "250"
// means the bounce is in the spool and the listener thread never waits.
#include "engine/bounce_listener.hpp"

#include <spdlog/spdlog.h>

#include <atomic>

#include "engine/inbound_smtp_client_rates.hpp"

namespace volley::engine {
using protocol::SmtpServerDecision;

struct BounceListener::Shared {
  Shared(BounceListenerOptions o, BounceIntake& i)
      : options(std::move(o)), intake(i), rates(options.max_messages_per_minute) {}
  BounceListenerOptions options;
  BounceIntake& intake;
  InboundSmtpClientRates rates; // listener thread only
  std::atomic<std::uint64_t> accepted{0}, refused_rcpts{0};
};

namespace {

class Hooks : public InboundSmtpHooks {
public:
  Hooks(std::shared_ptr<BounceListener::Shared> shared, std::string client)
      : shared_(std::move(shared)), client_(std::move(client)) {}

  SmtpServerDecision on_rcpt(const protocol::SmtpServerEnvelope&, std::string_view rcpt) override {
    if (shared_->intake.accepts_recipient(rcpt))
      return SmtpServerDecision::accepted();
    ++shared_->refused_rcpts;
    return SmtpServerDecision::replied(550, "5.1.1", "no such bounce address here");
  }
  SmtpServerDecision on_data(const protocol::SmtpServerEnvelope&) override {
    if (!shared_->rates.try_take(client_))
      return SmtpServerDecision::replied(421, "4.7.0",
                                         "too many messages from " + client_ + ", try again later");
    return SmtpServerDecision::accepted();
  }
  SmtpServerDecision on_end_of_data(const protocol::SmtpServerEnvelope& envelope,
                                    const protocol::SmtpMessageContent& content) override {
    shared_->intake.process(std::string(content.body), envelope.rcpts, envelope.mail_from,
                            [shared = shared_, client = client_,
                             resume = resume_later()](Result<BounceIntakeResult> result) {
                              resume(decision_for(*shared, client, result));
                            });
    return SmtpServerDecision::later();
  }

private:
  // On the spool's thread: what the client hears once the report is stored (or not).
  static SmtpServerDecision decision_for(BounceListener::Shared& shared, const std::string& client,
                                         const Result<BounceIntakeResult>& result) {
    if (!result) {
      if (result.error().code == std::string(error_code::invalid_request))
        return SmtpServerDecision::replied(550, "5.6.0", result.error().message);
      return SmtpServerDecision::replied(451, "4.3.0", "cannot store it now, try again later");
    }
    ++shared.accepted;
    spdlog::info("bounce listener: message from {} ({}): {} record(s), {} matched, {} "
                 "unsubscribed",
                 client, protocol::to_string(result->type), result->stored.size(), result->verified,
                 result->unsubscribed);
    return SmtpServerDecision::accepted();
  }

  std::shared_ptr<BounceListener::Shared> shared_;
  std::string client_;
};

} // namespace

BounceListener::BounceListener(BounceListenerOptions options, BounceIntake& intake)
    : shared_(std::make_shared<Shared>(options, intake)) {
  InboundSmtpServerOptions server;
  server.name = "bounce listener";
  server.config_key = "[bounces] listen";
  server.listen = options.listen;
  server.session.hostname = options.hostname;
  server.session.max_message_size = options.max_message_size;
  server.session.max_recipients = 100;
  server.session.keep_body = true;
  server_ = std::make_unique<InboundSmtpServer>(std::move(server),
                                                [shared = shared_](const std::string& client) {
                                                  return std::make_unique<Hooks>(shared, client);
                                                });
}

BounceListener::~BounceListener() {
  stop();
}

void BounceListener::start() {
  server_->start();
  spdlog::info("bounce listener on {}:{} (bounce and unsubscribe addresses only)", server_->host(),
               server_->port());
}

void BounceListener::stop() {
  server_->stop();
}

} // namespace volley::engine
