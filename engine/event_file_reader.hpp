// EventFileReader: reads event lines in seq order from the event log's files for the webhook,
// following rotation: it finishes a rotated file before it moves on to the newer one, finds its
// place again by seq after a restart (or from a cursor hint), and warns with the seq range when
// events were deleted (rotated past events.keep) before they were read. Reads only complete lines
// that parse as JSON. Never writes, renames or deletes a file; one thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/webhook_cursor.hpp"

namespace volley::engine {

struct EventLine {
  std::uint64_t seq = 0;
  std::string text; // the JSON object, without the newline
  // Where the line after this one starts (for the cursor).
  std::uint64_t file_inode = 0;
  std::uint64_t file_first_seq = 0;
  std::uint64_t end_offset = 0;
};

class EventFileReader {
public:
  EventFileReader(std::string log_path, std::size_t max_rotated);
  ~EventFileReader();
  EventFileReader(const EventFileReader&) = delete;
  EventFileReader& operator=(const EventFileReader&) = delete;

  // The next line to return has seq >= next_seq; hint (a cursor) may name where it starts.
  void seek(std::uint64_t next_seq, const WebhookCursor* hint = nullptr);
  // Up to max lines with increasing seq, or fewer when the log holds no more yet.
  std::vector<EventLine> read(std::size_t max);
  std::uint64_t next_seq() const { return next_seq_; }
  // Events found missing (deleted before they were read) since construction.
  std::uint64_t lost() const { return lost_; }

private:
  bool locate();
  void read_available(std::vector<EventLine>& lines, std::size_t max);
  void take_lines(std::vector<EventLine>& lines, std::size_t max);
  void close_file();
  void skip_to(std::uint64_t seq, const std::string& why);

  std::string path_;
  std::size_t max_rotated_;
  std::uint64_t next_seq_ = 1;
  WebhookCursor hint_;
  bool use_hint_ = false;
  int fd_ = -1;
  std::string file_;
  std::uint64_t inode_ = 0;
  std::uint64_t first_seq_ = 0;
  std::uint64_t offset_ = 0; // file offset of buffer_[0]
  std::string buffer_;       // bytes read but not yet consumed (at most a partial line at EOF)
  std::uint64_t finished_inode_ = 0; // the rotated file read to its end (not to be read again)
  std::uint64_t finished_first_seq_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t bad_lines_ = 0;
};

} // namespace volley::engine
