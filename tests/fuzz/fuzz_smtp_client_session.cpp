// libFuzzer target for SmtpClientSession: arbitrary server bytes fed in fuzzer-chosen splits, with
// transactions sent whenever the session is ready (some with unsafe addresses, SMTPUTF8 or 8-bit
// bodies), TLS handshakes that succeed or fail, QUIT and a final connection loss. Checks: every
// recipient of every transaction gets exactly one final reply, a positive one only after the body
// was sent, at most one failed/closed event and nothing after it, bodies only as the transaction's
// shared data, and command lines always CRLF-terminated without bare CR/LF. Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/smtp_client_session.hpp"
#include "tests/fuzz/fuzz_choices.hpp"

namespace {

using namespace volley::protocol;
using volley::fuzzing::Choices;
using volley::fuzzing::require;

class SessionDriver {
public:
  SessionDriver(Choices& choices, SmtpClientOptions options)
      : choices_(choices), session_(std::move(options)) {}

  void feed(std::string_view bytes) {
    session_.on_bytes(bytes);
    settle();
  }

  void end() {
    session_.on_connection_lost("fuzz input ended");
    settle();
    require(!outstanding_); // nobody left without a final reply
    require(failed_events_ + closed_events_ == 1);
  }

private:
  void settle() {
    for (int round = 0; round < 64; ++round) {
      check_output();
      std::optional<SmtpEvent> event = session_.poll_event();
      if (!event)
        return;
      handle(*event);
    }
    std::abort(); // events must not keep coming without input
  }

  void handle(const SmtpEvent& event) {
    require(failed_events_ + closed_events_ == 0); // nothing after failed/closed
    switch (event.kind) {
    case SmtpEventKind::ready:
      require(!outstanding_ && session_.state() == SmtpClientState::ready);
      on_ready();
      break;
    case SmtpEventKind::start_tls:
      require(session_.state() == SmtpClientState::tls_handshake);
      if (choices_.next(4) == 0)
        session_.on_tls_failed("fuzz");
      else
        session_.on_tls_established();
      break;
    case SmtpEventKind::transaction_done:
      require(event.result.has_value());
      check_result(*event.result);
      break;
    case SmtpEventKind::failed:
      ++failed_events_;
      require(event.result.has_value() == outstanding_.has_value());
      require(event.failure.code >= 200 && event.failure.code <= 599);
      if (event.result)
        check_result(*event.result);
      break;
    case SmtpEventKind::closed:
      ++closed_events_;
      require(!outstanding_ && !event.result);
      break;
    }
  }

  void on_ready() {
    if (sent_ >= 12 || choices_.next(8) == 0) {
      session_.quit();
      return;
    }
    static const char* const kBodies[] = {"Subject: a\r\n\r\nhi\r\n", "", ".\r\n..\r\n",
                                          "no line end", "x\xC3\xA9\r\n"};
    SmtpTransaction t;
    t.mail_from = choices_.next(16) == 0 ? "bad\r\nfrom" : "a@b.test";
    const std::uint32_t count = 1 + choices_.next(4);
    for (std::uint32_t i = 0; i < count; ++i)
      t.recipients.push_back(choices_.next(8) == 0 ? "evil\n@x" : "r" + std::to_string(i) + "@x");
    t.data = std::make_shared<const std::string>(kBodies[choices_.next(5)]);
    t.eight_bit = choices_.next(2) == 0;
    t.smtputf8 = choices_.next(4) == 0;
    outstanding_ = t;
    body_sent_ = false;
    ++sent_;
    session_.send(std::move(t));
  }

  void check_result(const TransactionResult& result) {
    require(outstanding_.has_value());
    require(result.recipients.size() == outstanding_->recipients.size());
    bool any_dot = false;
    for (const RecipientReply& r : result.recipients) {
      require(r.reply.code >= 200 && r.reply.code <= 599);
      require(!r.reply.intermediate());
      if (r.reply.positive()) // an empty message has no body piece, only the terminator
        require(r.stage == SmtpStage::dot && (body_sent_ || outstanding_->data->empty()));
      any_dot = any_dot || r.stage == SmtpStage::dot;
    }
    if (body_sent_)
      require(any_dot);
    outstanding_.reset();
  }

  void check_output() {
    for (const SmtpOutput& piece : session_.take_output()) {
      if (piece.shared) {
        require(outstanding_ && piece.shared == outstanding_->data && !body_sent_);
        require(!piece.shared->empty());
        body_sent_ = true;
        continue;
      }
      check_command_bytes(piece.owned);
    }
  }

  static void check_command_bytes(std::string_view bytes) {
    require(bytes.size() >= 2 && bytes.ends_with("\r\n"));
    std::size_t line_length = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const char c = bytes[i];
      if (c == '\r')
        require(i + 1 < bytes.size() && bytes[i + 1] == '\n');
      if (c == '\n') {
        require(i > 0 && bytes[i - 1] == '\r');
        line_length = 0;
        continue;
      }
      require(c != '\0');
      require(++line_length <= 1024);
    }
  }

  Choices& choices_;
  SmtpClientSession session_;
  std::optional<SmtpTransaction> outstanding_;
  bool body_sent_ = false;
  int sent_ = 0;
  int failed_events_ = 0;
  int closed_events_ = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 9)
    return 0;
  Choices choices = Choices::from_input(data);
  SmtpClientOptions options;
  options.helo_name = "client.test";
  options.use_starttls = choices.next(4) != 0;
  options.require_tls = choices.next(4) == 0;
  options.reply_limits.max_line_bytes = 16 + choices.next(512);
  options.reply_limits.max_lines = 1 + choices.next(16);
  SessionDriver driver(choices, options);
  const std::string_view input(reinterpret_cast<const char*>(data + 8), size - 8);
  for (std::size_t pos = 0; pos < input.size();) {
    // Split mostly at line ends so that replies can land in separate reads.
    std::size_t chunk = input.find('\n', pos);
    chunk = chunk == std::string_view::npos ? input.size() - pos : chunk + 1 - pos;
    if (choices.next(4) == 0)
      chunk = 1 + choices.next(32);
    driver.feed(input.substr(pos, chunk));
    pos += chunk;
  }
  driver.end();
  return 0;
}
