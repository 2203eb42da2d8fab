// parse_rfc3339_ms: RFC 3339 5.6 date-time -> unix milliseconds (UTC). Strict about field ranges
// and calendar dates (2026-02-29 is an error); never consults the local time zone.
#include <chrono>
#include <cstdint>

#include "protocol/api_requests.hpp"
#include "protocol/json_text.hpp"

namespace volley::protocol {

namespace {

constexpr std::string_view kShape = "; expected YYYY-MM-DDTHH:MM:SS[.frac] then Z or +HH:MM";

// Reads fixed-width fields left to right; any mismatch leaves ok() false.
class DateTimeCursor {
public:
  explicit DateTimeCursor(std::string_view text) : text_(text) {}

  int digits(std::size_t count) {
    int value = 0;
    for (std::size_t i = 0; i < count; ++i, ++pos_) {
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
        return fail();
      value = value * 10 + (text_[pos_] - '0');
    }
    return value;
  }
  bool accept(std::string_view choices) {
    if (pos_ >= text_.size() || choices.find(text_[pos_]) == std::string_view::npos)
      return false;
    ++pos_;
    return true;
  }
  void expect(std::string_view choices) {
    if (!accept(choices))
      fail();
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  // Fraction after '.': at least one digit; returns whole milliseconds (extra digits truncated).
  int fraction_ms() {
    int ms = 0;
    std::size_t count = 0;
    for (; pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; ++pos_, ++count) {
      if (count < 3)
        ms = ms * 10 + (text_[pos_] - '0');
    }
    if (count == 0)
      return fail();
    for (; count < 3; ++count)
      ms *= 10;
    return ms;
  }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == text_.size(); }

private:
  int fail() {
    ok_ = false;
    pos_ = text_.size();
    return 0;
  }
  std::string_view text_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

Error time_error(std::string_view text, std::string_view why) {
  return make_error(error_code::invalid_request,
                    json_text::quote_for_message(text) +
                        " is not an RFC 3339 date-time: " + std::string(why));
}

struct UtcOffset {
  int sign = 0; // 0 = Z
  int hours = 0;
  int minutes = 0;
};

} // namespace

Result<std::int64_t> parse_rfc3339_ms(std::string_view text) {
  DateTimeCursor cursor(text);
  const int year = cursor.digits(4);
  cursor.expect("-");
  const int month = cursor.digits(2);
  cursor.expect("-");
  const int day = cursor.digits(2);
  cursor.expect("Tt ");
  const int hour = cursor.digits(2);
  cursor.expect(":");
  const int minute = cursor.digits(2);
  cursor.expect(":");
  const int second = cursor.digits(2);
  const int millis = cursor.accept(".") ? cursor.fraction_ms() : 0;
  UtcOffset offset;
  if (!cursor.accept("Zz")) {
    offset.sign = cursor.peek() == '-' ? -1 : 1;
    cursor.expect("+-");
    offset.hours = cursor.digits(2);
    cursor.expect(":");
    offset.minutes = cursor.digits(2);
  }
  if (!cursor.ok() || !cursor.at_end())
    return time_error(text, std::string("bad format") + std::string(kShape));
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok())
    return time_error(text, "no such calendar date");
  if (hour > 23 || minute > 59 || second > 60)
    return time_error(text, "time of day out of range");
  if (offset.hours > 23 || offset.minutes > 59)
    return time_error(text, "UTC offset out of range");
  const std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  const std::int64_t local_seconds = ((days * 24 + hour) * 60 + minute) * 60 + second;
  const std::int64_t offset_seconds =
      std::int64_t{offset.sign} * (offset.hours * 60 + offset.minutes) * 60;
  return (local_seconds - offset_seconds) * 1000 + millis;
}

} // namespace volley::protocol
