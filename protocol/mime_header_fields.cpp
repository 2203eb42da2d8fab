// split_header_section, unfolded_value and read_entity_layout (see mime_header_fields.hpp).
// Must never: read outside [begin, end) of the caller's text, or throw on odd input.
#include "protocol/mime_header_fields.hpp"

#include "protocol/ascii_case.hpp"

#include <cstring>

namespace volley::protocol::mime {
namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// Offset after the LF ending the line that starts at pos, or end.
std::size_t next_line(std::string_view text, std::size_t pos, std::size_t end) {
  const void* lf = std::memchr(text.data() + pos, '\n', end - pos);
  return lf == nullptr ? end
                       : static_cast<std::size_t>(static_cast<const char*>(lf) - text.data()) + 1;
}

// Offset of the line's content end (before CRLF or LF).
std::size_t content_end(std::string_view text, std::size_t line_begin, std::size_t line_end) {
  std::size_t e = line_end;
  if (e > line_begin && text[e - 1] == '\n')
    --e;
  if (e > line_begin && text[e - 1] == '\r')
    --e;
  return e;
}

// Offset of the ':' ending a valid field name on this line, or npos.
std::size_t field_colon(std::string_view text, std::size_t begin, std::size_t line_end) {
  for (std::size_t pos = begin; pos < line_end; ++pos) {
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c == ':')
      return pos > begin ? pos : std::string_view::npos;
    if ((c < 33 || c > 126) && !is_blank(static_cast<char>(c)))
      return std::string_view::npos;
  }
  return std::string_view::npos;
}

std::string lower_copy(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = ascii_lower_char(c);
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back()))
    text.remove_suffix(1);
  return text;
}

// Value of one parameter: a token up to ';' or a quoted-string (backslash escapes honoured).
std::string parameter_value(std::string_view rest, std::size_t& pos) {
  std::string value;
  if (pos < rest.size() && rest[pos] == '"') {
    for (++pos; pos < rest.size() && rest[pos] != '"'; ++pos) {
      if (rest[pos] == '\\' && pos + 1 < rest.size())
        ++pos;
      value += rest[pos];
    }
    ++pos; // closing quote
    return value;
  }
  const std::size_t stop = rest.find(';', pos);
  const std::size_t token_end = stop == std::string_view::npos ? rest.size() : stop;
  value = trim(rest.substr(pos, token_end - pos));
  pos = token_end;
  return value;
}

// Fills media_type and boundary from a Content-Type value.
void read_content_type(std::string_view value, EntityLayout& layout) {
  const std::size_t semicolon = value.find(';');
  const std::string type = lower_copy(trim(value.substr(0, semicolon)));
  if (type.find('/') == std::string::npos)
    return; // unreadable: keep the text/plain default
  layout.media_type = type;
  std::size_t pos = semicolon;
  while (pos != std::string_view::npos && pos < value.size()) {
    const std::size_t name_begin = pos + 1;
    const std::size_t equals = value.find('=', name_begin);
    if (equals == std::string_view::npos)
      return;
    const std::string name = lower_copy(trim(value.substr(name_begin, equals - name_begin)));
    pos = equals + 1;
    while (pos < value.size() && is_blank(value[pos]))
      ++pos;
    std::string parameter = parameter_value(value, pos);
    if (name == "boundary")
      layout.boundary = std::move(parameter);
    pos = value.find(';', std::min(pos, value.size()));
  }
}

} // namespace

std::string_view HeaderField::name(std::string_view text) const {
  return trim(text.substr(begin, colon - begin));
}

HeaderSection split_header_section(std::string_view text, std::size_t begin, std::size_t end) {
  HeaderSection section;
  std::size_t pos = begin;
  while (pos < end) {
    const std::size_t line_end = next_line(text, pos, end);
    const std::size_t value_end = content_end(text, pos, line_end);
    if (value_end == pos && line_end > pos) { // empty line: the body follows
      section.body_begin = line_end;
      return section;
    }
    const std::size_t colon = field_colon(text, pos, value_end);
    const bool continues = is_blank(text[pos]) || colon == std::string_view::npos;
    if (continues && section.fields.empty()) {
      section.body_begin = begin; // not a header section at all
      return section;
    }
    if (continues) {
      section.fields.back().value_end = value_end;
      section.fields.back().end = line_end;
    } else {
      section.fields.push_back(HeaderField{pos, colon, value_end, line_end});
    }
    pos = line_end;
  }
  section.body_begin = end;
  return section;
}

std::string unfolded_value(std::string_view text, const HeaderField& field) {
  std::string value;
  for (std::size_t pos = field.colon + 1; pos < field.value_end; ++pos)
    if (text[pos] != '\r' && text[pos] != '\n')
      value += text[pos];
  return std::string(trim(value));
}

EntityLayout read_entity_layout(std::string_view text, const HeaderSection& section) {
  EntityLayout layout;
  for (const HeaderField& field : section.fields) {
    const std::string_view name = field.name(text);
    if (ascii_equal_ignoring_case(name, "content-type"))
      read_content_type(unfolded_value(text, field), layout);
    else if (ascii_equal_ignoring_case(name, "content-transfer-encoding"))
      layout.transfer_encoding = lower_copy(unfolded_value(text, field));
  }
  return layout;
}

} // namespace volley::protocol::mime
