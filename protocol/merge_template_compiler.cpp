// compile_merge_template (see merge_template.hpp): walks the MIME structure once and records
// sections of literal text and field pieces. Every byte of the message is covered exactly once, in
// order (consume() checks it), which is what makes a part without placeholders a byte-for-byte
// copy. Must never: fail on odd MIME (it falls back to raw text), or keep pointers into the growing
// text.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "protocol/base64_lines.hpp"

#include "protocol/ascii_case.hpp"
#include "protocol/merge_template.hpp"
#include "protocol/merge_template_placeholders.hpp"
#include "protocol/mime_header_fields.hpp"
#include "protocol/mime_part_scanner.hpp"
#include "protocol/quoted_printable.hpp"

namespace volley::protocol {

using merge::Piece;
using merge::Section;
using merge::SectionMode;

namespace {

constexpr int kMaxMimeDepth = 16;

bool is_unstructured_field(std::string_view name) {
  return ascii_equal_ignoring_case(name, "subject") ||
         ascii_equal_ignoring_case(name, "comments") ||
         ascii_equal_ignoring_case(name, "content-description") ||
         (name.size() > 2 && ascii_equal_ignoring_case(name.substr(0, 2), "x-"));
}

std::size_t trim_line_ends(std::string_view text, std::size_t begin, std::size_t end) {
  while (end > begin && (text[end - 1] == '\r' || text[end - 1] == '\n'))
    --end;
  return end;
}

} // namespace

class MergeTemplateBuilder {
public:
  explicit MergeTemplateBuilder(std::string_view message) {
    result_.text_.assign(message);
    result_.message_size_ = message.size();
    const std::size_t lf = message.find('\n');
    if (lf != std::string_view::npos && (lf == 0 || message[lf - 1] != '\r'))
      result_.eol_ = "\n";
  }

  Result<MergeTemplate> build() {
    if (std::optional<Error> error = entity(0, result_.message_size_, 0))
      return std::move(*error);
    if (covered_ != result_.message_size_)
      throw std::logic_error("merge template compiler left message bytes uncovered");
    assigned_indices();
    return std::move(result_);
  }

private:
  std::string_view text() const { return result_.text_; }

  // Marks message bytes [begin, end) as handled; they must follow the previous ones.
  void consume(std::size_t begin, std::size_t end) {
    if (begin != covered_ || end < begin)
      throw std::logic_error("merge template compiler skipped or repeated message bytes");
    covered_ = end;
  }

  void open(SectionMode mode) {
    result_.sections_.push_back(
        Section{mode, static_cast<std::uint32_t>(result_.pieces_.size()), 0, 0, 0, 0});
  }

  void add_piece(Piece piece) {
    Section& section = result_.sections_.back();
    if (piece.field == merge::kLiteralPiece && section.piece_count > 0) {
      Piece& last = result_.pieces_.back();
      if (last.field == merge::kLiteralPiece && last.offset + last.length == piece.offset) {
        last.length += piece.length; // contiguous literal text: one piece
        return;
      }
    }
    result_.pieces_.push_back(piece);
    ++section.piece_count;
  }

  // Message bytes [begin, end) copied as they are.
  void literal(std::size_t begin, std::size_t end) {
    consume(begin, end);
    if (begin == end)
      return;
    if (result_.sections_.empty() || result_.sections_.back().mode != SectionMode::raw_text)
      open(SectionMode::raw_text);
    add_piece(Piece{merge::kLiteralPiece, begin, end - begin});
  }

  // Pieces for text_[begin, end) into the open section: literal runs and fields.
  std::optional<Error> scan(std::size_t begin, std::size_t end) {
    const std::string_view region = text().substr(0, end);
    std::size_t pos = begin;
    while (std::optional<merge::PlaceholderMatch> match = merge::find_placeholder(region, pos)) {
      if (++occurrences_ > kMaxMergePlaceholders)
        return make_error(error_code::invalid_request, "message has more than " +
                                                           std::to_string(kMaxMergePlaceholders) +
                                                           " merge fields; use fewer placeholders");
      if (match->begin > pos)
        add_piece(Piece{merge::kLiteralPiece, pos, match->begin - pos});
      add_piece(Piece{field_index(match->name), 0, 0});
      pos = match->end;
    }
    if (end > pos)
      add_piece(Piece{merge::kLiteralPiece, pos, end - pos});
    return std::nullopt;
  }

  std::uint32_t field_index(std::string_view name) {
    const auto [it, inserted] =
        names_.try_emplace(std::string(name), static_cast<std::uint32_t>(names_.size()));
    return it->second;
  }

  // Body text [begin, end) searched in place (7bit/8bit/binary or fallback).
  std::optional<Error> raw_text(std::size_t begin, std::size_t end) {
    if (!merge::find_placeholder(text().substr(0, end), begin)) {
      literal(begin, end);
      return std::nullopt;
    }
    consume(begin, end);
    open(SectionMode::raw_text);
    return scan(begin, end);
  }

