// Test support: runs tests/support/aiosmtpd_recorder.py (/usr/bin/python3, python3-aiosmtpd) on
// 127.0.0.1 and a free port: an independent SMTP server that records exactly what arrived, one
// record per DATA transaction, with optional reply rules. Typical use:
//
//   AiosmtpdServer server({.reject_rcpt = {"unknown=550 5.1.1 no such user"}});
//   server.start();                               // waits (<= 15 s) for "listening on ..."
//   ... deliver to server.address() ...
//   ASSERT_TRUE(server.wait_for_records(1, std::chrono::seconds(30)));
//   EXPECT_EQ(server.records()[0].rcpts, std::vector<std::string>{"a@b.test"});
//
// Never listens on a non-loopback address; the destructor SIGKILLs a server that still runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/peer_process.hpp"

namespace volley::testing_support {

struct AiosmtpdSettings {
  // Reply rules "SUBSTRING=CODE[ TEXT]" (case-insensitive substring; first match wins), e.g.
  // "unknown=550 5.1.1 no such user", "greylist=451".
  std::vector<std::string> reject_mail{}; // reply to MAIL FROM for matching senders
  std::vector<std::string> reject_rcpt{}; // reply to RCPT TO for matching recipients
  std::vector<std::string> reject_data{}; // final reply after DATA when a recipient matches
  bool smtputf8 = true;                   // offer SMTPUTF8
  std::string hostname = "aiosmtpd.test";
  std::filesystem::path tls_cert{}, tls_key{}; // both set: offer STARTTLS with this PEM pair
};

// One DATA transaction as the server saw it (accepted or rejected by a --reject-data rule).
struct AiosmtpdRecord {
  std::uint64_t n = 0;                   // 1, 2, ... in arrival order
  std::string ehlo;                      // the EHLO/HELO argument
  bool esmtp = false;                    // EHLO (true) or HELO
  std::string mail_from;                 // envelope sender ("" for the null sender)
  std::vector<std::string> mail_options; // upper-cased MAIL parameters, e.g. "BODY=8BITMIME"
  std::vector<std::string> rcpts;        // accepted recipients, in order
  bool body_8bitmime = false;            // MAIL FROM had BODY=8BITMIME
  bool smtputf8 = false;                 // MAIL FROM had SMTPUTF8
  bool tls = false;                      // after STARTTLS
  std::uint64_t size = 0;                // message bytes (dot-unstuffed, CRLF kept)
  std::string data;                      // the message, UTF-8 (invalid bytes replaced by U+FFFD)
  int reply = 0;                         // final reply code sent: 250 or a rule's code
};

class AiosmtpdServer {
public:
  explicit AiosmtpdServer(AiosmtpdSettings settings = {});
  ~AiosmtpdServer(); // SIGKILLs a running server and removes the temp dir
  AiosmtpdServer(const AiosmtpdServer&) = delete;
  AiosmtpdServer& operator=(const AiosmtpdServer&) = delete;

  // Starts the recorder and reads its port from the first stdout line. Throws std::runtime_error
  // with its stderr when it exits or stays silent for 15 s.
  void start();
  int stop(); // SIGTERM, waits up to 10 s (then SIGKILL); returns the exit code
  bool running() { return process_.running(); }

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path record_path() const { return dir_ / "records.jsonl"; }

  std::vector<AiosmtpdRecord> records() const; // complete lines of the record file so far
  // Polls records() until there are at least `count` or the timeout passes; true when reached.
  bool wait_for_records(std::size_t count, std::chrono::milliseconds timeout) const;
  std::string errors() const { return process_.errors(); }

private:
  std::vector<std::string> command_line() const;

  AiosmtpdSettings settings_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  PeerProcess process_;
};

std::string aiosmtpd_recorder_path();

} // namespace volley::testing_support
