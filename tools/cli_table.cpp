// Plain-text table rendering for volleyctl's human output. Never emits trailing spaces or splits a
// UTF-8 character when cutting a long cell.
#include "tools/cli_table.hpp"

#include <algorithm>

namespace volley::tools {
namespace {

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The longest prefix of text holding at most max_chars characters.
std::string_view prefix_chars(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
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
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !is_continuation(c); }));
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

std::string TextTable::fitted(std::size_t column, const std::string& cell) const {
  std::size_t limit = columns_[column].max_chars;
  if (limit == 0 || display_width(cell) <= limit)
    return cell;
  return std::string(prefix_chars(cell, limit - 1)) + "…";
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
  for (const auto& row : rows_) {
    std::vector<std::string> cells;
    for (std::size_t c = 0; c < columns_.size(); ++c)
      cells.push_back(fitted(c, row[c]));
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
