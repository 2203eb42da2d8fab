// libFuzzer target for the inbound SMTP server session: arbitrary client bytes, fed in random
// splits, with random hook decisions (replies, 421, drop, garbage, delays, drop mid-body, answers
// left pending and resumed later), AUTH on or off, and TLS resets. Checks: no crash/UB, bounded
// buffering and output, and that every accepted body survives a dot-stuffing round trip through a
// fresh SmtpDataReceiver. Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/smtp_data_receiver.hpp"
#include "protocol/smtp_server_session.hpp"
#include "tests/fuzz/fuzz_choices.hpp"

namespace {

using namespace volley::protocol;
using volley::fuzzing::Choices;
using volley::fuzzing::require;

std::string dot_stuff(std::string_view body) {
  std::string out;
  bool line_start = true;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (line_start && body[i] == '.')
      out += '.';
    out += body[i];
    line_start = body[i] == '\n' && i > 0 && body[i - 1] == '\r';
  }
  return out;
}

class FuzzHooks : public SmtpServerHooks {
public:
  explicit FuzzHooks(Choices& choices, std::uint64_t max_size)
      : choices_(choices), max_size_(max_size) {}
  SmtpServerDecision on_connect() override { return decide(); }
  SmtpServerDecision on_hello(const SmtpServerEnvelope&, std::string_view) override {
    return decide();
  }
  SmtpServerDecision on_mail(const SmtpServerEnvelope& envelope) override {
    require(envelope.rcpts.empty());
    return decide();
  }
  SmtpServerDecision on_rcpt(const SmtpServerEnvelope&, std::string_view rcpt) override {
    require(!rcpt.empty());
    return decide();
  }
  SmtpServerDecision on_data(const SmtpServerEnvelope& envelope) override {
    require(!envelope.rcpts.empty());
    SmtpServerDecision decision = decide();
    decision.drop_during_body = choices_.next(16) == 0;
    return decision;
  }
  SmtpServerDecision on_end_of_data(const SmtpServerEnvelope&,
                                    const SmtpMessageContent& content) override {
    require(content.size <= max_size_);
    return choices_.next(4) == 0 ? SmtpServerDecision::later() : decide();
  }
  SmtpServerDecision on_auth(const SmtpServerEnvelope& envelope, std::string_view user,
                             std::string_view password) override {
    require(envelope.auth_user.empty() && !user.empty() && user.size() <= 255 &&
            password.size() <= 255);
    return choices_.next(4) == 0 ? SmtpServerDecision::later() : decide();
  }
  SmtpServerDecision decision() { return decide(); }
  void on_message(const SmtpServerEnvelope& envelope, const SmtpMessageContent& content) override {
    require(!envelope.rcpts.empty() && content.body.size() == content.size);
    const std::string stuffed = dot_stuff(content.body) + ".\r\n";
    SmtpDataReceiver again;
    again.start(max_size_, true);
    require(again.consume(stuffed) == stuffed.size());
    require(again.finished() && again.body() == content.body);
  }

private:
  SmtpServerDecision decide() {
    static constexpr int kCodes[] = {421, 450, 451, 452, 550, 552, 554, 200, 700};
    SmtpServerDecision decision;
    switch (choices_.next(12)) {
    case 0:
      decision = SmtpServerDecision::replied(kCodes[choices_.next(9)], "4.0.0", "no");
      break;
    case 1:
      decision =
          choices_.next(4) == 0 ? SmtpServerDecision::dropped() : SmtpServerDecision::malformed();
      break;
    case 2:
      decision.delay_ms = choices_.next(1000);
      break;
    default:
      break;
    }
    return decision;
  }
  Choices& choices_;
  std::uint64_t max_size_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 9)
    return 0;
  Choices choices = Choices::from_input(data);
  SmtpServerConfig config;
  config.max_message_size = 1 + choices.next(4096);
  config.max_line_bytes = 16 + choices.next(512);
  config.max_recipients = 1 + choices.next(8);
  config.tls_available = choices.next(2) == 0;
  config.pipelining = choices.next(2) == 0;
  config.auth_available = choices.next(2) == 0;
  config.auth_without_tls = choices.next(2) == 0;
  config.auth_required = choices.next(2) == 0;
  config.keep_body = true;
  FuzzHooks hooks(choices, config.max_message_size);
  SmtpServerSession session(config, hooks);
  session.start();
  const std::string_view input(reinterpret_cast<const char*>(data + 8), size - 8);
  std::size_t output_bytes = 0;
  SmtpServerOutput output;
  for (std::size_t pos = 0; pos < input.size();) {
    const std::size_t chunk = 1 + choices.next(64);
    session.feed(input.substr(pos, chunk));
    pos += chunk;
    if (session.state() == SmtpServerSession::State::pending && choices.next(2) == 0)
      session.resume(hooks.decision());
    require(session.held_bytes() <= input.size());
    require(session.buffered_bytes() <= config.max_line_bytes + 1);
    session.take_output(output);
    output_bytes += output.bytes.size();
    for (std::size_t i = 1; i < output.pauses.size(); ++i)
      require(output.pauses[i - 1].offset <= output.pauses[i].offset);
    if (output.start_tls_after)
      session.tls_started();
    if (output.close_after)
      require(session.state() == SmtpServerSession::State::closed);
  }
  require(output_bytes <= 256 * (input.size() + 1));
  return 0;
}
