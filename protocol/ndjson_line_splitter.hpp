// Splits a byte stream (arriving in arbitrary chunks) into NDJSON lines without buffering the whole
// body: only the current partial line is kept, bounded by max_line_bytes. Never allocates per line
// when a line lies wholly inside one chunk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace volley::protocol {

class NdjsonLineSplitter {
 public:
  explicit NdjsonLineSplitter(std::size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  // Calls on_line(index, line, too_long) for each complete line in order. index is the 0-based line
  // number in the whole stream (blank lines count but are not reported). line excludes "\n" and a
  // trailing "\r". When a line exceeds max_line_bytes, on_line gets too_long=true and a truncated view.
  template <class OnLine>
  void feed(std::string_view chunk, OnLine&& on_line);

  // End of stream: reports a final line that had no terminating newline.
  template <class OnLine>
  void finish(OnLine&& on_line);

  std::uint64_t lines_seen() const { return next_index_; }

 private:
  template <class OnLine>
  void emit(std::string_view line, bool too_long, OnLine& on_line);

  std::size_t max_line_bytes_;
  std::string partial_;
  bool partial_too_long_ = false;
  std::uint64_t next_index_ = 0;
};

template <class OnLine>
void NdjsonLineSplitter::emit(std::string_view line, bool too_long, OnLine& on_line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::uint64_t index = next_index_++;
  bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
  if (!blank || too_long) on_line(index, line, too_long);
}

template <class OnLine>
void NdjsonLineSplitter::feed(std::string_view chunk, OnLine&& on_line) {
  while (!chunk.empty()) {
    auto nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      std::size_t room = max_line_bytes_ > partial_.size() ? max_line_bytes_ - partial_.size() : 0;
      if (chunk.size() > room) partial_too_long_ = true;
      partial_.append(chunk.substr(0, std::min(room, chunk.size())));
      return;
    }
    std::string_view piece = chunk.substr(0, nl);
    chunk.remove_prefix(nl + 1);
    if (partial_.empty() && !partial_too_long_) {
      if (piece.size() > max_line_bytes_) {
        emit(piece.substr(0, max_line_bytes_), true, on_line);
      } else {
        emit(piece, false, on_line);
      }
      continue;
    }
    std::size_t room = max_line_bytes_ > partial_.size() ? max_line_bytes_ - partial_.size() : 0;
    if (piece.size() > room) partial_too_long_ = true;
    partial_.append(piece.substr(0, std::min(room, piece.size())));
    emit(partial_, partial_too_long_, on_line);
    partial_.clear();
    partial_too_long_ = false;
  }
}

template <class OnLine>
void NdjsonLineSplitter::finish(OnLine&& on_line) {
  if (!partial_.empty() || partial_too_long_) emit(partial_, partial_too_long_, on_line);
  partial_.clear();
  partial_too_long_ = false;
}

}  // namespace volley::protocol
