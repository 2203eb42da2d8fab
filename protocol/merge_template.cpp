// MergeTemplate::render and first_missing (see merge_template.hpp; compiling is in
// merge_template_compiler.cpp). Values are looked up once per field per render; scratch space for
// re-encoded sections is thread-local, so steady-state rendering allocates only if out must grow.
// Must never: write a header value holding CR or LF, or leave out half-written on error.
#include "protocol/merge_template.hpp"

#include "protocol/base64_lines.hpp"
#include "protocol/header_encoded_words.hpp"
#include "protocol/quoted_printable.hpp"

namespace volley::protocol {

using merge::Piece;
using merge::Section;
using merge::SectionMode;

namespace {

// Appends value with every CRLF, bare CR and bare LF written as eol.
void append_with_line_ends(std::string_view value, std::string_view eol, std::string& out) {
  std::size_t pos = 0;
  while (pos < value.size()) {
    const std::size_t brk = value.find_first_of("\r\n", pos);
    if (brk == std::string_view::npos) {
      out.append(value.substr(pos));
      return;
    }
    out.append(value.substr(pos, brk - pos)).append(eol);
    pos = brk + ((value[brk] == '\r' && brk + 1 < value.size() && value[brk + 1] == '\n') ? 2 : 1);
  }
}

// The unfolded field value (line ends removed, leading blanks dropped).
void unfold_into(std::string_view value, std::string& out) {
  out.clear();
  for (const char c : value)
    if (c != '\r' && c != '\n' && !(out.empty() && (c == ' ' || c == '\t')))
      out += c;
}

struct RenderScratch {
  std::vector<std::string_view> values;
  std::string merged;
  std::string unfolded;
};

RenderScratch& scratch() {
  thread_local RenderScratch instance;
  return instance;
}

} // namespace

std::optional<std::string_view> MergeTemplate::first_missing(const VarLookup& vars) const {
  for (const std::string& field : fields_)
    if (!vars.find(field))
      return field;
  return std::nullopt;
}

Result<Unit> MergeTemplate::render(const VarLookup& vars, std::string& out) const {
  if (is_static()) {
    out.append(message());
    return Unit{};
  }
  RenderScratch& work = scratch();
  work.values.resize(fields_.size());
  std::size_t value_bytes = 0;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const std::optional<std::string_view> value = vars.find(fields_[i]);
    if (!value)
      return make_error(error_code::invalid_request,
                        "merge field \"" + fields_[i] +
                            "\" has no value in the recipient's vars; add it to vars or remove "
                            "{{" +
                            fields_[i] + "}} from the message");
    work.values[i] = *value;
    value_bytes += value->size();
  }
  const std::size_t original_size = out.size();
  if (out.capacity() < original_size + message_size_ + value_bytes)
    out.reserve(original_size + message_size_ + value_bytes + message_size_ / 8);
  for (const Section& section : sections_) {
    std::optional<Error> error = render_section(section, work.values, out);
    if (error) {
      out.resize(original_size);
      return std::move(*error);
    }
  }
  return Unit{};
}

std::optional<Error> MergeTemplate::render_section(const merge::Section& section,
                                                   const std::vector<std::string_view>& values,
                                                   std::string& out) const {
  const std::string_view text = text_;
  const bool in_header = section.mode == SectionMode::structured_header ||
                         section.mode == SectionMode::unstructured_header;
  const bool direct =
      section.mode == SectionMode::raw_text || section.mode == SectionMode::structured_header;
  RenderScratch& work = scratch();
  std::string& target = direct ? out : work.merged;
  if (!direct)
    work.merged.clear();
  for (std::uint32_t i = 0; i < section.piece_count; ++i) {
    const Piece& piece = pieces_[section.first_piece + i];
    if (piece.field == merge::kLiteralPiece) {
      target.append(text.substr(piece.offset, piece.length));
      continue;
    }
    const std::string_view value = values[piece.field];
    if (in_header && value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
      return make_error(error_code::invalid_request,
                        "merge field \"" + fields_[piece.field] +
                            "\" value holds a line break or " +
                            "NUL, which is not allowed in header field \"" +
                            std::string(text.substr(section.name_offset, section.name_length)) +
                            "\"; remove it from the recipient's vars");
    if (section.mode == SectionMode::raw_text)
      append_with_line_ends(value, eol_, target);
    else if (section.mode == SectionMode::base64)
      append_with_line_ends(value, "\r\n", target); // canonical text form
    else
      target.append(value);
  }
  switch (section.mode) {
  case SectionMode::unstructured_header:
    if (needs_encoded_words(work.merged, section.line_prefix)) {
      unfold_into(work.merged, work.unfolded);
      append_encoded_words(work.unfolded, section.line_prefix, eol_, out);
    } else {
      out.append(work.merged);
    }
    break;
  case SectionMode::quoted_printable:
    quoted_printable::encode(work.merged, eol_, out);
    break;
  case SectionMode::base64:
    base64::encode_lines(work.merged, eol_, out);
    break;
  default:
    break;
  }
  return std::nullopt;
}

} // namespace volley::protocol
