// parse_duration_seconds: "72h", "1h30m", "3d" -> seconds for API fields such as expires_after.
// Never wraps on overflow and never guesses a unit: "90" without a unit is an error.
#include <cstdint>
#include <limits>

#include "protocol/api_requests.hpp"
#include "protocol/json_text.hpp"

namespace volley::protocol {

namespace {

struct DurationUnit {
  char symbol;
  std::int64_t seconds;
};
constexpr DurationUnit kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}; // largest first

Error duration_error(std::string_view text, std::string_view why) {
  return make_error(error_code::invalid_request,
                    "duration " + json_text::quote_for_message(text) + " " + std::string(why));
}

int unit_rank(char symbol) {
  for (int rank = 0; rank < 4; ++rank) {
    if (kUnits[rank].symbol == symbol)
      return rank;
  }
  return -1;
}

} // namespace

Result<std::int64_t> parse_duration_seconds(std::string_view text) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (text.empty())
    return duration_error(text, "is empty; write e.g. \"72h\" or \"1h30m\"");
  if (text.front() == '-')
    return duration_error(text, "is negative; durations must be positive");
  std::int64_t total = 0;
  int previous_rank = -1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t digits_start = pos;
    std::int64_t amount = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos) {
      if (amount > (kMax - (text[pos] - '0')) / 10)
        return duration_error(text, "is too large");
      amount = amount * 10 + (text[pos] - '0');
    }
    if (pos == digits_start) {
      return duration_error(text, "needs a number before each unit, as in \"1h30m\"");
    }
    if (pos == text.size())
      return duration_error(text, "needs a unit after the number: d, h, m or s");
    const int rank = unit_rank(text[pos]);
    if (rank < 0)
      return duration_error(text, "has an unknown unit; use d, h, m or s");
    if (rank <= previous_rank) {
      return duration_error(text,
                            "must list units from largest to smallest, each once (\"1h30m\")");
    }
    previous_rank = rank;
    ++pos;
    if (amount > (kMax - total) / kUnits[rank].seconds)
      return duration_error(text, "is too large");
    total += amount * kUnits[rank].seconds;
  }
  return total;
}

} // namespace volley::protocol
