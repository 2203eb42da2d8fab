// parse_mime_message (see bounce_mime_entity.hpp): header section, layout, multipart split with a
// lenient fallback for a missing closing delimiter, transfer decoding, nested messages.
// Must never: recurse past kMaxDepth, build more than kMaxEntities parts, or throw on odd input.
#include "protocol/bounce_mime_entity.hpp"

#include "protocol/ascii_case.hpp"
#include "protocol/base64_lines.hpp"
#include "protocol/mime_header_fields.hpp"
#include "protocol/mime_part_scanner.hpp"
#include "protocol/quoted_printable.hpp"

#include <cstring>
#include <optional>

namespace volley::protocol::bounce {
namespace {

struct Budget {
  std::size_t entities = 0;
};

// CRLF and lone CR become LF, so every later step sees one kind of line end.
std::string normalise_line_ends(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\r') {
      out += raw[i];
    } else if (i + 1 >= raw.size() || raw[i + 1] != '\n') {
      out += '\n';
    }
  }
  return out;
}

// Part ranges when the closing delimiter is missing: every "--boundary" line opens a part and the
// last one runs to the end.
std::vector<mime::PartRange> split_without_close(std::string_view text, std::size_t begin,
                                                 std::string_view boundary) {
  std::vector<mime::PartRange> parts;
  const std::string marker = "--" + std::string(boundary);
  std::optional<std::size_t> open;
  for (std::size_t pos = begin; pos < text.size();) {
    std::size_t eol = text.find('\n', pos);
    const std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    if (text.compare(pos, marker.size(), marker) == 0) {
      if (open)
        parts.push_back({*open, pos > *open ? pos - 1 : pos});
      open = next;
      if (text.compare(pos + marker.size(), 2, "--") == 0) {
        open.reset();
        break;
      }
    }
    pos = next;
  }
  if (open)
    parts.push_back({*open, text.size()});
  return parts;
}

std::string decode_body(std::string_view body, std::string_view encoding) {
  std::string out;
  if (encoding == "base64") {
    // Bounce generators sometimes append junk after the base64 text: keep what decoded.
    base64::decode(body, out);
    return out;
  }
  if (encoding == "quoted-printable") {
    quoted_printable::decode(body, out);
    return out;
  }
  return std::string(body);
}

MimeEntity parse_entity(std::string_view text, int depth, Budget& budget);

// The field body unfolded; a continuation line that does not start with a blank (a line without
// a colon, kept in the field by the splitter) is joined with a space so words never merge.
std::string unfold(std::string_view text, const mime::HeaderField& field) {
  std::string value;
  for (std::size_t pos = field.colon + 1; pos < field.value_end; ++pos) {
    const char c = text[pos];
    if (c == '\n') {
      if (pos + 1 < field.value_end && text[pos + 1] != ' ' && text[pos + 1] != '\t')
        value += ' ';
    } else if (c != '\r') {
      value += c;
    }
  }
  const std::size_t first = value.find_first_not_of(" \t");
  const std::size_t last = value.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
}

void parse_children(MimeEntity& entity, std::string_view text, std::size_t body_begin,
                    const std::string& boundary, int depth, Budget& budget) {
  auto ranges = mime::split_multipart(text, body_begin, text.size(), boundary);
  if (!ranges)
    ranges = split_without_close(text, body_begin, boundary);
  if (ranges->empty()) { // no delimiter at all: keep the text so patterns can still read it
    entity.body = std::string(text.substr(body_begin));
    return;
  }
  for (const mime::PartRange& range : *ranges) {
    if (budget.entities >= kMaxEntities)
      return;
    entity.parts.push_back(
        parse_entity(text.substr(range.begin, range.end - range.begin), depth + 1, budget));
  }
}

MimeEntity parse_entity(std::string_view text, int depth, Budget& budget) {
  ++budget.entities;
  MimeEntity entity;
  const mime::HeaderSection section = mime::split_header_section(text, 0, text.size());
  const std::size_t field_count = std::min(section.fields.size(), kMaxFields);
  entity.fields.reserve(field_count);
  for (std::size_t i = 0; i < field_count; ++i)
    entity.fields.emplace_back(std::string(section.fields[i].name(text)),
                               unfold(text, section.fields[i]));
  const mime::EntityLayout layout = mime::read_entity_layout(text, section);
  entity.media_type = layout.media_type;
  entity.content_type = std::string(entity.field("content-type"));
  const bool can_nest = depth < kMaxDepth && budget.entities < kMaxEntities;
  if (layout.is_multipart() && !layout.boundary.empty() && can_nest) {
    parse_children(entity, text, section.body_begin, layout.boundary, depth, budget);
    return entity;
  }
  entity.body = decode_body(text.substr(section.body_begin), layout.transfer_encoding);
  const bool nested =
      layout.media_type == "message/rfc822" || layout.media_type == "message/global" ||
      layout.media_type == "text/rfc822-headers" || layout.media_type == "message/rfc822-headers" ||
      layout.media_type == "message/global-headers";
  if (nested && can_nest)
    entity.parts.push_back(parse_entity(entity.body, depth + 1, budget));
  return entity;
}

} // namespace

std::string_view MimeEntity::field(std::string_view name) const {
  for (const auto& [field_name, value] : fields)
    if (ascii_equal_ignoring_case(field_name, name))
      return value;
  return {};
}

std::vector<std::string_view> MimeEntity::fields_named(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [field_name, value] : fields)
    if (ascii_equal_ignoring_case(field_name, name))
      values.push_back(value);
  return values;
}

bool MimeEntity::has_field(std::string_view name) const {
  for (const auto& field : fields)
    if (ascii_equal_ignoring_case(field.first, name))
      return true;
  return false;
}

std::string MimeEntity::content_type_parameter(std::string_view name) const {
  std::string lower;
  for (char c : content_type)
    lower += ascii_lower_char(c);
  const std::string key = std::string(name) + "=";
  for (std::size_t pos = lower.find(key); pos != std::string::npos;
       pos = lower.find(key, pos + 1)) {
    if (pos > 0 && lower[pos - 1] != ';' && lower[pos - 1] != ' ' && lower[pos - 1] != '\t')
      continue;
    std::size_t begin = pos + key.size();
    const bool quoted = begin < lower.size() && lower[begin] == '"';
    begin += quoted ? 1 : 0;
    const std::size_t end = lower.find_first_of(quoted ? "\"" : "; \t", begin);
    return lower.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  return {};
}

MimeEntity parse_mime_message(std::string_view raw) {
  std::string text = normalise_line_ends(raw);
  if (text.starts_with("From ")) { // mbox separator line
    const std::size_t eol = text.find('\n');
    text.erase(0, eol == std::string::npos ? text.size() : eol + 1);
  }
  Budget budget;
  return parse_entity(text, 0, budget);
}

} // namespace volley::protocol::bounce
