// Finds the body parts of a MIME multipart entity (RFC 2046 §5.1.1) from its boundary.
// Pure; works on offsets into the caller's text. Only LF ends a line. Never guesses: a body without
// an opening delimiter line or without the closing one is reported as malformed (nullopt), and the
// caller decides the fallback.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace volley::protocol::mime {

// One body part: text[begin, end) holds its headers and body. end is where the line end before the
// next delimiter line starts (that line end belongs to the delimiter, RFC 2046).
struct PartRange {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Delimiter lines are "--" boundary, optionally "--" (close), optional blanks, then the line end.
// A line where the boundary is followed by anything else is not a delimiter. Returns the parts in
// order (possibly none between open and close), or nullopt when the boundary is empty or longer
// than 200 characters, or when no opening or no closing delimiter is found in text[begin, end).
std::optional<std::vector<PartRange>> split_multipart(std::string_view text, std::size_t begin,
                                                      std::size_t end, std::string_view boundary);

} // namespace volley::protocol::mime
