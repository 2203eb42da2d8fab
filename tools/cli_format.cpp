// Human formatting helpers for volleyctl (see cli_format.hpp). Never uses the locale: separators
// and units are fixed so output is the same on every machine and easy to test.
#include "tools/cli_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace volley::tools {
namespace {

// Days since 1970-01-01 for a civil date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  auto year_of_era = static_cast<unsigned>(year - era * 400);
  unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

// Reads exactly `digits` decimal digits at text[at]; nullopt otherwise.
std::optional<int> digits_at(std::string_view text, std::size_t at, std::size_t digits) {
  if (at + digits > text.size())
    return std::nullopt;
  int value = 0;
  auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + digits, value);
  if (ec != std::errc{} || end != text.data() + at + digits)
    return std::nullopt;
  return value;
}

} // namespace

std::string format_count(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_duration(double seconds) {
  long long total = seconds > 0 ? std::llround(seconds) : 0;
  char text[48];
  if (total < 60) {
    std::snprintf(text, sizeof text, "%llds", total);
  } else if (total < 3600) {
    std::snprintf(text, sizeof text, "%lldm %02llds", total / 60, total % 60);
  } else if (total < 86400) {
    std::snprintf(text, sizeof text, "%lldh %02lldm", total / 3600, total / 60 % 60);
  } else {
    std::snprintf(text, sizeof text, "%lldd %02lldh", total / 86400, total / 3600 % 24);
  }
  return text;
}

std::string format_rate(double per_second) {
  if (!(per_second > 0))
    return "0/s";
  if (per_second >= 100)
    return format_count(static_cast<std::uint64_t>(std::llround(per_second))) + "/s";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f/s", per_second);
  return text;
}

std::string format_percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0 || part >= whole)
    return "100%";
  return std::to_string(part * 100 / whole) + "%";
}

std::string format_timestamp(std::string_view rfc3339) {
  if (!parse_rfc3339_ms(rfc3339))
    return std::string(rfc3339);
  return std::string(rfc3339.substr(0, 10)) + " " + std::string(rfc3339.substr(11, 8));
}

std::optional<std::int64_t> parse_rfc3339_ms(std::string_view text) {
  auto year = digits_at(text, 0, 4), month = digits_at(text, 5, 2), day = digits_at(text, 8, 2);
  auto hour = digits_at(text, 11, 2), minute = digits_at(text, 14, 2);
  auto second = digits_at(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':' || *month < 1 || *month > 12 || *day < 1 || *day > 31) {
    return std::nullopt;
  }
  std::size_t at = 19;
  std::int64_t millis = 0;
  if (at < text.size() && text[at] == '.') {
    std::size_t digits = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++digits) {
      if (digits < 3)
        millis = millis * 10 + (text[at] - '0');
    }
    for (; digits < 3; ++digits)
      millis *= 10;
  }
  std::int64_t offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    auto oh = digits_at(text, at + 1, 2), om = digits_at(text, at + 4, 2);
    if (!oh || !om || text.size() < at + 6 || text[at + 3] != ':')
      return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size())
    return std::nullopt;
  std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  std::int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second - offset_minutes * 60;
  return seconds * 1000 + millis;
}

std::string format_age(std::int64_t then_ms, std::int64_t now_ms) {
  std::int64_t delta = now_ms - then_ms;
  if (delta >= 0 && delta < 1000)
    return "just now";
  if (delta < 0)
    return "in " + format_duration(static_cast<double>(-delta) / 1000);
  return format_duration(static_cast<double>(delta) / 1000) + " ago";
}

std::string paint(std::string_view text, TextColor color, bool enabled) {
  const char* code = nullptr;
  switch (color) {
  case TextColor::green:
    code = "32";
    break;
  case TextColor::yellow:
    code = "33";
    break;
  case TextColor::red:
    code = "31";
    break;
  case TextColor::cyan:
    code = "36";
    break;
  case TextColor::dim:
    code = "2";
    break;
  case TextColor::bold:
    code = "1";
    break;
  case TextColor::none:
    break;
  }
  if (!enabled || !code || text.empty())
    return std::string(text);
  return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
}

TextColor campaign_state_color(std::string_view state) {
  if (state == "active")
    return TextColor::green;
  if (state == "paused")
    return TextColor::yellow;
  if (state == "cancelled")
    return TextColor::red;
  return TextColor::none;
}

} // namespace volley::tools
