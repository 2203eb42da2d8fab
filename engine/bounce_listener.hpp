// BounceListener: the small inbound SMTP server that receives bounces, complaints and unsubscribe
// messages for our VERP and unsubscribe addresses ([bounces] listen). Accepts RCPT only for
// addresses whose token verifies (never an open relay), limits message size and messages per
// client address per minute, answers 250 only after BounceIntake has stored what the message says.
// Runs on its own thread and io_context. Must never accept mail for any other address, or block
// the delivery or control threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "engine/bounce_intake.hpp"

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
  std::uint16_t port() const { return port_; }

  struct Shared; // per-listener state the connections use (rate limits, intake, config)

private:
  void accept();

  BounceListenerOptions options_;
  BounceIntake& intake_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

} // namespace volley::engine
