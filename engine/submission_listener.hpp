// SubmissionListener: the SMTP submission server CRMs send their mail to ([submission] listen),
// built on InboundSmtpServer and the pure SmtpServerSession: STARTTLS with the configured
// certificate, AUTH PLAIN/LOGIN checked against the users file (off the listener thread), per
// client message rate, and "250 ... queued as m-<seq>" only once SubmissionIntake's spool commit
// has returned (451/452 when it failed: the client keeps the message and retries). Runs on its own
// thread and io_context. Must never accept MAIL before AUTH when AUTH is required, offer AUTH
// outside TLS when a certificate is configured, or answer 250 for a message not yet durable.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/inbound_smtp_server.hpp"
#include "engine/submission_intake.hpp"
#include "policy/submission_config.hpp"

namespace volley::engine {

class SubmissionListener {
public:
  // hostname: greeting and EHLO name when config.hostname is empty. Loads the TLS certificate
  // (throws std::runtime_error naming the file on failure).
  SubmissionListener(const policy::SubmissionConfig& config, const std::string& hostname,
                     SubmissionIntake& intake);
  ~SubmissionListener(); // stops and joins

  // Binds (throws std::runtime_error naming the address on failure) and starts the thread.
  void start();
  void stop();
  std::uint16_t port() const { return server_->port(); }

  struct Shared; // what every connection's hooks use (intake, users, rates, password checks)

private:
  boost::asio::thread_pool password_checks_{1}; // PBKDF2 off the listener thread
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<InboundSmtpServer> server_;
};

} // namespace volley::engine
