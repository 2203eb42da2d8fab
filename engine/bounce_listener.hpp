// BounceListener: the small inbound SMTP server that receives bounces, complaints and unsubscribe
// messages for our VERP and unsubscribe addresses ([bounces] listen). Accepts RCPT only for
// addresses whose token verifies (never an open relay), limits message size and messages per
// client address per minute, answers 250 only after BounceIntake has stored what the message says.
// Runs on its own thread and io_context (InboundSmtpServer). Must never accept mail for any other
// address, or block the delivery or control threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/bounce_intake.hpp"
#include "engine/inbound_smtp_server.hpp"

namespace volley::engine {

struct BounceListenerOptions {
  std::string listen;                          // "host:port"
  std::string hostname = "localhost";          // greeting / EHLO name
  std::uint64_t max_message_size = 1 << 20;    // bounces are small; larger get 552
  std::uint32_t max_messages_per_minute = 600; // per client address; then 421 4.7.0
};

class BounceListener {
public:
  BounceListener(BounceListenerOptions options, BounceIntake& intake);
  ~BounceListener(); // stops and joins

  // Binds (throws std::runtime_error with the address on failure) and starts the thread.
  void start();
  void stop();
  std::uint16_t port() const { return server_->port(); }

  struct Shared; // per-listener state the connections use (rate limits, intake, config)

private:
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<InboundSmtpServer> server_;
};

} // namespace volley::engine
