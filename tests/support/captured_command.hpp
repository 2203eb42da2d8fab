// Test support: runs a program (no shell) with a time limit and captures its exit status, stdout
// and stderr. Used to drive real clients (smtp-source, /usr/bin/python3 probes) against loopback
// servers. Never leaves the child running: on timeout it is SIGKILLed and reaped.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace volley::testing_support {

struct CapturedCommand {
  int exit_code = -1;     // exit status, or 128 + signal number when killed by a signal
  bool timed_out = false; // killed because the time limit passed
  std::string out;
  std::string err;
};

// argv[0] is the program path. Throws std::runtime_error when it cannot be started.
CapturedCommand capture_command(const std::vector<std::string>& argv,
                                std::chrono::milliseconds timeout = std::chrono::seconds(120));

} // namespace volley::testing_support
