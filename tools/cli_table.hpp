// TextTable: aligned plain-text columns for terminal output (header row, two-space gaps, numbers
// right-aligned, over-long cells cut with "…"). Pure string building; never writes to a stream.
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
  std::size_t rows() const { return rows_.size(); }

  // Header and rows, each line ending in "\n", no trailing spaces. Widths count UTF-8 characters.
  std::string render() const;

private:
  struct Column {
    std::string header;
    bool right = false;
    std::size_t max_chars = 0; // 0 = unlimited
  };
  std::string fitted(std::size_t column, const std::string& cell) const;
  void render_line(std::string& out, const std::vector<std::string>& cells,
                   const std::vector<std::size_t>& widths) const;

  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Characters in UTF-8 text (continuation bytes are not counted).
std::size_t display_width(std::string_view text);

// Two-column "key  value" lines with keys padded to the longest key.
std::string render_key_values(const std::vector<std::pair<std::string, std::string>>& pairs);

} // namespace volley::tools
