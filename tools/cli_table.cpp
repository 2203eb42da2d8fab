// Plain-text table rendering for volleyctl's human output. Never emits trailing spaces or splits a
// UTF-8 character when cutting a long cell.
#include "tools/cli_table.hpp"

#include <algorithm>

namespace volley::tools {
namespace {

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Length of the ANSI escape sequence (CSI "ESC [ ... final byte") at text[i], or 0.
std::size_t escape_length(std::string_view text, std::size_t i) {
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[')
    return 0;
  std::size_t end = i + 2;
  while (end < text.size() && !(text[end] >= 0x40 && text[end] <= 0x7e))
    ++end;
  return end < text.size() ? end - i + 1 : text.size() - i;
}

// The longest prefix of text holding at most max_chars characters (escapes take no width).
std::string_view prefix_chars(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::size_t skip = escape_length(text, i)) {
      i += skip - 1;
      continue;
    }
    if (is_continuation(text[i]))
      continue;
    if (chars == max_chars)
      return text.substr(0, i);
    ++chars;
  }
  return text;
}

void pad(std::string& out, std::size_t count) {
  out.append(count, ' ');
}

} // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::size_t skip = escape_length(text, i)) {
      i += skip - 1;
    } else if (!is_continuation(text[i])) {
      ++width;
    }
  }
  return width;
}

std::string cut_to_width(std::string_view text, std::size_t max_chars) {
  if (display_width(text) <= max_chars)
    return std::string(text);
  std::string cut(prefix_chars(text, max_chars > 0 ? max_chars - 1 : 0));
  if (cut.find('\x1b') != std::string::npos)
    cut += "\x1b[0m"; // never leave a colour switched on
  return cut + "…";
}

TextTable::TextTable(std::vector<std::string> headers) {
  for (auto& header : headers)
    columns_.push_back(Column{std::move(header)});
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::align_right(std::size_t column) {
  if (column < columns_.size())
    columns_[column].right = true;
}

void TextTable::limit_width(std::size_t column, std::size_t max_chars) {
  if (column < columns_.size())
    columns_[column].max_chars = std::max<std::size_t>(max_chars, 2);
}

void TextTable::fit_to_width(std::size_t column, std::size_t line_width, std::size_t min_chars) {
  if (column >= columns_.size())
    return;
  fit_column_ = column;
  fit_line_width_ = line_width;
  fit_min_chars_ = std::max<std::size_t>(min_chars, 2);
}

std::string TextTable::fitted(std::size_t column, const std::string& cell,
                              std::size_t limit) const {
  if (limit == 0 || display_width(cell) <= limit)
    return cell;
  return cut_to_width(cell, limit);
}

// Each column's character limit (0 = none) after fitting the lines into fit_line_width_.
std::vector<std::size_t> TextTable::column_limits() const {
  std::vector<std::size_t> limits;
  for (const Column& column : columns_)
    limits.push_back(column.max_chars);
  if (fit_line_width_ == 0)
    return limits;
  std::size_t others = 2 * (columns_.size() - 1), own = 0;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    std::size_t widest = display_width(columns_[c].header);
    for (const auto& row : rows_)
      widest = std::max(widest, display_width(fitted(c, row[c], limits[c])));
    if (c == fit_column_)
      own = widest;
    else
      others += widest;
  }
  if (others + own > fit_line_width_) {
    std::size_t room = fit_line_width_ > others ? fit_line_width_ - others : 0;
    std::size_t limit = std::max(room, fit_min_chars_);
    std::size_t& current = limits[fit_column_];
    current = current == 0 ? limit : std::min(current, limit);
  }
  return limits;
}

void TextTable::render_line(std::string& out, const std::vector<std::string>& cells,
                            const std::vector<std::size_t>& widths) const {
  std::string line;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (c > 0)
      pad(line, 2);
    std::size_t gap = widths[c] - display_width(cells[c]);
    if (columns_[c].right)
      pad(line, gap);
    line += cells[c];
    if (!columns_[c].right)
      pad(line, gap);
  }
  line.erase(line.find_last_not_of(' ') + 1);
  out += line + "\n";
}

std::string TextTable::render() const {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> header;
  for (const Column& column : columns_)
    header.push_back(column.header);
  lines.push_back(std::move(header));
  std::vector<std::size_t> limits = column_limits();
  for (const auto& row : rows_) {
    std::vector<std::string> cells;
    for (std::size_t c = 0; c < columns_.size(); ++c)
      cells.push_back(fitted(c, row[c], limits[c]));
    lines.push_back(std::move(cells));
  }
  std::vector<std::size_t> widths(columns_.size(), 0);
  for (const auto& cells : lines) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      widths[c] = std::max(widths[c], display_width(cells[c]));
    }
  }
  std::string out;
  for (const auto& cells : lines)
    render_line(out, cells, widths);
  return out;
}

std::string render_key_values(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::size_t key_width = 0;
  for (const auto& [key, value] : pairs)
    key_width = std::max(key_width, display_width(key));
  std::string out;
  for (const auto& [key, value] : pairs) {
    std::string line = key;
    pad(line, key_width - display_width(key) + 2);
    line += value;
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

} // namespace volley::tools
