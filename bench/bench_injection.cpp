// End-to-end injection benchmark: starts the real volleyd (durable spool, fsync on) in a temp dir
// and streams NDJSON recipient uploads over its Unix socket and over loopback TCP; reports
// recipients/s. Never asserts on timing; never talks to anything but the daemon it started.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "tools/control_client.hpp"

namespace {

class BenchDaemon {
public:
  BenchDaemon() {
    std::string pattern = (std::filesystem::temp_directory_path() / "volley-bench-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    std::ofstream(dir_ / "volleyd.toml") << "[spool]\npath = \"spool\"\ninitial_size = \"1GiB\"\n"
                                         << "[control]\nlisten = \"\"\nsocket = \"volley.sock\"\n"
                                         << "[log]\nfile = \"volleyd.log\"\nlevel = \"warn\"\n";
    std::string binary = std::string(VOLLEY_BINARY_DIR) + "/bin/volleyd";
    std::string config = (dir_ / "volleyd.toml").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 1500; ++i) {
      if (std::filesystem::exists(dir_ / "volley.sock")) {
        auto answer = client().request("GET", "/healthz");
        if (answer && answer->status == 200)
          return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("volleyd did not start (see " + (dir_ / "volleyd.log").string() + ")");
  }
  ~BenchDaemon() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    std::filesystem::remove_all(dir_);
  }
  volley::tools::ControlClient client() const {
    volley::tools::ControlEndpoint endpoint;
    endpoint.unix_socket = (dir_ / "volley.sock").string();
    return volley::tools::ControlClient(endpoint);
  }

private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

void BM_InjectNdjsonDurable(benchmark::State& state) {
  BenchDaemon daemon;
  auto client = daemon.client();
  auto created = client.request(
      "POST", "/v1/campaigns",
      R"({"id":"bench","from":"news@example.org","message":"Subject: hi\r\n\r\nbody\r\n"})");
  if (!created || created->status != 202) {
    state.SkipWithError("campaign create failed");
    return;
  }
  const std::uint64_t per_upload = static_cast<std::uint64_t>(state.range(0));
  std::uint64_t next = 0;
  for (auto _ : state) {
    std::uint64_t first = next;
    next += per_upload;
    std::uint64_t cursor = first;
    auto answer = client.upload_stream(
        "POST", "/v1/campaigns/bench/recipients",
        [&]() -> std::string {
          std::string chunk;
          while (cursor < first + per_upload && chunk.size() < 256 * 1024) {
            chunk += "{\"to\":\"user" + std::to_string(cursor) + "@d" +
                     std::to_string(cursor % 97) + ".example.com\",\"id\":\"" +
                     std::to_string(cursor) + "\"}\n";
            ++cursor;
          }
          return chunk;
        },
        "application/x-ndjson");
    if (!answer || answer->status != 202) {
      state.SkipWithError("upload failed");
      return;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(next));
}
BENCHMARK(BM_InjectNdjsonDurable)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

} // namespace

BENCHMARK_MAIN();
