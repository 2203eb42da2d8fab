// Error collection and "did you mean" suggestions for configuration files. Never drops an error:
// every reported problem appears in the final message, sorted by where it is in the file.
#include "policy/config_diagnostics.hpp"

#include <algorithm>
#include <cctype>

namespace volley::policy {
namespace {

char fold(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// "warning" for "warn", "max" for "max_size": one name starts with the other (3+ characters).
bool is_prefix_either_way(std::string_view a, std::string_view b) {
  std::string_view shorter = a.size() < b.size() ? a : b;
  std::string_view longer = a.size() < b.size() ? b : a;
  if (shorter.size() < 3)
    return false;
  for (std::size_t i = 0; i < shorter.size(); ++i) {
    if (fold(shorter[i]) != fold(longer[i]))
      return false;
  }
  return true;
}

} // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t rows = a.size() + 1, cols = b.size() + 1;
  std::vector<std::size_t> d(rows * cols);
  auto at = [cols, &d](std::size_t i, std::size_t j) -> std::size_t& { return d[i * cols + j]; };
  for (std::size_t i = 0; i < rows; ++i)
    at(i, 0) = i;
  for (std::size_t j = 0; j < cols; ++j)
    at(0, j) = j;
  for (std::size_t i = 1; i < rows; ++i) {
    for (std::size_t j = 1; j < cols; ++j) {
      std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1])) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(rows - 1, cols - 1);
}

std::string closest_name(std::string_view name, const std::vector<std::string_view>& known) {
  // A typo changes at most a third of a name (at least one edit, at most three), or the name is a
  // longer or shorter form of a known one.
  const std::size_t allowed = std::clamp<std::size_t>(name.size() / 3, 1, 3);
  std::string_view best;
  std::size_t best_distance = allowed + 1;
  for (std::string_view candidate : known) {
    std::size_t distance = edit_distance(name, candidate);
    if (distance > allowed && is_prefix_either_way(name, candidate))
      distance = allowed;
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return std::string(best);
}

std::string join_names(const std::vector<std::string_view>& names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty())
      out += ", ";
    out += name;
  }
  return out;
}

void ConfigDiagnostics::add(SourcePosition at, std::string_view what, std::string_view hint) {
  std::string text = source_name_ + ":" + std::to_string(at.line) + ":" +
                     std::to_string(at.column) + ": " + std::string(what);
  if (!hint.empty())
    text += " — " + std::string(hint);
  entries_.push_back(Entry{at, std::move(text)});
}

Error ConfigDiagnostics::to_error() const {
  std::vector<const Entry*> ordered;
  for (const Entry& entry : entries_)
    ordered.push_back(&entry);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Entry* a, const Entry* b) {
    return a->at.line != b->at.line ? a->at.line < b->at.line : a->at.column < b->at.column;
  });
  std::string message;
  for (const Entry* entry : ordered) {
    if (!message.empty())
      message += "\n";
    message += entry->text;
  }
  return make_error(error_code::invalid_request, std::move(message));
}

} // namespace volley::policy
