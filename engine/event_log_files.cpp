// Event log file helpers (see event_log_files.hpp). Bounded reads: the first line is read up to
// 1 MiB, the tail up to 1 MiB; never loads a whole file.
#include "engine/event_log_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>

#include "engine/event_record.hpp"

namespace volley::engine {
namespace {

constexpr std::size_t max_scan = 1u << 20;
constexpr std::size_t head_size = 64u << 10;

std::string read_range(int fd, std::uint64_t offset, std::size_t length) {
  std::string out(length, '\0');
  std::size_t got = 0;
  while (got < length) {
    ssize_t n = ::pread(fd, out.data() + got, length - got, static_cast<off_t>(offset + got));
    if (n <= 0)
      break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return out;
}

std::optional<std::uint64_t> first_seq_of(int fd) {
  std::string head = read_range(fd, 0, head_size);
  std::size_t newline = head.find('\n');
  if (newline == std::string::npos && head.size() == head_size) {
    head = read_range(fd, 0, max_scan);
    newline = head.find('\n');
  }
  if (newline == std::string::npos)
    return std::nullopt;
  return event_line_seq(std::string_view(head).substr(0, newline));
}

} // namespace

std::string event_file_path(const std::string& path, std::size_t n) {
  return n == 0 ? path : path + "." + std::to_string(n);
}

std::uint64_t file_inode(const std::string& file) {
  struct stat st {};
  return ::stat(file.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

std::optional<std::uint64_t> first_event_seq(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  auto seq = first_seq_of(fd);
  ::close(fd);
  return seq;
}

std::optional<std::uint64_t> last_event_seq(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::nullopt;
  struct stat st {};
  ::fstat(fd, &st);
  auto size = static_cast<std::uint64_t>(st.st_size);
  std::uint64_t start = size > max_scan ? size - max_scan : 0;
  std::string tail = read_range(fd, start, static_cast<std::size_t>(size - start));
  ::close(fd);
  std::size_t end = tail.rfind('\n'); // only complete lines count
  while (end != std::string::npos && end > 0) {
    std::size_t begin = tail.rfind('\n', end - 1);
    std::size_t from = begin == std::string::npos ? 0 : begin + 1;
    if (begin != std::string::npos || start == 0) {
      if (auto seq = event_line_seq(std::string_view(tail).substr(from, end - from)))
        return seq;
    }
    if (begin == std::string::npos)
      break;
    end = begin;
  }
  return std::nullopt;
}

std::vector<EventFileInfo> list_event_files(const std::string& path, std::size_t max_rotated) {
  std::vector<EventFileInfo> files;
  for (std::size_t n = 0;; ++n) {
    std::string name = event_file_path(path, n);
    // Inode, size and first line all from one open file: the name may move on meanwhile.
    int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && n > max_rotated)
      break;
    if (fd < 0)
      continue;
    struct stat st {};
    ::fstat(fd, &st);
    auto inode = static_cast<std::uint64_t>(st.st_ino);
    bool seen = std::any_of(files.begin(), files.end(),
                            [&](const EventFileInfo& f) { return f.inode == inode; });
    std::optional<std::uint64_t> first;
    if (!seen && st.st_size > 0)
      first = first_seq_of(fd);
    ::close(fd);
    if (first)
      files.push_back({name, inode, static_cast<std::uint64_t>(st.st_size), first});
  }
  std::sort(files.begin(), files.end(), [](const EventFileInfo& a, const EventFileInfo& b) {
    return *a.first_seq < *b.first_seq;
  });
  return files;
}

} // namespace volley::engine
