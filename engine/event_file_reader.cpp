// EventFileReader (see event_file_reader.hpp). A file is known to be complete once the log's path
// names another inode: the writer renames a file only after its last write, so one more read after
// seeing the rename gets every line.
#include "engine/event_file_reader.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/event_log_files.hpp"
#include "engine/event_record.hpp"

namespace volley::engine {
namespace {

constexpr std::size_t read_chunk = 256u << 10;
constexpr std::size_t max_line = 16u << 20; // a longer "line" is damage, not an event

} // namespace

EventFileReader::EventFileReader(std::string log_path, std::size_t max_rotated)
    : path_(std::move(log_path)), max_rotated_(max_rotated) {}

EventFileReader::~EventFileReader() {
  close_file();
}

void EventFileReader::seek(std::uint64_t next_seq, const WebhookCursor* hint) {
  close_file();
  next_seq_ = next_seq;
  use_hint_ = hint && hint->file_inode != 0 && hint->acked_seq + 1 == next_seq;
  if (use_hint_)
    hint_ = *hint;
}

void EventFileReader::close_file() {
  if (fd_ >= 0)
    ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void EventFileReader::skip_to(std::uint64_t seq, const std::string& why) {
  spdlog::warn("webhook: events seq {}..{} are lost ({}); they were never sent — raise "
               "[events] keep to keep more rotated files",
               next_seq_, seq - 1, why);
  lost_ += seq - next_seq_;
  next_seq_ = seq;
}

// Opens the newest file whose first seq is <= next_seq_: the only one that can hold next_seq_.
// When that is the rotated file already read to its end, the next file has no line yet.
bool EventFileReader::locate() {
  auto files = list_event_files(path_, max_rotated_);
  if (files.empty())
    return false;
  const EventFileInfo* chosen = nullptr;
  for (const EventFileInfo& f : files)
    if (*f.first_seq <= next_seq_)
      chosen = &f;
  if (!chosen) { // even the oldest file starts after next_seq_
    chosen = &files.front();
    skip_to(*chosen->first_seq, "deleted by rotation before they were sent");
  }
  if (chosen->inode == finished_inode_ && *chosen->first_seq == finished_first_seq_)
    return false;
  fd_ = ::open(chosen->path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  if (fd_ >= 0 &&
      (::fstat(fd_, &st) != 0 || static_cast<std::uint64_t>(st.st_ino) != chosen->inode))
    close_file();
  if (fd_ < 0)
    return false; // renamed or deleted meanwhile: the next call looks again
  file_ = chosen->path;
  inode_ = chosen->inode;
  first_seq_ = *chosen->first_seq;
  offset_ = 0;
  if (use_hint_ && hint_.file_inode == inode_ && hint_.file_first_seq == first_seq_ &&
      hint_.offset <= chosen->size)
    offset_ = hint_.offset;
  use_hint_ = false;
  return true;
}

void EventFileReader::take_lines(std::vector<EventLine>& lines, std::size_t max) {
  std::size_t start = 0;
  while (lines.size() < max) {
    std::size_t newline = buffer_.find('\n', start);
    if (newline == std::string::npos)
      break;
    std::string_view line(buffer_.data() + start, newline - start);
    std::uint64_t end = offset_ + newline + 1;
    auto seq = event_line_seq(line);
    if (!seq && !line.empty() && bad_lines_++ < 10) {
      spdlog::warn("webhook: {} at byte {} is not an event line; skipped", file_,
                   end - line.size() - 1);
    }
    if (seq && *seq >= next_seq_) {
      if (*seq > next_seq_)
        skip_to(*seq, "missing from " + file_);
      lines.push_back(EventLine{*seq, std::string(line), inode_, first_seq_, end});
      next_seq_ = *seq + 1;
    }
    start = newline + 1;
  }
  buffer_.erase(0, start);
  offset_ += start;
}

void EventFileReader::read_available(std::vector<EventLine>& lines, std::size_t max) {
  take_lines(lines, max);
  while (lines.size() < max) {
    std::size_t had = buffer_.size();
    buffer_.resize(had + read_chunk);
    ssize_t n = ::pread(fd_, buffer_.data() + had, read_chunk, static_cast<off_t>(offset_ + had));
    buffer_.resize(had + static_cast<std::size_t>(n > 0 ? n : 0));
    if (n <= 0)
      return;
    take_lines(lines, max);
    if (buffer_.size() > max_line) {
      spdlog::warn("webhook: {} holds {} bytes without a line end at byte {}; skipped", file_,
                   buffer_.size(), offset_);
      offset_ += buffer_.size();
      buffer_.clear();
    }
  }
}

std::vector<EventLine> EventFileReader::read(std::size_t max) {
  std::vector<EventLine> lines;
  for (int files = 0; lines.size() < max && files < 64; ++files) {
    if (fd_ < 0 && !locate())
      break;
    read_available(lines, max);
    if (lines.size() >= max || file_inode(path_) == inode_)
      break;                    // full, or this is still the file being written
    read_available(lines, max); // renamed away: its last lines are in by now
    if (lines.size() >= max)
      break;
    finished_inode_ = inode_;
    finished_first_seq_ = first_seq_;
    close_file();
  }
  return lines;
}

} // namespace volley::engine
