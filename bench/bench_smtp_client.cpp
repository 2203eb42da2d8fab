// Micro-benchmarks of the SMTP client hot paths: reply parsing (a single-line RCPT answer, a
// multi-line EHLO answer), prepare_message_data on 2 KB / 20 KB / 200 KB messages, and a whole
// pipelined 10-recipient transaction through SmtpClientSession fed canned replies.
// Never part of ctest; inputs are synthetic but shaped like real traffic.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "protocol/smtp_client_session.hpp"
#include "protocol/smtp_message_data.hpp"
#include "protocol/smtp_reply.hpp"

namespace {

using namespace volley::protocol;

void parse_replies(benchmark::State& state, const std::string& wire, std::size_t replies_in_wire) {
  SmtpReplyParser parser;
  SmtpReply reply;
  std::size_t parsed = 0;
  for (auto _ : state) {
    parser.feed(wire);
    while (parser.next(reply) == SmtpReplyParser::Status::reply)
      ++parsed;
    benchmark::DoNotOptimize(reply);
  }
  if (parsed != state.iterations() * replies_in_wire)
    state.SkipWithError("parser lost replies");
  state.SetItemsProcessed(static_cast<std::int64_t>(parsed));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}

void BM_ParseSingleLineReply(benchmark::State& state) {
  parse_replies(state, "250 2.1.5 Recipient <first.last@example.com> ok\r\n", 1);
}

void BM_ParseEhloReply(benchmark::State& state) {
  parse_replies(state,
                "250-mx.example.com Hello client.example.net [192.0.2.10]\r\n"
                "250-PIPELINING\r\n250-SIZE 52428800\r\n250-ETRN\r\n250-STARTTLS\r\n"
                "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
                "250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n",
                1);
}

// A message of about `bytes` bytes: headers, then 76-column LF-terminated lines, some with dots.
std::string raw_message(std::size_t bytes) {
  std::string raw = "From: News <news@example.com>\nTo: first.last@example.org\n"
                    "Subject: Weekly digest\nMIME-Version: 1.0\n\n";
  for (int line = 0; raw.size() < bytes; ++line)
    raw += (line % 20 == 0 ? "." : "") + std::string(75, 'a' + line % 26) + "\n";
  return raw;
}

void BM_PrepareMessageData(benchmark::State& state) {
  const std::string raw = raw_message(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string data = prepare_message_data(raw);
    benchmark::DoNotOptimize(data);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
}

// One session reused for every iteration: send, feed the pipelined answers, feed the final reply.
void BM_PipelinedTransaction(benchmark::State& state) {
  constexpr int kRecipients = 10;
  SmtpClientOptions options;
  options.helo_name = "client.example.net";
  SmtpClientSession session(options);
  session.on_bytes("220 mx.example.com ESMTP\r\n");
  session.on_bytes("250-mx.example.com\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n"
                   "250 8BITMIME\r\n");
  session.take_output();
  while (session.poll_event()) {
  }
  std::string group_replies = "250 2.1.0 ok\r\n";
  for (int i = 0; i < kRecipients; ++i)
    group_replies += "250 2.1.5 ok\r\n";
  group_replies += "354 go ahead\r\n";
  const auto data = std::make_shared<const std::string>(prepare_message_data(raw_message(2048)));
  std::vector<std::string> recipients;
  for (int i = 0; i < kRecipients; ++i)
    recipients.push_back("user" + std::to_string(i) + "@example.org");
  std::size_t written = 0;
  for (auto _ : state) {
    SmtpTransaction t;
    t.mail_from = "bounce-123@example.com";
    t.recipients = recipients;
    t.data = data;
    session.send(std::move(t));
    session.on_bytes(group_replies);
    session.on_bytes("250 2.0.0 queued as 4XyZ\r\n");
    for (const SmtpOutput& piece : session.take_output())
      written += piece.bytes().size();
    while (std::optional<SmtpEvent> event = session.poll_event())
      benchmark::DoNotOptimize(event);
  }
  if (session.state() != SmtpClientState::ready)
    state.SkipWithError("session did not return to ready");
  state.SetItemsProcessed(state.iterations() * kRecipients);
  state.SetBytesProcessed(static_cast<std::int64_t>(written));
}

} // namespace

BENCHMARK(BM_ParseSingleLineReply);
BENCHMARK(BM_ParseEhloReply);
BENCHMARK(BM_PrepareMessageData)->Arg(2 * 1024)->Arg(20 * 1024)->Arg(200 * 1024);
BENCHMARK(BM_PipelinedTransaction);
BENCHMARK_MAIN();