  std::optional<Error> header_field(const mime::HeaderField& field) {
    const std::string_view whole = text().substr(0, field.value_end);
    const std::optional<merge::PlaceholderMatch> first =
        merge::find_placeholder(whole, field.begin);
    if (!first) {
      literal(field.begin, field.end);
      return std::nullopt;
    }
    const std::string_view name = field.name(text());
    const std::string where = "header field \"" + std::string(name.substr(0, 64)) + "\"";
    if (first->begin < field.colon)
      return make_error(error_code::invalid_request,
                        "merge field {{" + std::string(first->name) +
                            "}} is in a header field name; only field values may hold them");
    if (ascii_equal_ignoring_case(name, "content-type") ||
        ascii_equal_ignoring_case(name, "content-transfer-encoding"))
      return make_error(error_code::invalid_request,
                        "merge field {{" + std::string(first->name) + "}} in " + where +
                            " is not allowed: it decides the MIME layout");
    const bool unstructured = is_unstructured_field(name);
    const std::size_t value_begin = unstructured ? field.colon + 1 : field.begin;
    literal(field.begin, value_begin);
    consume(value_begin, field.value_end);
    open(unstructured ? SectionMode::unstructured_header : SectionMode::structured_header);
    Section& section = result_.sections_.back();
    section.name_offset = field.begin;
    section.name_length = std::min<std::size_t>(field.colon - field.begin, 64);
    section.line_prefix = field.colon + 1 - field.begin;
    if (std::optional<Error> error = scan(value_begin, field.value_end))
      return error;
    literal(field.value_end, field.end);
    return std::nullopt;
  }

  // A QP or base64 text body: merged in decoded form when it holds placeholders.
  std::optional<Error> encoded_text(std::size_t begin, std::size_t end, bool is_base64) {
    const std::size_t content_end = trim_line_ends(text(), begin, end);
    std::string decoded;
    const std::string_view encoded = text().substr(begin, content_end - begin);
    if (is_base64) {
      if (!base64::decode(encoded, decoded))
        return raw_text(begin, end); // undecodable: treat as plain text
    } else {
      quoted_printable::decode(encoded, decoded);
    }
    if (!merge::find_placeholder(decoded, 0)) {
      literal(begin, end);
      return std::nullopt;
    }
    const std::size_t offset = result_.text_.size();
    result_.text_ += decoded;
    consume(begin, content_end);
    open(is_base64 ? SectionMode::base64 : SectionMode::quoted_printable);
    if (std::optional<Error> error = scan(offset, result_.text_.size()))
      return error;
    literal(content_end, end);
    return std::nullopt;
  }

  std::optional<Error> multipart(std::size_t begin, std::size_t end, const std::string& boundary,
                                 int depth) {
    const std::optional<std::vector<mime::PartRange>> parts =
        depth < kMaxMimeDepth ? mime::split_multipart(text(), begin, end, boundary) : std::nullopt;
    if (!parts)
      return raw_text(begin, end); // malformed or too deep: one raw text
    std::size_t pos = begin;
    for (const mime::PartRange& part : *parts) {
      literal(pos, part.begin);
      if (std::optional<Error> error = entity(part.begin, part.end, depth + 1))
        return error;
      pos = part.end;
    }
    literal(pos, end);
    return std::nullopt;
  }

  // Headers and body of the message or of one MIME part, text[begin, end).
  std::optional<Error> entity(std::size_t begin, std::size_t end, int depth) {
    const mime::HeaderSection section = mime::split_header_section(text(), begin, end);
    std::size_t pos = begin;
    for (const mime::HeaderField& field : section.fields) {
      if (std::optional<Error> error = header_field(field))
        return error;
      pos = field.end;
    }
    literal(pos, section.body_begin);
    const mime::EntityLayout layout = mime::read_entity_layout(text(), section);
    const std::size_t body = section.body_begin;
    if (layout.is_multipart())
      return multipart(body, end, layout.boundary, depth);
    if (!layout.is_text()) {
      literal(body, end); // attachments and message/* parts: never touched
      return std::nullopt;
    }
    if (layout.transfer_encoding == "quoted-printable" || layout.transfer_encoding == "base64")
      return encoded_text(body, end, layout.transfer_encoding == "base64");
    return raw_text(body, end);
  }

  // fields_ sorted by name; pieces renumbered from first-seen order to that order.
  void assigned_indices() {
    std::vector<std::uint32_t> sorted_index(names_.size());
    std::uint32_t next = 0;
    for (const auto& [name, first_seen] : names_) {
      sorted_index[first_seen] = next++;
      result_.fields_.push_back(name);
    }
    for (Piece& piece : result_.pieces_)
      if (piece.field != merge::kLiteralPiece)
        piece.field = sorted_index[piece.field];
  }

  MergeTemplate result_;
  std::map<std::string, std::uint32_t, std::less<>> names_; // name -> first-seen index
  std::size_t covered_ = 0;
  std::size_t occurrences_ = 0;
};

Result<MergeTemplate> compile_merge_template(std::string_view message) {
  return MergeTemplateBuilder(message).build();
}

} // namespace volley::protocol
