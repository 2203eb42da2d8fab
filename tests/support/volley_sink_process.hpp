// Test support: runs the real volley-sink binary (build/bin/volley-sink) on 127.0.0.1 with a free
// port, in a private temp directory holding its --stats file (always) and, when asked, its
// --record file and --record-bodies directory. Typical use:
//
//   VolleySinkProcess sink({.args = {"--fault", "rcpt:550:rcpt~bounce"}, .record = true});
//   sink.start();                        // waits (<= 10 s) for "listening on 127.0.0.1:PORT"
//   ... point a client at 127.0.0.1:sink.port() ...
//   EXPECT_EQ(sink.stop(), 0);           // SIGTERM; stats file and summary are final after this
//   EXPECT_EQ(sink.stats().at("messages").as_int64(), 1);
//
// Never listens on a non-loopback address and always kills what it started (destructor SIGKILLs).
#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace volley::testing_support {

struct VolleySinkSettings {
  std::vector<std::string> args; // extra flags: --fault, --tls-self-signed, --max-message-size...
  bool record = false;           // --record DIR/record.jsonl
  bool record_bodies = false;    // --record-bodies DIR/bodies
};

class VolleySinkProcess {
public:
  explicit VolleySinkProcess(VolleySinkSettings settings = {});
  ~VolleySinkProcess(); // SIGKILLs a running sink and removes the temp dir
  VolleySinkProcess(const VolleySinkProcess&) = delete;
  VolleySinkProcess& operator=(const VolleySinkProcess&) = delete;

  // Starts the sink and reads its port from the first stdout line. Throws std::runtime_error
  // with the sink's stderr when it exits or stays silent for 10 s.
  void start();
  // SIGTERM, waits up to 10 s (then SIGKILL); returns the exit code (128 + signal if killed).
  int stop();
  bool running() const { return pid_ > 0; }

  std::uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path dir() const { return dir_; }
  std::filesystem::path stats_path() const { return dir_ / "stats.json"; }
  std::filesystem::path record_path() const { return dir_ / "record.jsonl"; }
  std::filesystem::path bodies_dir() const { return dir_ / "bodies"; }

  boost::json::object stats() const;                // the stats file (throws if unreadable)
  std::vector<boost::json::object> records() const; // one object per complete record line
  std::string body(std::uint64_t n) const;          // bodies/<n>.eml
  std::string output() const { return output_; }    // stdout after the first line (after stop())
  std::string errors() const;                       // stderr so far

private:
  VolleySinkSettings settings_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string pending_; // stdout bytes read but not yet consumed
  std::string output_;
};

std::string volley_sink_path();

} // namespace volley::testing_support
