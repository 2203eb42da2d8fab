// split_multipart (see mime_part_scanner.hpp): one pass over the lines of the body.
// Must never: read outside [begin, end), or report a part that overlaps a delimiter line.
#include "protocol/mime_part_scanner.hpp"

#include <cstring>

namespace volley::protocol::mime {
namespace {

constexpr std::size_t kMaxBoundary = 200;

enum class Delimiter { none, open, close };

// Classifies the line text[pos, line_end) where line_end is after its LF (or the end).
Delimiter delimiter_at(std::string_view text, std::size_t pos, std::size_t line_end,
                       std::string_view boundary) {
  const std::size_t marker = 2 + boundary.size();
  if (line_end - pos < marker || text[pos] != '-' || text[pos + 1] != '-' ||
      text.compare(pos + 2, boundary.size(), boundary) != 0)
    return Delimiter::none;
  std::size_t after = pos + marker;
  Delimiter kind = Delimiter::open;
  if (line_end - after >= 2 && text[after] == '-' && text[after + 1] == '-') {
    kind = Delimiter::close;
    after += 2;
  }
  while (after < line_end && (text[after] == ' ' || text[after] == '\t'))
    ++after;
  if (after < line_end && text[after] == '\r')
    ++after;
  if (after < line_end && text[after] == '\n')
    ++after;
  return after == line_end ? kind : Delimiter::none;
}

// Start of the line end (CRLF or LF) that precedes the line starting at pos, never before floor.
std::size_t before_line_end(std::string_view text, std::size_t pos, std::size_t floor) {
  if (pos > floor && text[pos - 1] == '\n')
    --pos;
  if (pos > floor && text[pos - 1] == '\r')
    --pos;
  return pos;
}

} // namespace

std::optional<std::vector<PartRange>> split_multipart(std::string_view text, std::size_t begin,
                                                      std::size_t end, std::string_view boundary) {
  if (boundary.empty() || boundary.size() > kMaxBoundary)
    return std::nullopt;
  std::vector<PartRange> parts;
  std::optional<std::size_t> part_begin; // set once the opening delimiter was seen
  for (std::size_t pos = begin; pos < end;) {
    const void* lf = std::memchr(text.data() + pos, '\n', end - pos);
    const std::size_t line_end =
        lf == nullptr ? end
                      : static_cast<std::size_t>(static_cast<const char*>(lf) - text.data()) + 1;
    const Delimiter kind = delimiter_at(text, pos, line_end, boundary);
    if (kind != Delimiter::none) {
      if (part_begin)
        parts.push_back(PartRange{*part_begin, before_line_end(text, pos, *part_begin)});
      if (kind == Delimiter::close)
        return part_begin ? std::optional(std::move(parts)) : std::nullopt;
      part_begin = line_end;
    }
    pos = line_end;
  }
  return std::nullopt; // no closing delimiter
}

} // namespace volley::protocol::mime
