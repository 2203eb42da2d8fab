// --record / --record-bodies of volley-sink: one JSON line per accepted message
// {"n","mail_from","rcpts","size","tls","sha256","at_ms"} appended to a file, and the message data written
// to DIR/<n>.eml. Thread-safe (one mutex); the line is flushed before the message's 250 is sent, so
// a client that saw 250 can read its record. Must never write a line that is not valid JSON.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include "protocol/smtp_server_envelope.hpp"

namespace volley::tools {

class VolleySinkRecorder {
public:
  // Either path may be empty (not recorded). Throws std::runtime_error naming the flag and path
  // when the file cannot be opened or the directory cannot be created.
  VolleySinkRecorder(std::filesystem::path record_file, std::filesystem::path bodies_dir);
  ~VolleySinkRecorder();
  VolleySinkRecorder(const VolleySinkRecorder&) = delete;
  VolleySinkRecorder& operator=(const VolleySinkRecorder&) = delete;

  // Records one accepted message (content.body must hold the data); returns its number n (1, 2,
  // ...).
  std::uint64_t record(const protocol::SmtpServerEnvelope& envelope,
                       const protocol::SmtpMessageContent& content);

  // Appends text as a JSON string literal; bytes that are not valid UTF-8 become \u00XX escapes.
  static void append_json_string(std::string& out, std::string_view text);

private:
  std::mutex mutex_;
  std::FILE* record_ = nullptr;
  std::filesystem::path bodies_dir_;
  std::uint64_t next_ = 1;
  std::string line_;
};

} // namespace volley::tools
