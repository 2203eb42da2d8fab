// Webhook cursor file (see webhook_cursor.hpp).
#include "engine/webhook_cursor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace volley::engine {
namespace {

std::uint64_t number_field(const boost::json::object& object, std::string_view name, bool required,
                           const std::string& path) {
  const boost::json::value* value = object.if_contains(name);
  if (!value) {
    if (!required)
      return 0;
    throw std::runtime_error("webhook cursor " + path + " has no \"" + std::string(name) + "\"");
  }
  boost::system::error_code ec;
  auto n = value->is_number() ? value->to_number<std::uint64_t>(ec) : 0;
  if (!value->is_number() || ec) {
    throw std::runtime_error("webhook cursor " + path + ": \"" + std::string(name) +
                             "\" is not a non-negative integer");
  }
  return n;
}

} // namespace

std::string webhook_cursor_path(const std::string& log_file) {
  return log_file + ".cursor";
}

std::optional<WebhookCursor> load_webhook_cursor(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return std::nullopt;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string hint = " — fix it, or replace it with {\"acked_seq\": N} to resume after event "
                           "N (deleting it re-sends every event still in the log)";
  boost::system::error_code parse_error;
  auto value = boost::json::parse(text.str(), parse_error);
  if (!in || parse_error || !value.is_object())
    throw std::runtime_error("webhook cursor " + path + " is not a JSON object" + hint);
  try {
    const auto& object = value.as_object();
    WebhookCursor cursor;
    cursor.acked_seq = number_field(object, "acked_seq", true, path);
    cursor.file_inode = number_field(object, "file_inode", false, path);
    cursor.file_first_seq = number_field(object, "file_first_seq", false, path);
    cursor.offset = number_field(object, "offset", false, path);
    return cursor;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(e.what() + hint);
  }
}

bool store_webhook_cursor(const std::string& path, const WebhookCursor& cursor,
                          std::string& error) {
  std::string text = "{\"acked_seq\":" + std::to_string(cursor.acked_seq) +
                     ",\"file_inode\":" + std::to_string(cursor.file_inode) +
                     ",\"file_first_seq\":" + std::to_string(cursor.file_first_seq) +
                     ",\"offset\":" + std::to_string(cursor.offset) + "}\n";
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = "cannot create " + temp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  int write_errno = errno;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(ok ? errno : write_errno);
    ::unlink(temp.c_str());
    return false;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return true;
}

} // namespace volley::engine
