// Splitting an RFC 5322 / MIME header section into fields, and reading the two MIME fields that
// decide how a body is laid out (Content-Type with its boundary, Content-Transfer-Encoding).
// Pure; works on offsets into the caller's text. Only LF ends a line (CRLF is CR + LF); a bare CR
// is data. Never fails: text that is not a header section is reported as having no fields.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol::mime {

struct HeaderField {
  std::size_t begin = 0;     // first byte of the field name
  std::size_t colon = 0;     // offset of the ':' after the name
  std::size_t value_end = 0; // end of the value, before the final line end
  std::size_t end = 0;       // after the final line end (continuation lines included)
  std::string_view name(std::string_view text) const;
};

struct HeaderSection {
  std::vector<HeaderField> fields;
  std::size_t body_begin = 0; // after the empty line that ends the section; the entity end if none
};

// Splits text[begin, end). A line starting with SP/HT continues the previous field; a later line
// without a colon is kept in the previous field too. If the first line is neither empty nor a field
// ("Name: ..."), the entity has no header section and body_begin == begin.
HeaderSection split_header_section(std::string_view text, std::size_t begin, std::size_t end);

// The field body with line ends removed and surrounding blanks trimmed.
std::string unfolded_value(std::string_view text, const HeaderField& field);

struct EntityLayout {
  std::string media_type = "text/plain";  // lower-case type/subtype; RFC 2045 default
  std::string boundary;                   // Content-Type boundary parameter, "" if absent
  std::string transfer_encoding = "7bit"; // lower-case Content-Transfer-Encoding token
  bool is_multipart() const { return media_type.starts_with("multipart/"); }
  bool is_text() const { return media_type.starts_with("text/"); }
};

// Reads Content-Type (type/subtype and the boundary parameter, quoted or not) and
// Content-Transfer-Encoding. Missing or unreadable fields give the RFC 2045 defaults.
EntityLayout read_entity_layout(std::string_view text, const HeaderSection& section);

} // namespace volley::protocol::mime
