// The files of the event log on disk: events.jsonl (being written) and its rotated predecessors
// events.jsonl.1 (newest) ... events.jsonl.N, each holding whole lines with increasing seq.
// Shared by the writer (EventLog) and the reader (WebhookSender). Reads only; never writes,
// renames or deletes a file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace volley::engine {

struct EventFileInfo {
  std::string path;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::optional<std::uint64_t> first_seq; // nullopt: no complete event line yet
};

// "<path>" for n == 0, "<path>.<n>" otherwise.
std::string event_file_path(const std::string& path, std::size_t n);

// The current file and the rotated ones (.1 ... .max_rotated, and beyond while they exist) that
// hold at least one event, sorted by first seq (oldest first), each inode once. Safe while the
// writer rotates: a file renamed during the scan is seen at least once.
std::vector<EventFileInfo> list_event_files(const std::string& path, std::size_t max_rotated);

// The seq of the first complete line of a file.
std::optional<std::uint64_t> first_event_seq(const std::string& file);

// The seq of the last complete line with a seq within the file's last 1 MiB.
std::optional<std::uint64_t> last_event_seq(const std::string& file);

// Inode of a file (0 when it does not exist).
std::uint64_t file_inode(const std::string& file);

} // namespace volley::engine
