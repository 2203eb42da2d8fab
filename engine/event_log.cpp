// EventLog (see event_log.hpp). One writer thread owns the file descriptor, the seq counter and
// rotation; emit() only appends to a queue under the mutex. A failed write is truncated back to
// the last whole batch and retried every second with the same seqs; a backlog of more than 64 MiB
// (a disk that keeps refusing) is dropped with an error naming its seqs.
#include "engine/event_log.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "engine/event_log_files.hpp"

namespace volley::engine {
namespace {

constexpr std::size_t max_unwritten = 64u << 20; // formatted lines kept while writes fail

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void sync_directory(const std::string& file) {
  std::string dir = std::filesystem::path(file).parent_path().string();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// Offset just after the last '\n' of the file (0 when it has none).
std::uint64_t end_of_last_line(int fd, std::uint64_t size) {
  constexpr std::uint64_t chunk = 64u << 10;
  std::string buffer;
  for (std::uint64_t end = size; end > 0;) {
    std::uint64_t start = end > chunk ? end - chunk : 0;
    buffer.resize(static_cast<std::size_t>(end - start));
    if (::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(start)) !=
        static_cast<ssize_t>(buffer.size()))
      return size; // unreadable: keep the file as it is
    std::size_t newline = buffer.rfind('\n');
    if (newline != std::string::npos)
      return start + newline + 1;
    end = start;
  }
  return 0;
}

} // namespace

std::array<bool, event_kind_count> event_kinds_from_names(const std::vector<std::string>& names) {
  std::array<bool, event_kind_count> kinds{};
  for (const std::string& name : names)
    if (auto kind = event_kind_from_name(name))
      kinds[static_cast<std::size_t>(*kind)] = true;
  return kinds;
}

EventLog::EventLog(EventLogOptions options, EventMetrics* metrics)
    : options_(std::move(options)), metrics_(metrics ? metrics : &own_metrics_) {
  std::filesystem::path parent = std::filesystem::path(options_.path).parent_path();
  std::error_code ec;
  if (!parent.empty())
    std::filesystem::create_directories(parent, ec);
  if (!open_current())
    throw std::runtime_error(open_error_);
  recover_seq();
  writer_ = std::thread([this] { run(); });
}

EventLog::~EventLog() {
  stop();
}

bool EventLog::wants_any() const {
  for (bool wanted : options_.kinds)
    if (wanted)
      return true;
  return false;
}

bool EventLog::open_current() {
  fd_ = ::open(options_.path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    open_error_ = "cannot open the event log " + options_.path + ": " + std::strerror(errno) +
                  " — check [events] log_file and the directory's permissions";
    return false;
  }
  struct stat st {};
  ::fstat(fd_, &st);
  size_ = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t whole = end_of_last_line(fd_, size_);
  if (whole < size_) {
    spdlog::warn("event log {}: dropping a torn last line ({} bytes) left by an interrupted write",
                 options_.path, size_ - whole);
    if (::ftruncate(fd_, static_cast<off_t>(whole)) == 0)
      size_ = whole;
  }
  return true;
}

void EventLog::recover_seq() {
  std::uint64_t last = 0;
  if (auto seq = last_event_seq(options_.path)) {
    last = *seq;
  } else {
    auto files = list_event_files(options_.path, options_.keep);
    if (!files.empty())
      last = last_event_seq(files.back().path).value_or(*files.back().first_seq);
  }
  seq_ = std::max(last, options_.seq_floor);
  last_seq_ = seq_;
  metrics_->last_seq = seq_;
  spdlog::info("event log {}: next seq {}", options_.path, seq_ + 1);
}

void EventLog::emit(Event event) {
  std::vector<Event> one;
  one.push_back(std::move(event));
  emit(std::move(one));
}

void EventLog::emit(std::vector<Event> events) {
  std::int64_t now = now_ms();
  std::lock_guard lock(mutex_);
  if (stopping_) {
    spdlog::warn("event log {} is stopped: {} event(s) not written", options_.path, events.size());
    return;
  }
  std::size_t before = queued_.size();
  for (Event& event : events) {
    if (!wants(event.kind))
      continue;
    if (event.at_ms == 0)
      event.at_ms = now;
    queued_.push_back(std::move(event));
  }
  emitted_ += queued_.size() - before;
  if (queued_.size() > before)
    wake_.notify_one();
}

void EventLog::flush() {
  std::unique_lock lock(mutex_);
  std::uint64_t target = emitted_;
  handled_.wait(lock, [&] { return done_ >= target || stopped_; });
}

void EventLog::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable())
    writer_.join();
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  stopped_ = true;
  handled_.notify_all();
}

