// TextTable: aligned plain-text columns for terminal output (header row, two-space gaps, numbers
// right-aligned, over-long cells cut with "…", one column shrunk so lines fit a terminal width).
// Cells may hold ANSI colour sequences: they take no width. Pure string building; never writes to
// a stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace volley::tools {

class TextTable {
public:
  explicit TextTable(std::vector<std::string> headers);

  void add_row(std::vector<std::string> cells); // missing cells are empty, extra ones dropped
  void align_right(std::size_t column);
  void limit_width(std::size_t column, std::size_t max_chars); // at least 2
  // Cuts `column` (at most down to min_chars) so every line fits line_width; 0 = no limit.
  void fit_to_width(std::size_t column, std::size_t line_width, std::size_t min_chars = 12);
  std::size_t rows() const { return rows_.size(); }

  // Header and rows, each line ending in "\n", no trailing spaces. Widths count UTF-8 characters.
  std::string render() const;

private:
  struct Column {
    std::string header;
    bool right = false;
    std::size_t max_chars = 0; // 0 = unlimited
  };
  std::string fitted(std::size_t column, const std::string& cell, std::size_t limit) const;
  std::vector<std::size_t> column_limits() const;
  void render_line(std::string& out, const std::vector<std::string>& cells,
                   const std::vector<std::size_t>& widths) const;

  std::vector<Column> columns_;
  std::size_t fit_column_ = 0;
  std::size_t fit_line_width_ = 0; // 0 = no fitting
  std::size_t fit_min_chars_ = 12;
  std::vector<std::vector<std::string>> rows_;
};

// Characters in UTF-8 text (continuation bytes and ANSI escape sequences are not counted).
std::size_t display_width(std::string_view text);
// The longest prefix of text with at most max_chars characters, plus "…" when text was longer
// (the result then has exactly max_chars characters). max_chars >= 1.
std::string cut_to_width(std::string_view text, std::size_t max_chars);

// Two-column "key  value" lines with keys padded to the longest key.
std::string render_key_values(const std::vector<std::pair<std::string, std::string>>& pairs);

} // namespace volley::tools
