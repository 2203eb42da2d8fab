// SmtpReply formatting and the incremental SmtpReplyParser (see smtp_reply.hpp): splits server
// bytes into lines (CRLF or bare LF), joins "NNN-" continuations, splits off the RFC 3463 enhanced
// code. Must never: re-scan bytes it has already looked at, keep more than one over-long line's
// worth of unterminated bytes, or continue after an error.
#include "protocol/smtp_reply.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace volley::protocol {
namespace {

// Compaction threshold: below it the consumed prefix stays in place (erase only when it pays off).
constexpr std::size_t kCompactMinimum = 4096;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of an RFC 3463 number: "0" or 1..3 digits without a leading zero; 0 when there is none.
std::size_t status_number_length(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || !is_digit(text[pos]))
    return 0;
  if (text[pos] == '0')
    return 1;
  std::size_t n = 0;
  while (pos + n < text.size() && is_digit(text[pos + n]) && n < 4)
    ++n;
  return n <= 3 ? n : 0;
}

// Length of a leading "class.subject.detail" enhanced status code followed by a space or the end
// of the text, or 0 when the text does not start with one. Class must be 2, 4 or 5.
std::size_t enhanced_code_length(std::string_view text) {
  if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
    return 0;
  const std::size_t subject = status_number_length(text, 2);
  if (subject == 0 || 2 + subject >= text.size() || text[2 + subject] != '.')
    return 0;
  const std::size_t detail_start = 3 + subject;
  const std::size_t detail = status_number_length(text, detail_start);
  const std::size_t end = detail_start + detail;
  if (detail == 0 || (end < text.size() && text[end] != ' '))
    return 0;
  return end;
}

std::string_view skip_spaces(std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  return first == std::string_view::npos ? std::string_view() : text.substr(first);
}

// A short, printable excerpt of a bad line for error messages.
std::string excerpt(std::string_view line) {
  constexpr std::size_t kMax = 60;
  std::string out = "\"";
  for (std::size_t i = 0; i < line.size() && i < kMax; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  out += line.size() > kMax ? "\"..." : "\"";
  return out;
}

} // namespace

std::string SmtpReply::to_string() const {
  std::string out = std::to_string(code);
  if (!enhanced.empty()) {
    out += ' ';
    out += enhanced;
  }
  if (!text.empty())
    out += ' ';
  for (char c : text) {
    if (c == '\n')
      out += " / ";
    else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
      out += '?'; // keep log lines and bounce records single-line and printable
    else
      out += c;
  }
  return out;
}

SmtpReply SmtpReply::synthesized(int code, std::string enhanced, std::string text) {
  SmtpReply reply;
  reply.code = code;
  reply.enhanced = std::move(enhanced);
  reply.text = std::move(text);
  return reply;
}

SmtpReplyParser::SmtpReplyParser(SmtpReplyLimits limits) : limits_(limits) {}

void SmtpReplyParser::feed(std::string_view bytes) {
  if (failed_ || bytes.empty())
    return;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
    scanned_ = 0;
  } else if (consumed_ >= kCompactMinimum && consumed_ >= buffer_.size() / 2) {
    // Moves at most as many bytes as were consumed: amortised O(1) per byte.
    buffer_.erase(0, consumed_);
    scanned_ -= consumed_;
    consumed_ = 0;
  }
  buffer_.append(bytes);
}

std::size_t SmtpReplyParser::buffered() const {
  return buffer_.size() - consumed_ + pending_bytes_;
}

SmtpReplyParser::Status SmtpReplyParser::fail(std::string message) {
  failed_ = true;
  error_ = std::move(message);
  buffer_.clear();
  buffer_.shrink_to_fit();
  consumed_ = 0;
  scanned_ = 0;
  pending_ = SmtpReply();
  pending_lines_ = 0;
  pending_bytes_ = 0;
  return Status::error;
}

SmtpReplyParser::Status SmtpReplyParser::next(SmtpReply& reply) {
  if (failed_)
    return Status::error;
  while (true) {
    const std::size_t newline = buffer_.find('\n', scanned_);
    if (newline == std::string::npos) {
      scanned_ = buffer_.size();
      // An unterminated line may still end in the CR of its CRLF: allow that one byte more.
      const std::size_t unterminated = buffer_.size() - consumed_;
      if (unterminated > limits_.max_line_bytes + 1 ||
          (unterminated == limits_.max_line_bytes + 1 && buffer_.back() != '\r'))
        return fail("reply line longer than " + std::to_string(limits_.max_line_bytes) +
                    " bytes (no line end seen); the server is not speaking SMTP, drop the "
                    "connection");
      return Status::need_more;
    }
    std::string_view line(buffer_.data() + consumed_, newline - consumed_);
    pending_bytes_ += line.size() + 1;
    consumed_ = newline + 1;
    scanned_ = consumed_;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    const Status status = take_line(line, reply);
    if (status != Status::need_more)
      return status;
  }
}

SmtpReplyParser::Status SmtpReplyParser::take_line(std::string_view line, SmtpReply& reply) {
  const std::string where = " (line " + std::to_string(pending_lines_ + 1) + " of a reply)";
  if (line.size() > limits_.max_line_bytes)
    return fail("reply line longer than " + std::to_string(limits_.max_line_bytes) + " bytes" +
                where + "; drop the connection");
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]))
    return fail("reply line without a 3-digit code: " + excerpt(line) + where +
                "; the server is not speaking SMTP, drop the connection");
  const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (code < 200 || code > 599)
    return fail("reply code " + std::to_string(code) + " outside 200..599: " + excerpt(line) +
                where + "; drop the connection");
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-')
    return fail("reply line without ' ' or '-' after the code: " + excerpt(line) + where +
                "; drop the connection");
  if (pending_lines_ > 0 && code != pending_.code)
    return fail("reply line code " + std::to_string(code) + " differs from " +
                std::to_string(pending_.code) + " on the previous lines: " + excerpt(line) + where +
                "; drop the connection");
  const bool last = line.size() == 3 || line[3] == ' ';
  // A continuation on the last allowed line already means one line too many.
  if (pending_lines_ + (last ? 1 : 2) > limits_.max_lines)
    return fail("reply with more than " + std::to_string(limits_.max_lines) +
                " lines; drop the connection");
  std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
  append_text(code, text);
  if (!last)
    return Status::need_more;
  reply = std::move(pending_);
  pending_ = SmtpReply();
  pending_lines_ = 0;
  pending_bytes_ = 0;
  return Status::reply;
}

void SmtpReplyParser::append_text(int code, std::string_view text) {
  if (pending_lines_ == 0) {
    pending_.code = code;
    const std::size_t length = enhanced_code_length(text);
    if (length > 0) {
      pending_.enhanced.assign(text.substr(0, length));
      text = skip_spaces(text.substr(length));
    }
    pending_.text.assign(text);
  } else {
    // Continuation lines usually repeat the enhanced code; keep it once.
    const std::string_view enhanced = pending_.enhanced;
    if (!enhanced.empty() && text.substr(0, enhanced.size()) == enhanced &&
        (text.size() == enhanced.size() || text[enhanced.size()] == ' '))
      text = skip_spaces(text.substr(enhanced.size()));
    pending_.text += '\n';
    pending_.text.append(text);
  }
  ++pending_lines_;
}

} // namespace volley::protocol
