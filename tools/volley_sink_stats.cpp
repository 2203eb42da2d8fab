// VolleySinkStats: counting and the JSON / summary texts (see header). Must never write a
// half-finished stats file where a reader could see it (rename into place).
#include "tools/volley_sink_stats.hpp"

#include <cerrno>
#include <cstdio>
#include <map>
#include <system_error>

namespace volley::tools {
namespace {

std::uint64_t load(const std::atomic<std::uint64_t>& counter) {
  return counter.load(std::memory_order_relaxed);
}

void append_field(std::string& out, const char* name, std::uint64_t value) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(value);
}

void append_time(std::string& out, const char* name, std::uint64_t unix_ms) {
  out += ",\"";
  out += name;
  out += "\":";
  out += unix_ms == 0 ? std::string("null") : std::to_string(unix_ms);
}

} // namespace

VolleySinkStats::VolleySinkStats(const VolleySinkFaultPlan& faults) : faults_(faults) {}

std::uint64_t VolleySinkStats::now_unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

void VolleySinkStats::recipient_rejected(int code) {
  if (code >= 400 && code < 600)
    bump(rejected_by_code_[static_cast<std::size_t>(code - 400)]);
}

void VolleySinkStats::message_accepted(std::uint64_t size, std::size_t recipients) {
  const std::uint64_t now = now_unix_ms();
  std::uint64_t expected = 0;
  first_message_unix_ms_.compare_exchange_strong(expected, now, std::memory_order_relaxed);
  last_message_unix_ms_.store(now, std::memory_order_relaxed);
  bump(messages_);
  recipients_delivered_.fetch_add(recipients, std::memory_order_relaxed);
  bytes_.fetch_add(size, std::memory_order_relaxed);
}

std::string VolleySinkStats::to_json() const {
  std::string out = "{\"connections\":" + std::to_string(load(connections_));
  append_field(out, "connections_open", load(connections_open_));
  append_field(out, "messages", load(messages_));
  append_field(out, "recipients_accepted", load(recipients_accepted_));
  append_field(out, "recipients_delivered", load(recipients_delivered_));
  out += ",\"recipients_rejected\":{";
  bool first = true;
  for (std::size_t i = 0; i < rejected_by_code_.size(); ++i) {
    if (const std::uint64_t count = load(rejected_by_code_[i]); count > 0) {
      out += (first ? "\"" : ",\"") + std::to_string(400 + i) + "\":" + std::to_string(count);
      first = false;
    }
  }
  out += "}";
  append_field(out, "bytes", load(bytes_));
  append_field(out, "tls_sessions", load(tls_sessions_));
  append_field(out, "tls_failures", load(tls_failures_));
  std::map<std::string, std::uint64_t> faults;
  for (std::size_t i = 0; i < faults_.faults().size(); ++i)
    faults[faults_.faults()[i].kind()] += faults_.injected(i);
  out += ",\"faults\":{";
  first = true;
  for (const auto& [kind, count] : faults) {
    out += (first ? "\"" : ",\"") + kind + "\":" + std::to_string(count);
    first = false;
  }
  out += "}";
  append_time(out, "first_message_unix_ms", load(first_message_unix_ms_));
  append_time(out, "last_message_unix_ms", load(last_message_unix_ms_));
  append_field(out, "uptime_ms",
               static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now() - started_)
                                              .count()));
  out += "}\n";
  return out;
}

std::string VolleySinkStats::write_file(const std::filesystem::path& path) const {
  const std::filesystem::path temp = path.string() + ".tmp";
  const std::string text = to_json();
  std::FILE* file = std::fopen(temp.c_str(), "w");
  if (file == nullptr)
    return "cannot write " + temp.string() + ": " + std::generic_category().message(errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = std::fclose(file) == 0;
  std::error_code error;
  if (written && closed)
    std::filesystem::rename(temp, path, error);
  if (!written || !closed || error)
    return "cannot write " + path.string() + " (disk full or not writable?)";
  return "";
}

std::string VolleySinkStats::summary() const {
  const std::uint64_t messages = load(messages_);
  const std::uint64_t first = load(first_message_unix_ms_);
  const std::uint64_t last = load(last_message_unix_ms_);
  std::string rate = "n/a";
  if (messages > 1 && last > first) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f",
                  static_cast<double>(messages - 1) * 1000.0 / static_cast<double>(last - first));
    rate = text;
  }
  return "volley-sink: " + std::to_string(load(connections_)) + " connections, " +
         std::to_string(messages) + " messages, " + std::to_string(load(recipients_delivered_)) +
         " recipients, " + std::to_string(load(bytes_)) + " bytes, " +
         std::to_string(load(tls_sessions_)) + " TLS sessions; " + rate +
         " msg/s between first and last message";
}

} // namespace volley::tools
