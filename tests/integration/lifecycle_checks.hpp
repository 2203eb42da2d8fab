// Test support for the DNS and lifecycle delivery tests: what a recording volley-sink received
// (recipients, per-address counts), the PID and CPU time of a VolleydProcess, and a SIGTERM stop
// with a watchdog so a hung shutdown fails the test instead of hanging it. Never signals a process
// other than the daemon the test started (found by its private config path).
#pragma once

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace volley::testing_support {

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Recipients in the sink's --record file, counting every copy.
inline std::uint64_t sink_recipients(const VolleySinkProcess& sink) {
  std::uint64_t n = 0;
  for (const auto& record : sink.records())
    n += record.at("rcpts").as_array().size();
  return n;
}

// How many times each address reached the sink.
inline std::map<std::string, int> sink_recipient_counts(const VolleySinkProcess& sink) {
  std::map<std::string, int> counts;
  for (const auto& record : sink.records())
    for (const auto& rcpt : record.at("rcpts").as_array())
      ++counts[std::string(rcpt.as_string())];
  return counts;
}

// The PID of the volleyd started by `daemon` (its command line names the daemon's own config), or
// -1 when it is not running.
// Every recipient exactly once in the sink record.
inline void expect_each_exactly_once(const VolleySinkProcess& sink,
                                     const std::vector<std::string>& recipients) {
  auto counts = sink_recipient_counts(sink);
  EXPECT_EQ(counts.size(), recipients.size());
  int missing = 0, twice = 0;
  for (const auto& r : recipients) {
    missing += counts[r] == 0;
    twice += counts[r] > 1;
  }
  EXPECT_EQ(missing, 0) << "recipients never delivered";
  EXPECT_EQ(twice, 0) << "recipients delivered more than once";
}

inline pid_t volleyd_pid(const VolleydProcess& daemon) {
  const std::string config = (daemon.dir() / "volleyd.toml").string();
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::string cmdline = read_text_file(entry.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find("volleyd ") != std::string::npos &&
        cmdline.find(" --config " + config) != std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

// utime + stime of `pid` in seconds, from /proc/PID/stat (fields 14 and 15).
inline double cpu_seconds(pid_t pid) {
  const std::string stat = read_text_file("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14)
      utime = std::stoull(field);
    if (i == 15)
      stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct StopResult {
  int status = 0; // as from waitpid
  double seconds = 0;
  bool watchdog_fired = false;
};

// daemon.stop() (SIGTERM and wait) with a watchdog that SIGKILLs the daemon after `limit`.
inline StopResult stop_with_watchdog(VolleydProcess& daemon, std::chrono::seconds limit) {
  const pid_t pid = volleyd_pid(daemon);
  std::atomic<bool> done{false};
  std::atomic<bool> fired{false};
  std::thread watchdog([&] {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!done && pid > 0) {
      fired = true;
      ::kill(pid, SIGKILL);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  StopResult result;
  result.status = daemon.stop();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done = true;
  watchdog.join();
  result.watchdog_fired = fired;
  return result;
}

} // namespace volley::testing_support
