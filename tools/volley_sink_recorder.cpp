// VolleySinkRecorder: JSON lines, SHA-256 of each message and .eml files (see header). Must never
// leave a partial line behind a complete one (each line is written and flushed in one call).
#include "tools/volley_sink_recorder.hpp"

#include <chrono>

#include <openssl/evp.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "protocol/utf8.hpp"

namespace volley::tools {
namespace {

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

void append_escaped_byte(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
  case '"':
    out += "\\\"";
    return;
  case '\\':
    out += "\\\\";
    return;
  case '\n':
    out += "\\n";
    return;
  case '\r':
    out += "\\r";
    return;
  case '\t':
    out += "\\t";
    return;
  default:
    break;
  }
  if (c < 0x20 || c >= 0x7f) {
    out += "\\u00";
    out += kHex[c >> 4];
    out += kHex[c & 15];
  } else {
    out += static_cast<char>(c);
  }
}

std::string system_error_text() {
  return std::generic_category().message(errno);
}

} // namespace

void VolleySinkRecorder::append_json_string(std::string& out, std::string_view text) {
  out += '"';
  const bool utf8 = protocol::utf8::find_invalid(text) == std::string_view::npos;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (utf8 && byte >= 0x80)
      out += c; // valid UTF-8 passes through unchanged
    else
      append_escaped_byte(out, byte);
  }
  out += '"';
}

VolleySinkRecorder::VolleySinkRecorder(std::filesystem::path record_file,
                                       std::filesystem::path bodies_dir)
    : bodies_dir_(std::move(bodies_dir)) {
  if (!record_file.empty()) {
    record_ = std::fopen(record_file.c_str(), "a");
    if (record_ == nullptr)
      throw std::runtime_error("--record " + record_file.string() +
                               ": cannot open for appending: " + system_error_text() +
                               "; give a writable file path");
  }
  if (!bodies_dir_.empty()) {
    std::error_code error;
    std::filesystem::create_directories(bodies_dir_, error);
    if (error || !std::filesystem::is_directory(bodies_dir_))
      throw std::runtime_error("--record-bodies " + bodies_dir_.string() +
                               ": cannot create the directory: " + error.message() +
                               "; give a writable directory");
  }
}

VolleySinkRecorder::~VolleySinkRecorder() {
  if (record_ != nullptr)
    std::fclose(record_);
}

std::uint64_t VolleySinkRecorder::record(const protocol::SmtpServerEnvelope& envelope,
                                         const protocol::SmtpMessageContent& content) {
  const std::string digest = sha256_hex(content.body); // outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t n = next_++;
  if (!bodies_dir_.empty()) {
    const std::filesystem::path path = bodies_dir_ / (std::to_string(n) + ".eml");
    if (std::FILE* file = std::fopen(path.c_str(), "wb")) {
      std::fwrite(content.body.data(), 1, content.body.size(), file);
      std::fclose(file);
    }
  }
  if (record_ != nullptr) {
    line_ = "{\"n\":" + std::to_string(n) + ",\"mail_from\":";
    append_json_string(line_, envelope.mail_from);
    line_ += ",\"rcpts\":[";
    for (std::size_t i = 0; i < envelope.rcpts.size(); ++i) {
      if (i > 0)
        line_ += ',';
      append_json_string(line_, envelope.rcpts[i]);
    }
    line_ += "],\"size\":" + std::to_string(content.size);
    line_ += envelope.tls ? ",\"tls\":true" : ",\"tls\":false";
    line_ += ",\"sha256\":\"" + digest + "\"";
    // When the message was accepted (wall clock, ms): rate tests count arrivals per window.
    const auto at = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    line_ += ",\"at_ms\":" + std::to_string(at.count()) + "}\n";
    std::fwrite(line_.data(), 1, line_.size(), record_);
    std::fflush(record_);
  }
  return n;
}

} // namespace volley::tools
