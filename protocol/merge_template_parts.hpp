// The compiled form of a MergeTemplate (internal to merge_template*.cpp): sections of pieces, each
// piece literal text of the template or one field. Plain data; never holds pointers into strings
// (the template's text grows while it is compiled), only offsets.
#pragma once

#include <cstddef>
#include <cstdint>

namespace volley::protocol::merge {

inline constexpr std::uint32_t kLiteralPiece = UINT32_MAX;

struct Piece {
  std::uint32_t field = kLiteralPiece; // index into MergeTemplate::fields(), or literal
  std::size_t offset = 0;              // literal: text_[offset, offset + length)
  std::size_t length = 0;
};

// How a section's pieces are written out.
enum class SectionMode : std::uint8_t {
  raw_text,            // literals as they are; values with line breaks made eol
  structured_header,   // a whole header field; values as they are, CR/LF refused
  unstructured_header, // the value of Subject-like fields; encoded-words when needed
  quoted_printable,    // decoded body text, merged, then QP-encoded
  base64,              // decoded body text, merged, then base64-encoded
};

struct Section {
  SectionMode mode = SectionMode::raw_text;
  std::uint32_t first_piece = 0;
  std::uint32_t piece_count = 0;
  std::size_t name_offset = 0; // header sections: the field name, for messages
  std::size_t name_length = 0;
  std::size_t line_prefix = 0; // unstructured: bytes before the value on the first line
};

} // namespace volley::protocol::merge
