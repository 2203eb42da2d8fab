// Tests for size and duration values in configuration files: every unit, the edge cases (zero,
// overflow, fractions, ambiguous units) and the wording of the errors. Never touches files.
#include "policy/config_units.hpp"

#include <gtest/gtest.h>

namespace volley::policy {
namespace {

std::uint64_t size_of(std::string_view text) {
  auto size = parse_size_text(text);
  EXPECT_TRUE(size.ok()) << text << ": " << (size.ok() ? "" : size.error().message);
  return size.ok() ? *size : 0;
}

std::string size_error(std::string_view text) {
  auto size = parse_size_text(text);
  EXPECT_FALSE(size.ok()) << text << " parsed as " << (size.ok() ? *size : 0);
  return size.ok() ? "" : size.error().message;
}

std::int64_t seconds_of(std::string_view text) {
  auto seconds = parse_duration_text(text);
  EXPECT_TRUE(seconds.ok()) << text << ": " << (seconds.ok() ? "" : seconds.error().message);
  return seconds.ok() ? *seconds : -1;
}

std::string duration_error(std::string_view text) {
  auto seconds = parse_duration_text(text);
  EXPECT_FALSE(seconds.ok()) << text << " parsed as " << (seconds.ok() ? *seconds : 0);
  return seconds.ok() ? "" : seconds.error().message;
}

TEST(ConfigUnits, SizeUnitsBinaryAndDecimal) {
  EXPECT_EQ(size_of("0"), 0u);
  EXPECT_EQ(size_of("1024"), 1024u);
  EXPECT_EQ(size_of("17B"), 17u);
  EXPECT_EQ(size_of("64KiB"), 64u << 10);
  EXPECT_EQ(size_of("10MiB"), 10u << 20);
  EXPECT_EQ(size_of("1GiB"), 1ull << 30);
  EXPECT_EQ(size_of("2TiB"), 2ull << 40);
  EXPECT_EQ(size_of("500KB"), 500'000u);
  EXPECT_EQ(size_of("2MB"), 2'000'000u);
  EXPECT_EQ(size_of("3GB"), 3'000'000'000u);
  EXPECT_EQ(size_of("4TB"), 4'000'000'000'000u);
  EXPECT_EQ(size_of("64 MiB"), 64u << 20);
  EXPECT_EQ(size_of("0MiB"), 0u);
}

TEST(ConfigUnits, SizeLimitsOfUint64) {
  EXPECT_EQ(size_of("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(size_of("16777215TiB"), 16777215ull << 40);
  EXPECT_NE(size_error("18446744073709551616").find("too large"), std::string::npos);
  EXPECT_NE(size_error("16777216TiB").find("too large"), std::string::npos);
}

TEST(ConfigUnits, SizeErrorsExplainTheFix) {
  EXPECT_EQ(size_error("64k"),
            "unknown size unit `k` in \"64k\" — it is ambiguous: write \"64KiB\" (powers of 1024) "
            "or \"64KB\" (powers of 1000)");
  EXPECT_EQ(size_error("64M"),
            "unknown size unit `M` in \"64M\" — it is ambiguous: write \"64MiB\" (powers of 1024) "
            "or \"64MB\" (powers of 1000)");
  EXPECT_EQ(size_error("64mib"),
            "unknown size unit `mib` in \"64mib\" — did you mean \"64MiB\"? (units are "
            "case-sensitive; use B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers "
            "of 1024), e.g. \"64MiB\")");
  EXPECT_EQ(size_error("5PiB"),
            "unknown size unit `PiB` in \"5PiB\" — use B, KB, MB, GB, TB (powers of 1000) or KiB, "
            "MiB, GiB, TiB (powers of 1024), e.g. \"64MiB\"");
  EXPECT_EQ(size_error("-5MiB"), "negative size \"-5MiB\" — sizes are 0 or more bytes");
  EXPECT_NE(size_error("1.5GiB").find("fractional size \"1.5GiB\""), std::string::npos);
  EXPECT_NE(size_error("").find("empty size"), std::string::npos);
  EXPECT_NE(size_error("MiB").find("\"MiB\" is not a size"), std::string::npos);
  EXPECT_NE(size_error(" 5MiB").find("is not a size"), std::string::npos);
  EXPECT_NE(size_error("5MiB ").find("unknown size unit"), std::string::npos);
  EXPECT_NE(size_error("+5").find("is not a size"), std::string::npos);
}

TEST(ConfigUnits, Durations) {
  EXPECT_EQ(seconds_of("72h"), 72 * 3600);
  EXPECT_EQ(seconds_of("30m"), 30 * 60);
  EXPECT_EQ(seconds_of("45s"), 45);
  EXPECT_EQ(seconds_of("3d"), 3 * 86400);
  EXPECT_EQ(seconds_of("1h30m"), 5400);
  EXPECT_EQ(seconds_of("1d2h3m4s"), 86400 + 7200 + 180 + 4);
  EXPECT_EQ(seconds_of("0s"), 0);
  EXPECT_EQ(seconds_of("90m"), 5400);
  EXPECT_EQ(seconds_of("106751991167300d"), 106751991167300ll * 86400);
}

TEST(ConfigUnits, DurationErrors) {
  EXPECT_EQ(duration_error("72"),
            "duration \"72\" has no unit — write a number with a unit d, h, m or s, e.g. \"72h\", "
            "\"30m\", \"45s\", \"3d\" or \"1h30m\"");
  EXPECT_EQ(duration_error("1w"),
            "unknown duration unit `w` in \"1w\" — write a number with a unit d, h, m or s, e.g. "
            "\"72h\", \"30m\", \"45s\", \"3d\" or \"1h30m\"");
  EXPECT_EQ(duration_error("-3h"), "negative duration \"-3h\" — durations are 0 or more seconds");
  EXPECT_EQ(duration_error("1.5h"),
            "fractional duration \"1.5h\" — combine whole units instead, e.g. \"1h30m\" for 1.5h");
  EXPECT_NE(duration_error("30m1h").find("largest first"), std::string::npos);
  EXPECT_NE(duration_error("1h1h").find("largest first"), std::string::npos);
  EXPECT_NE(duration_error("").find("empty duration"), std::string::npos);
  EXPECT_NE(duration_error("h").find("\"h\" is not a duration"), std::string::npos);
  EXPECT_NE(duration_error("1h 30m").find("\"1h 30m\" is not a duration"), std::string::npos);
  EXPECT_NE(duration_error("72H").find("unknown duration unit `H`"), std::string::npos);
  EXPECT_NE(duration_error("106751991167301d").find("too long"), std::string::npos);
  EXPECT_NE(duration_error("99999999999999999999s").find("too long"), std::string::npos);
}

std::int64_t ms_of(std::string_view text) {
  auto ms = parse_duration_ms_text(text);
  EXPECT_TRUE(ms.ok()) << text << ": " << (ms.ok() ? "" : ms.error().message);
  return ms.ok() ? *ms : -1;
}

std::string duration_ms_error(std::string_view text) {
  auto ms = parse_duration_ms_text(text);
  EXPECT_FALSE(ms.ok()) << text << " parsed as " << (ms.ok() ? *ms : 0);
  return ms.ok() ? "" : ms.error().message;
}

TEST(ConfigUnits, MillisecondDurations) {
  EXPECT_EQ(ms_of("500ms"), 500);
  EXPECT_EQ(ms_of("0ms"), 0);
  EXPECT_EQ(ms_of("30s"), 30'000);
  EXPECT_EQ(ms_of("5m"), 300'000);
  EXPECT_EQ(ms_of("72h"), 72ll * 3'600'000);
  EXPECT_EQ(ms_of("1d"), 86'400'000);
  EXPECT_EQ(ms_of("1s500ms"), 1500);
  EXPECT_EQ(ms_of("1m30s250ms"), 90'250);
  EXPECT_EQ(ms_of("106751991167d"), 106751991167ll * 86'400'000);
}

TEST(ConfigUnits, MillisecondDurationErrors) {
  EXPECT_EQ(duration_ms_error("500"),
            "duration \"500\" has no unit — write a number with a unit d, h, m, s or ms, e.g. "
            "\"30s\", \"5m\", \"500ms\" or \"1m30s\"");
  EXPECT_EQ(duration_ms_error("5us"),
            "unknown duration unit `us` in \"5us\" — write a number with a unit d, h, m, s or ms, "
            "e.g. \"30s\", \"5m\", \"500ms\" or \"1m30s\"");
  EXPECT_EQ(duration_ms_error("500ms1s"),
            "duration \"500ms1s\" repeats a unit or puts a smaller unit first — use each unit at "
            "most once, largest first, e.g. \"1d12h\"");
  EXPECT_EQ(duration_ms_error("0.5s"),
            "fractional duration \"0.5s\" — combine whole units instead, e.g. \"1h30m\" for 1.5h");
  EXPECT_NE(duration_ms_error("106751991168d").find("too long"), std::string::npos);
  EXPECT_NE(duration_ms_error("-5ms").find("negative duration"), std::string::npos);
  EXPECT_NE(duration_ms_error("5 ms").find("unknown duration unit ` `"), std::string::npos);
}

TEST(ConfigUnits, SecondDurationsTakeMillisecondsOnlyInWholeSeconds) {
  EXPECT_EQ(seconds_of("2000ms"), 2);
  EXPECT_EQ(seconds_of("1m1000ms"), 61);
  EXPECT_EQ(duration_error("1500ms"),
            "duration \"1500ms\" is not a whole number of seconds — this setting counts seconds, "
            "e.g. \"1s\" or \"30s\"");
  EXPECT_NE(duration_error("1s500ms").find("not a whole number of seconds"), std::string::npos);
}

TEST(ConfigUnits, DescribeDurationUsesTheLargestExactUnit) {
  EXPECT_EQ(describe_duration_ms(3'600'000), "1h");
  EXPECT_EQ(describe_duration_ms(86'400'000), "1d");
  EXPECT_EQ(describe_duration_ms(90'000), "90s");
  EXPECT_EQ(describe_duration_ms(500), "500ms");
  EXPECT_EQ(describe_duration_ms(1500), "1500ms");
  EXPECT_EQ(describe_duration_ms(0), "0s");
}

TEST(ConfigUnits, DescribeSizeUsesTheLargestExactBinaryUnit) {
  EXPECT_EQ(describe_size(64ull << 30), "64GiB");
  EXPECT_EQ(describe_size(1536ull << 20), "1536MiB");
  EXPECT_EQ(describe_size(1000), "1000 bytes");
  EXPECT_EQ(describe_size(1), "1 byte");
  EXPECT_EQ(describe_size(0), "0 bytes");
}

} // namespace
} // namespace volley::policy
