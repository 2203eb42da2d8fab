// parse_duration_seconds, parse_rfc3339_ms and is_valid_campaign_id: value tables including
// boundaries, offsets, fractions, calendar errors and overflow. Never depends on the local time
// zone.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_requests.hpp"

namespace volley::protocol {
namespace {

struct DurationCase {
  std::string text;
  std::int64_t seconds;
};

class ValidDurationTest : public testing::TestWithParam<DurationCase> {};

TEST_P(ValidDurationTest, GivesSeconds) {
  Result<std::int64_t> parsed = parse_duration_seconds(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value(), GetParam().seconds);
}

INSTANTIATE_TEST_SUITE_P(
    Durations, ValidDurationTest,
    testing::Values(DurationCase{"72h", 259200}, DurationCase{"30m", 1800}, DurationCase{"45s", 45},
                    DurationCase{"3d", 259200}, DurationCase{"1h30m", 5400},
                    DurationCase{"1d2h3m4s", 93784}, DurationCase{"0s", 0}, DurationCase{"007s", 7},
                    DurationCase{"2d30s", 172830},
                    DurationCase{"106751991167300d", 106751991167300LL * 86400},
                    DurationCase{"9223372036854775807s", INT64_MAX}));

struct BadTextCase {
  std::string text;
  std::string message; // exact
};

void PrintTo(const BadTextCase& c, std::ostream* os) {
  *os << testing::PrintToString(c.text);
}

class InvalidDurationTest : public testing::TestWithParam<BadTextCase> {};

TEST_P(InvalidDurationTest, IsRejected) {
  Result<std::int64_t> parsed = parse_duration_seconds(GetParam().text);
  ASSERT_FALSE(parsed.ok()) << "gave " << parsed.value();
  EXPECT_EQ(parsed.error().code, error_code::invalid_request);
  EXPECT_EQ(parsed.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Durations, InvalidDurationTest,
    testing::Values(
        BadTextCase{"", "duration \"\" is empty; write e.g. \"72h\" or \"1h30m\""},
        BadTextCase{"-1h", "duration \"-1h\" is negative; durations must be positive"},
        BadTextCase{"72", "duration \"72\" needs a unit after the number: d, h, m or s"},
        BadTextCase{"h", "duration \"h\" needs a number before each unit, as in \"1h30m\""},
        BadTextCase{"+1h", "duration \"+1h\" needs a number before each unit, as in \"1h30m\""},
        BadTextCase{" 1h", "duration \" 1h\" needs a number before each unit, as in \"1h30m\""},
        BadTextCase{"5x", "duration \"5x\" has an unknown unit; use d, h, m or s"},
        BadTextCase{"1H", "duration \"1H\" has an unknown unit; use d, h, m or s"},
        BadTextCase{"1.5h", "duration \"1.5h\" has an unknown unit; use d, h, m or s"},
        BadTextCase{"30m1h", "duration \"30m1h\" must list units from largest to smallest, each "
                             "once (\"1h30m\")"},
        BadTextCase{"1h1h", "duration \"1h1h\" must list units from largest to smallest, each once "
                            "(\"1h30m\")"},
        BadTextCase{"9223372036854775808s", "duration \"9223372036854775808s\" is too large"},
        BadTextCase{"106751991167301d", "duration \"106751991167301d\" is too large"},
        BadTextCase{"106751991167300d100000h",
                    "duration \"106751991167300d100000h\" is too large"}));

struct TimeCase {
  std::string text;
  std::int64_t unix_ms;
};

class ValidRfc3339Test : public testing::TestWithParam<TimeCase> {};

TEST_P(ValidRfc3339Test, GivesUnixMilliseconds) {
  Result<std::int64_t> parsed = parse_rfc3339_ms(GetParam().text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value(), GetParam().unix_ms);
}

constexpr std::int64_t kNov23 = 1795428000000; // 2026-11-23T10:00:00Z

INSTANTIATE_TEST_SUITE_P(Times, ValidRfc3339Test,
                         testing::Values(TimeCase{"1970-01-01T00:00:00Z", 0},
                                         TimeCase{"2026-11-23T10:00:00Z", kNov23},
                                         TimeCase{"2026-11-23T11:00:00+01:00", kNov23},
                                         TimeCase{"2026-11-23T05:30:00-04:30", kNov23},
                                         TimeCase{"2026-11-24T09:59:00+23:59", kNov23},
                                         TimeCase{"2026-11-23T10:00:00-00:00", kNov23},
                                         TimeCase{"2026-11-23T10:00:00.5Z", kNov23 + 500},
                                         TimeCase{"2026-11-23T10:00:00.05Z", kNov23 + 50},
                                         TimeCase{"2026-11-23T10:00:00.123456789Z", kNov23 + 123},
                                         TimeCase{"2026-11-23T11:00:00.999+01:00", kNov23 + 999},
                                         TimeCase{"2026-11-23t10:00:00z", kNov23},
                                         TimeCase{"2026-11-23 10:00:00Z", kNov23},
                                         TimeCase{"2024-02-29T00:00:00Z", 1709164800000},
                                         TimeCase{"2000-01-01T00:00:00Z", 946684800000},
                                         TimeCase{"1969-12-31T23:59:59.999Z", -1},
                                         TimeCase{"2016-12-31T23:59:60Z", 1483228800000},
                                         TimeCase{"9999-12-31T23:59:59Z", 253402300799000},
                                         TimeCase{"0001-01-01T00:00:00Z", -62135596800000}));

class InvalidRfc3339Test : public testing::TestWithParam<BadTextCase> {};

TEST_P(InvalidRfc3339Test, IsRejected) {
  Result<std::int64_t> parsed = parse_rfc3339_ms(GetParam().text);
  ASSERT_FALSE(parsed.ok()) << "gave " << parsed.value();
  EXPECT_EQ(parsed.error().code, error_code::invalid_request);
  EXPECT_EQ(parsed.error().message, GetParam().message);
}

std::string bad_format(const std::string& quoted) {
  return quoted + " is not an RFC 3339 date-time: bad format; expected YYYY-MM-DDTHH:MM:SS[.frac] "
                  "then Z or +HH:MM";
}

INSTANTIATE_TEST_SUITE_P(
    Times, InvalidRfc3339Test,
    testing::Values(
        BadTextCase{"", bad_format("\"\"")},
        BadTextCase{"2026-11-23", bad_format("\"2026-11-23\"")},
        BadTextCase{"2026-11-23T10:00:00", bad_format("\"2026-11-23T10:00:00\"")},
        BadTextCase{"2026-11-23T10:00Z", bad_format("\"2026-11-23T10:00Z\"")},
        BadTextCase{"2026-11-23T10:00:00.Z", bad_format("\"2026-11-23T10:00:00.Z\"")},
        BadTextCase{"2026-11-23T10:00:00+0100", bad_format("\"2026-11-23T10:00:00+0100\"")},
        BadTextCase{"2026-11-23T10:00:00Zjunk", bad_format("\"2026-11-23T10:00:00Zjunk\"")},
        BadTextCase{"26-11-23T10:00:00Z", bad_format("\"26-11-23T10:00:00Z\"")},
        BadTextCase{"2026-11-23X10:00:00Z", bad_format("\"2026-11-23X10:00:00Z\"")},
        BadTextCase{"2026-02-29T00:00:00Z",
                    "\"2026-02-29T00:00:00Z\" is not an RFC 3339 date-time: no such calendar date"},
        BadTextCase{"2026-04-31T00:00:00Z",
                    "\"2026-04-31T00:00:00Z\" is not an RFC 3339 date-time: no such calendar date"},
        BadTextCase{"2026-13-01T00:00:00Z",
                    "\"2026-13-01T00:00:00Z\" is not an RFC 3339 date-time: no such calendar date"},
        BadTextCase{"2026-00-10T00:00:00Z",
                    "\"2026-00-10T00:00:00Z\" is not an RFC 3339 date-time: no such calendar date"},
        BadTextCase{
            "2026-11-23T24:00:00Z",
            "\"2026-11-23T24:00:00Z\" is not an RFC 3339 date-time: time of day out of range"},
        BadTextCase{
            "2026-11-23T10:60:00Z",
            "\"2026-11-23T10:60:00Z\" is not an RFC 3339 date-time: time of day out of range"},
        BadTextCase{
            "2026-11-23T10:00:61Z",
            "\"2026-11-23T10:00:61Z\" is not an RFC 3339 date-time: time of day out of range"},
        BadTextCase{"2026-11-23T10:00:00+24:00", "\"2026-11-23T10:00:00+24:00\" is not an RFC 3339 "
                                                 "date-time: UTC offset out of range"},
        BadTextCase{"2026-11-23T10:00:00+01:60", "\"2026-11-23T10:00:00+01:60\" is not an RFC 3339 "
                                                 "date-time: UTC offset out of range"}));

TEST(CampaignId, AcceptsOnlyTheDocumentedAlphabetAndLength) {
  const std::vector<std::string> valid = {"a", "spring-2026", "A.b_c:d-e", "0",
                                          std::string(64, 'z')};
  for (const std::string& id : valid)
    EXPECT_TRUE(is_valid_campaign_id(id)) << id;
  const std::vector<std::string> invalid = {
      "",       std::string(65, 'z'), "has space",           "semi;colon",
      "slash/", "\xC3\xA9t\xC3\xA9",  std::string("a\0b", 3)};
  for (const std::string& id : invalid)
    EXPECT_FALSE(is_valid_campaign_id(id)) << id;
}

} // namespace
} // namespace volley::protocol
