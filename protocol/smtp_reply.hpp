// SMTP replies (RFC 5321 §4.2) and an incremental reply parser: bytes from a server in, complete
// replies out (multi-line "250-..." continuations joined, RFC 3463 enhanced status split off).
// Must never: allocate without bound (line length and line count are limited), throw on bad input,
// or accept a reply whose lines disagree on the code.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol {

struct SmtpReply {
  int code = 0;         // 200..599
  std::string enhanced; // "4.7.28" when the first line carries an enhanced status, else ""
  std::string text;     // text of all lines without "NNN-"/"NNN " and without the enhanced code,
                        // lines joined with "\n"; bounded by the parser limits
  bool positive() const { return code >= 200 && code < 300; }
  bool intermediate() const { return code >= 300 && code < 400; }
  bool transient() const { return code >= 400 && code < 500; }
  bool permanent() const { return code >= 500 && code < 600; }
  // "421 4.7.0 text" on one line (continuation lines joined with " / "), for logs and bounce
  // records.
  std::string to_string() const;
  // A reply made up by the client (connection lost, timeout, protocol error) — same shape as a real
  // one.
  static SmtpReply synthesized(int code, std::string enhanced, std::string text);
  bool operator==(const SmtpReply&) const = default;
};

struct SmtpReplyLimits {
  std::size_t max_line_bytes = 4096; // RFC 5321 says 512; real servers send longer ones
  std::size_t max_lines = 128;       // per reply (EHLO answers are the longest)
};

// Incremental parser. feed() bytes as they arrive, then call next() until it returns need_more.
// After error the parser is poisoned: the connection must be dropped (the error text says why:
// "reply line longer than 4096 bytes", "reply line without a 3-digit code: ...").
class SmtpReplyParser {
public:
  enum class Status { need_more, reply, error };
  explicit SmtpReplyParser(SmtpReplyLimits limits = {});
  void feed(std::string_view bytes);
  Status next(SmtpReply& reply);
  const std::string& error() const { return error_; }
  // Bytes received but not yet part of a complete reply (the engine uses this to detect a server
  // that talks before it is asked, e.g. pipelining abuse; normally 0 after next() == need_more).
  std::size_t buffered() const;

private:
  Status fail(std::string message);
  Status take_line(std::string_view line, SmtpReply& reply);
  void append_text(int code, std::string_view text);

  SmtpReplyLimits limits_;
  std::string buffer_;
  std::size_t consumed_ = 0; // bytes of buffer_ already turned into lines
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no '\n' (never scanned twice)
  std::string error_;
  bool failed_ = false;
  // partial multi-line reply state
  SmtpReply pending_;
  std::size_t pending_lines_ = 0;
  std::size_t pending_bytes_ = 0; // raw bytes of the lines already in pending_
};

} // namespace volley::protocol
