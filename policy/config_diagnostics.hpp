// Collects configuration errors as "file:line:column: what — hint" lines and suggests the closest
// known name for a misspelt key. Pure; never decides what is valid, only how errors are reported.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/result.hpp"

namespace volley::policy {

struct SourcePosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps),
// comparing ASCII letters case-insensitively.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known name closest to `name` if it is close enough to be a plausible typo, else "".
std::string closest_name(std::string_view name, const std::vector<std::string_view>& known);

// "a, b, c" for a list of names.
std::string join_names(const std::vector<std::string_view>& names);

class ConfigDiagnostics {
public:
  explicit ConfigDiagnostics(std::string source_name) : source_name_(std::move(source_name)) {}

  // what and hint are joined with " — "; an empty hint is left out.
  void add(SourcePosition at, std::string_view what, std::string_view hint);
  bool empty() const { return entries_.empty(); }
  // All errors, one per line, ordered by position; code invalid_request.
  Error to_error() const;

private:
  struct Entry {
    SourcePosition at;
    std::string text;
  };
  std::string source_name_;
  std::vector<Entry> entries_;
};

} // namespace volley::policy