std::uint64_t EventLog::last_seq() const {
  std::lock_guard lock(mutex_);
  return last_seq_;
}

void EventLog::count_handled(std::uint64_t n) {
  std::lock_guard lock(mutex_);
  done_ += n;
  handled_.notify_all();
}

void EventLog::run() {
  std::string lines; // formatted, not yet written (kept across a failed write)
  std::size_t count = 0;
  for (;;) {
    std::vector<Event> batch;
    bool stop = false;
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] { return stopping_ || !queued_.empty(); };
      if (count > 0) // a failed write waits a second before the retry
        wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
      else
        wake_.wait(lock, ready);
      batch.swap(queued_);
      stop = stopping_;
    }
    for (const Event& event : batch) {
      lines += event_json(event, ++seq_);
      lines += '\n';
    }
    count += batch.size();
    if (count == 0) {
      if (stop)
        return;
      continue;
    }
    if (write_lines(lines, count)) {
      {
        std::lock_guard lock(mutex_);
        last_seq_ = seq_;
      }
      metrics_->written += count;
      metrics_->last_seq = seq_;
      count_handled(count);
      lines.clear();
      count = 0;
      if (on_written_)
        on_written_();
    } else if (stop || lines.size() > max_unwritten) {
      spdlog::error("event log {}: events seq {}..{} dropped: they could not be written {}",
                    options_.path, seq_ - count + 1, seq_,
                    stop ? "before shutdown" : "and the backlog passed 64 MiB");
      count_handled(count);
      lines.clear();
      count = 0;
      if (stop)
        return;
    }
  }
}

bool EventLog::write_lines(const std::string& lines, std::size_t count) {
  if (size_ > 0 && size_ + lines.size() > options_.rotate_size)
    rotate();
  if (fd_ < 0 && !open_current()) {
    spdlog::error("{}; retrying in 1 s", open_error_);
    return false;
  }
  std::size_t written = 0;
  int error = 0;
  while (written < lines.size()) {
    ssize_t n = ::write(fd_, lines.data() + written, lines.size() - written);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (error == 0 && options_.sync && ::fdatasync(fd_) != 0)
    error = errno;
  if (error == 0) {
    size_ += lines.size();
    return true;
  }
  spdlog::error("event log {}: writing {} event(s) failed: {}; retrying in 1 s", options_.path,
                count, std::strerror(error));
  if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0)
    spdlog::error("event log {}: cannot cut back a partial write: {}", options_.path,
                  std::strerror(errno));
  return false;
}

void EventLog::rotate() {
  if (fd_ >= 0) {
    if (options_.sync)
      ::fdatasync(fd_);
    ::close(fd_);
  }
  fd_ = -1;
  size_ = 0;
  const std::string& path = options_.path;
  auto rename_file = [](const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
      spdlog::error("event log rotation: cannot rename {} to {}: {}", from, to,
                    std::strerror(errno));
  };
  if (options_.keep == 0) {
    ::unlink(path.c_str());
  } else {
    ::unlink(event_file_path(path, options_.keep).c_str());
    for (std::size_t n = options_.keep - 1; n >= 1; --n)
      rename_file(event_file_path(path, n), event_file_path(path, n + 1));
    rename_file(path, event_file_path(path, 1));
  }
  sync_directory(path);
  if (open_current())
    spdlog::info("event log {} rotated (kept {} older file(s))", path, options_.keep);
}

} // namespace volley::engine
