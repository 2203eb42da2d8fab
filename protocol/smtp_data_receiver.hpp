// Receives the body of one SMTP DATA command (RFC 5321 §4.5.2): removes the transparency dot at the
// start of lines, finds the terminating CRLF "." CRLF however the bytes are split across reads, and
// counts (optionally keeps) the message bytes. Must never keep more than max_size bytes, never look
// past the terminator (what follows belongs to the next command), and never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace volley::protocol {

class SmtpDataReceiver {
public:
  // Begins a new body right after the CRLF of the DATA command line.
  void start(std::uint64_t max_size, bool keep_body);
  // Consumes bytes up to and including the terminating ".\r\n"; returns how many were consumed
  // (all of them unless the body ended inside `bytes`).
  std::size_t consume(std::string_view bytes);

  bool finished() const { return state_ == State::finished; }
  bool too_large() const { return too_large_; }   // more than max_size bytes arrived
  std::uint64_t size() const { return size_; }    // unstuffed bytes, including the last line's CRLF
  std::string_view body() const { return body_; } // empty unless keep_body (and not too_large)
  void release();                                 // frees a large kept body

private:
  enum class State : std::uint8_t { line_start, mid_line, cr, dot, dot_cr, finished };
  void add(std::string_view content);

  State state_ = State::finished;
  std::uint64_t max_size_ = 0;
  std::uint64_t size_ = 0;
  bool keep_body_ = false;
  bool too_large_ = false;
  std::string body_;
};

} // namespace volley::protocol
