// Counters of one volley-sink run (connections, messages, recipients, bytes, TLS, injected faults,
// first/last message time) and their JSON form for --stats and the exit summary. Thread-safe with
// relaxed atomics; must never take a lock on the per-message path.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "tools/volley_sink_fault_plan.hpp"

namespace volley::tools {

class VolleySinkStats {
public:
  explicit VolleySinkStats(const VolleySinkFaultPlan& faults);

  void connection_opened() {
    bump(connections_);
    bump(connections_open_);
  }
  void connection_closed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void tls_session() { bump(tls_sessions_); }
  void tls_failure() { bump(tls_failures_); }
  void recipient_accepted() { bump(recipients_accepted_); }
  void recipient_rejected(int code); // 400..599
  void message_accepted(std::uint64_t size, std::size_t recipients);

  std::uint64_t messages() const { return messages_.load(std::memory_order_relaxed); }
  std::string to_json() const;
  // Writes to_json() to path atomically (temp file + rename). Returns "" or what failed.
  std::string write_file(const std::filesystem::path& path) const;
  // One human line for stdout at exit.
  std::string summary() const;

private:
  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
  }
  static std::uint64_t now_unix_ms();

  const VolleySinkFaultPlan& faults_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::atomic<std::uint64_t> connections_{0};
  std::atomic<std::uint64_t> connections_open_{0};
  std::atomic<std::uint64_t> tls_sessions_{0};
  std::atomic<std::uint64_t> tls_failures_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::atomic<std::uint64_t> recipients_accepted_{0};
  std::atomic<std::uint64_t> recipients_delivered_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> first_message_unix_ms_{0};
  std::atomic<std::uint64_t> last_message_unix_ms_{0};
  std::array<std::atomic<std::uint64_t>, 200> rejected_by_code_{}; // index = code - 400
};

} // namespace volley::tools
