// SmtpDataReceiver: a byte-level state machine over line starts (see header). Content between
// special positions is added in runs, so a body costs one memchr per line.
// Must never copy a byte of the terminator or of what follows it into the body.
#include "protocol/smtp_data_receiver.hpp"

#include <cstring>

namespace volley::protocol {

void SmtpDataReceiver::start(std::uint64_t max_size, bool keep_body) {
  state_ = State::line_start;
  max_size_ = max_size;
  size_ = 0;
  keep_body_ = keep_body;
  too_large_ = false;
  body_.clear();
}

void SmtpDataReceiver::release() {
  constexpr std::size_t kKeepCapacity = 1 << 20;
  if (body_.capacity() > kKeepCapacity)
    std::string().swap(body_);
  else
    body_.clear();
}

void SmtpDataReceiver::add(std::string_view content) {
  if (content.empty())
    return;
  size_ += content.size();
  if (too_large_)
    return;
  if (size_ > max_size_) {
    too_large_ = true;
    release();
    return;
  }
  if (keep_body_)
    body_.append(content);
}

std::size_t SmtpDataReceiver::consume(std::string_view bytes) {
  const char* data = bytes.data();
  const std::size_t n = bytes.size();
  std::size_t i = 0;
  std::size_t run = 0; // start of the content not yet added
  while (i < n && state_ != State::finished) {
    switch (state_) {
    case State::mid_line: {
      const void* cr = std::memchr(data + i, '\r', n - i);
      if (cr == nullptr) {
        i = n;
      } else {
        i = static_cast<std::size_t>(static_cast<const char*>(cr) - data) + 1;
        state_ = State::cr;
      }
      break;
    }
    case State::cr:
      if (data[i] == '\n') {
        ++i;
        state_ = State::line_start;
      } else {
        state_ = State::mid_line; // look at this byte again (it may be another CR)
      }
      break;
    case State::line_start:
      if (data[i] == '.') {
        add(bytes.substr(run, i - run));
        ++i;
        run = i; // the leading dot is never content
        state_ = State::dot;
      } else {
        state_ = State::mid_line;
      }
      break;
    case State::dot:
      if (data[i] == '\r') {
        ++i;
        run = i; // held back: part of the terminator unless no LF follows
        state_ = State::dot_cr;
      } else {
        state_ = State::mid_line;
      }
      break;
    case State::dot_cr:
      if (data[i] == '\n') {
        ++i;
        run = i;
        state_ = State::finished;
      } else {
        add("\r");
        state_ = State::mid_line;
      }
      break;
    case State::finished:
      break;
    }
  }
  add(bytes.substr(run, i - run));
  return i;
}

} // namespace volley::protocol
