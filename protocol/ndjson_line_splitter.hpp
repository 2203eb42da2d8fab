// Splits a byte stream (arriving in arbitrary chunks) into NDJSON lines without buffering the whole
// body: only the current partial line is kept, bounded by max_line_bytes. Never allocates per line
// when a line lies wholly inside one chunk.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace volley::protocol {

class NdjsonLineSplitter {
public:
  explicit NdjsonLineSplitter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  // Calls on_line(index, line, too_long) for each complete line in order. index is the 0-based line
  // number in the whole stream (blank lines count but are not reported). line excludes "\n" and a
  // trailing "\r". When a line exceeds max_line_bytes, on_line gets too_long=true and a truncated
  // view.
  template <class OnLine> void feed(std::string_view chunk, OnLine&& on_line);

  // End of stream: reports a final line that had no terminating newline.
  template <class OnLine> void finish(OnLine&& on_line);

  std::uint64_t lines_seen() const { return next_index_; }

private:
  // raw is one line without "\n"; overflowed means bytes beyond raw were dropped.
  template <class OnLine> void deliver(std::string_view raw, bool overflowed, OnLine& on_line);
  // Buffers a piece of the current line, keeping at most max_line_bytes_ + 1 bytes (the extra byte
  // may be the "\r" of a CRLF, which does not count towards the limit).
  void buffer_piece(std::string_view piece);

  std::size_t max_line_bytes_;
  std::string partial_;
  bool partial_overflowed_ = false;
  bool partial_started_ = false;
  std::uint64_t next_index_ = 0;
};

template <class OnLine>
void NdjsonLineSplitter::deliver(std::string_view raw, bool overflowed, OnLine& on_line) {
  if (!overflowed && !raw.empty() && raw.back() == '\r')
    raw.remove_suffix(1);
  const bool too_long = overflowed || raw.size() > max_line_bytes_;
  const std::string_view line = too_long ? raw.substr(0, max_line_bytes_) : raw;
  const std::uint64_t index = next_index_++;
  const bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
  if (!blank || too_long)
    on_line(index, line, too_long);
}

inline void NdjsonLineSplitter::buffer_piece(std::string_view piece) {
  partial_started_ = true;
  const std::size_t capacity = max_line_bytes_ + 1;
  const std::size_t room = capacity > partial_.size() ? capacity - partial_.size() : 0;
  if (piece.size() > room)
    partial_overflowed_ = true;
  partial_.append(piece.substr(0, std::min(room, piece.size())));
}

template <class OnLine> void NdjsonLineSplitter::feed(std::string_view chunk, OnLine&& on_line) {
  while (!chunk.empty()) {
    const std::size_t newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      buffer_piece(chunk);
      return;
    }
    const std::string_view piece = chunk.substr(0, newline);
    chunk.remove_prefix(newline + 1);
    if (!partial_started_) {
      deliver(piece, false, on_line); // whole line inside this chunk: no copy
      continue;
    }
    buffer_piece(piece);
    deliver(partial_, partial_overflowed_, on_line);
    partial_.clear();
    partial_overflowed_ = false;
    partial_started_ = false;
  }
}

template <class OnLine> void NdjsonLineSplitter::finish(OnLine&& on_line) {
  if (partial_started_)
    deliver(partial_, partial_overflowed_, on_line);
  partial_.clear();
  partial_overflowed_ = false;
  partial_started_ = false;
}

} // namespace volley::protocol
