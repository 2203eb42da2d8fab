// Test support: runs Postfix's smtp-sink (/usr/sbin/smtp-sink, package postfix) on 127.0.0.1 and a
// free port as a real, independent SMTP peer, in a private temp directory. Typical use:
//
//   SmtpSinkProcess sink({.dump = true});   // dump mode: keep every transaction for inspection
//   sink.start();                           // waits (<= 10 s) until it listens
//   ... deliver to sink.address() ...
//   EXPECT_TRUE(sink.wait_for_messages(100, std::chrono::seconds(30)));
//   EXPECT_EQ(sink.recipients(), 200u);     // dump mode only
//
// Counting: smtp-sink always runs with -c; its counter line ("sess=N quit=N mesg=N", rewritten
// after every session, QUIT and final ".") is updated before the 250 reply to "." is sent, so
// counters().messages is exact once a client has seen its replies. Dump mode (-D FILE -S MARKER)
// appends each completed transaction to one file in a single step (smtp-sink is single-threaded):
// the sink-made headers X-Helo-Args / X-Mail-Args / X-Rcpt-Args (one per accepted RCPT) precede
// the message, so recipients() is exact too. Dump mode is slow (disk); counting mode is not.
// As root, smtp-sink needs -u: it drops to "nobody" and the temp dir is handed to that user.
// Never listens on a non-loopback address; the destructor SIGKILLs a sink that still runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/peer_process.hpp"

namespace volley::testing_support {

struct SmtpSinkSettings {
  bool dump = false;                       // -D: keep every transaction (see dumped_messages())
  std::string hostname = "smtp-sink.test"; // -h: greeting and EHLO name
  int max_connections = 256;               // -m: simultaneous connections served
  int backlog = 1024;                      // listen(2) backlog
  std::vector<std::string> args{}; // more smtp-sink flags: {"-8"}, {"-p"}, {"-r", "rcpt"}, ...
};

struct SmtpSinkCounters {
  std::uint64_t sessions = 0; // connections ended
  std::uint64_t quits = 0;    // QUIT commands
  std::uint64_t messages = 0; // transactions completed with "."
};

struct SmtpSinkMessage {
  std::string helo;               // X-Helo-Args: the EHLO/HELO argument
  std::string mail_from;          // X-Mail-Args: "<addr> SIZE=..." as sent
  std::vector<std::string> rcpts; // X-Rcpt-Args: "<addr>" (+ parameters), one per RCPT
  std::string content;            // the message, LF line endings, dot-unstuffed
};

class SmtpSinkProcess {
public:
  explicit SmtpSinkProcess(SmtpSinkSettings settings = {});
  ~SmtpSinkProcess(); // SIGKILLs a running sink and removes the temp dir
  SmtpSinkProcess(const SmtpSinkProcess&) = delete;
  SmtpSinkProcess& operator=(const SmtpSinkProcess&) = delete;

  // Picks a free loopback port and starts smtp-sink there (up to 5 ports when one is taken
  // meanwhile); returns once the socket listens. Throws std::runtime_error with smtp-sink's
  // stderr when it cannot start within 10 s.
  void start();
  int stop(); // SIGTERM (then SIGKILL after 10 s); returns the exit code (128 + signal)
  bool running() { return process_.running(); }

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path dump_path() const { return dir_ / "dump" / "messages.txt"; }

  SmtpSinkCounters counters() const; // the last complete counter line
  std::uint64_t messages() const { return counters().messages; }
  // Accepted RCPTs of completed transactions; dump mode only (throws std::logic_error otherwise).
  std::uint64_t recipients() const;
  std::vector<SmtpSinkMessage> dumped_messages() const; // dump mode only
  // Polls counters() until messages >= count or the timeout passes; true when reached.
  bool wait_for_messages(std::uint64_t count, std::chrono::milliseconds timeout) const;
  std::string errors() const { return process_.errors(); }

private:
  bool try_start_on(std::uint16_t port); // false when the port was taken (sink exited)
  std::vector<std::string> command_line(std::uint16_t port) const;

  SmtpSinkSettings settings_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  PeerProcess process_;
};

std::string smtp_sink_path();
std::string smtp_source_path();

} // namespace volley::testing_support
