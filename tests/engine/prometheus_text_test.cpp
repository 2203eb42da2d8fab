// Unit tests of the /metrics building blocks: DurationHistogram (bucket placement at the bounds,
// cumulative counts, sum, concurrent observation), PrometheusText (HELP/TYPE once per family,
// escaping, number formats, histogram series, refusal of misuse) and BounceCounters (bounded
// labels). Pure: no daemon, no sockets.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/bounce_counters.hpp"
#include "engine/prometheus_text.hpp"
#include "protocol/duration_histogram.hpp"

namespace volley::engine {
namespace {

using protocol::DurationHistogram;

constexpr std::array<std::uint64_t, 3> kBounds = {100, 1'000, 10'000}; // 0.1, 1 and 10 ms

// ---- DurationHistogram ----

TEST(DurationHistogram, ValueOnABoundCountsInThatBucketAndAboveTheLastInInf) {
  DurationHistogram h(kBounds);
  for (std::uint64_t us : {0, 100, 101, 1'000, 10'000, 10'001, 5'000'000})
    h.observe_us(us);
  const auto s = h.snapshot();
  EXPECT_EQ(s.upper_bounds_us, (std::vector<std::uint64_t>{100, 1'000, 10'000}));
  // <=100: 0, 100; <=1000: +101, 1000; <=10000: +10000; +Inf: +10001, 5000000.
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 5}));
  EXPECT_EQ(s.count, 7u);
  EXPECT_EQ(s.sum_us, 0u + 100 + 101 + 1'000 + 10'000 + 10'001 + 5'000'000);
}

TEST(DurationHistogram, EmptyHistogramHasZeroCounts) {
  DurationHistogram h(kBounds);
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{0, 0, 0}));
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.sum_us, 0u);
}

TEST(DurationHistogram, ObservesChronoDurationsAndClampsNegativeOnesToZero) {
  DurationHistogram h(kBounds);
  h.observe(std::chrono::milliseconds(1));    // 1000 us: on the second bound
  h.observe(std::chrono::nanoseconds(1'500)); // 1 us after truncation
  h.observe(std::chrono::milliseconds(-5));   // a clock step: 0
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 3, 3}));
  EXPECT_EQ(s.sum_us, 1'001u);
}

TEST(DurationHistogram, RejectsBoundsThatDoNotStrictlyIncrease) {
  const std::array<std::uint64_t, 3> equal = {1, 2, 2};
  const std::array<std::uint64_t, 2> falling = {5, 1};
  const std::array<std::uint64_t, 32> too_many = {};
  EXPECT_THROW(DurationHistogram{equal}, std::invalid_argument);
  EXPECT_THROW(DurationHistogram{falling}, std::invalid_argument);
  EXPECT_THROW(DurationHistogram{too_many}, std::invalid_argument);
  EXPECT_THROW(DurationHistogram{std::span<const std::uint64_t>{}}, std::invalid_argument);
}

TEST(DurationHistogram, ConcurrentObservationsAreAllCounted) {
  DurationHistogram h(kBounds);
  constexpr int kThreads = 4;
  constexpr std::uint64_t kEach = 50'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&h, t] {
      for (std::uint64_t i = 0; i < kEach; ++i)
        h.observe_us(t == 0 ? 50 : 20'000); // thread 0 in the first bucket, the others in +Inf
    });
  }
  for (auto& thread : threads)
    thread.join();
  const auto s = h.snapshot();
  EXPECT_EQ(s.count, kThreads * kEach);
  EXPECT_EQ(s.cumulative.front(), kEach);
  EXPECT_EQ(s.cumulative.back(), kEach);
  EXPECT_EQ(s.sum_us, kEach * 50 + (kThreads - 1) * kEach * 20'000);
}

// ---- PrometheusText ----

TEST(PrometheusText, WritesHelpAndTypeOncePerFamilyThenItsSamples) {
  PrometheusText out;
  out.family("volley_things_total", MetricType::counter, "Things.");
  out.sample(3, {{"kind", "a"}});
  out.sample(4, {{"kind", "b"}, {"site", "mx:x.test"}});
  out.gauge("volley_level_bytes", "Level.", 1.5);
  EXPECT_EQ(out.text(), "# HELP volley_things_total Things.\n"
                        "# TYPE volley_things_total counter\n"
                        "volley_things_total{kind=\"a\"} 3\n"
                        "volley_things_total{kind=\"b\",site=\"mx:x.test\"} 4\n"
                        "# HELP volley_level_bytes Level.\n"
                        "# TYPE volley_level_bytes gauge\n"
                        "volley_level_bytes 1.5\n");
}

TEST(PrometheusText, EscapesLabelValuesAndHelpText) {
  EXPECT_EQ(PrometheusText::escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(PrometheusText::escape_label_value("plain:site,x"), "plain:site,x");
  // HELP escapes backslash and newline only; a double quote stays.
  EXPECT_EQ(PrometheusText::escape_help("say \"x\"\\\nnext"), "say \"x\"\\\\\\nnext");
  PrometheusText out;
  out.family("volley_odd", MetricType::gauge, "Line one\nline two");
  out.sample(1, {{"site", "route:\"q\"\\\n"}});
  EXPECT_EQ(out.text(), "# HELP volley_odd Line one\\nline two\n"
                        "# TYPE volley_odd gauge\n"
                        "volley_odd{site=\"route:\\\"q\\\"\\\\\\n\"} 1\n");
}

TEST(PrometheusText, FormatsNumbers) {
  EXPECT_EQ(PrometheusText::format_real(0.5), "0.5");
  EXPECT_EQ(PrometheusText::format_real(0), "0");
  EXPECT_EQ(PrometheusText::format_real(12345678), "12345678");
  EXPECT_EQ(PrometheusText::format_real(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(PrometheusText::format_real(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(PrometheusText::format_real(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(PrometheusText::format_le(100), "0.0001");
  EXPECT_EQ(PrometheusText::format_le(2'500), "0.0025");
  EXPECT_EQ(PrometheusText::format_le(1'000'000), "1");
  EXPECT_EQ(PrometheusText::format_le(86'400'000'000), "86400");
  PrometheusText out;
  out.family("volley_big_total", MetricType::counter, "Big.");
  out.sample(std::numeric_limits<std::uint64_t>::max());
  EXPECT_NE(out.text().find("volley_big_total 18446744073709551615\n"), std::string::npos);
}

TEST(PrometheusText, WritesCumulativeHistogramSeriesWithInfSumAndCount) {
  DurationHistogram h(kBounds);
  for (std::uint64_t us : {50, 100, 700, 20'000})
    h.observe_us(us);
  PrometheusText out;
  out.family("volley_wait_seconds", MetricType::histogram, "Wait.");
  out.histogram(h.snapshot(), {{"site", "a"}});
  EXPECT_EQ(out.text(), "# HELP volley_wait_seconds Wait.\n"
                        "# TYPE volley_wait_seconds histogram\n"
                        "volley_wait_seconds_bucket{site=\"a\",le=\"0.0001\"} 2\n"
                        "volley_wait_seconds_bucket{site=\"a\",le=\"0.001\"} 3\n"
                        "volley_wait_seconds_bucket{site=\"a\",le=\"0.01\"} 3\n"
                        "volley_wait_seconds_bucket{site=\"a\",le=\"+Inf\"} 4\n"
                        "volley_wait_seconds_sum{site=\"a\"} 0.02085\n"
                        "volley_wait_seconds_count{site=\"a\"} 4\n");
}

TEST(PrometheusText, HistogramWithoutLabelsHasOnlyTheLeLabel) {
  DurationHistogram h(kBounds);
  PrometheusText out;
  out.family("volley_idle_seconds", MetricType::histogram, "Idle.");
  out.histogram(h.snapshot());
  EXPECT_NE(out.text().find("volley_idle_seconds_bucket{le=\"0.0001\"} 0\n"), std::string::npos);
  EXPECT_NE(out.text().find("volley_idle_seconds_bucket{le=\"+Inf\"} 0\n"), std::string::npos);
  EXPECT_NE(out.text().find("volley_idle_seconds_sum 0\n"), std::string::npos);
  EXPECT_NE(out.text().find("volley_idle_seconds_count 0\n"), std::string::npos);
}

TEST(PrometheusText, RefusesMisuseThatWouldBreakTheFormatOrTheConventions) {
  PrometheusText out;
  EXPECT_THROW(out.sample(1), std::logic_error); // no family yet
  EXPECT_THROW(out.family("volley_things", MetricType::counter, "x"), std::logic_error);
  EXPECT_THROW(out.family("volley_level_total", MetricType::gauge, "x"), std::logic_error);
  EXPECT_THROW(out.family("volley_wait_total", MetricType::histogram, "x"), std::logic_error);
  EXPECT_THROW(out.family("9volley", MetricType::gauge, "x"), std::logic_error);
  EXPECT_THROW(out.family("volley-level", MetricType::gauge, "x"), std::logic_error);
  out.family("volley_level", MetricType::gauge, "x");
  EXPECT_THROW(out.family("volley_level", MetricType::gauge, "again"), std::logic_error);
  EXPECT_THROW(out.sample(1, {{"bad-name", "v"}}), std::logic_error);
  EXPECT_THROW(out.sample(1, {{"__reserved", "v"}}), std::logic_error);
  EXPECT_THROW(out.sample(1, {{"le", "v"}}), std::logic_error);
  DurationHistogram h(kBounds);
  EXPECT_THROW(out.histogram(h.snapshot()), std::logic_error); // gauge family
  out.family("volley_wait_seconds", MetricType::histogram, "x");
  EXPECT_THROW(out.sample(1), std::logic_error); // histogram family
}

// ---- BounceCounters ----

TEST(BounceCounters, MapsReasonsOntoTheFixedSetAndIgnoresNonBounceKinds) {
  BounceCounters c;
  c.count("hard", "user_unknown");
  c.count("hard", "user_unknown");
  c.count("soft", "mailbox_full");
  c.count("soft", "a free-text reason from somewhere");
  c.count("complaint", "feedback");
  c.count("auto_reply", "vacation"); // not a bounce
  const auto hard = BounceCounters::kind_index("hard");
  const auto soft = BounceCounters::kind_index("soft");
  EXPECT_EQ(c.value(hard, BounceCounters::reason_index("user_unknown")), 2u);
  EXPECT_EQ(c.value(soft, BounceCounters::reason_index("mailbox_full")), 1u);
  EXPECT_EQ(c.value(soft, BounceCounters::reason_index("other")), 1u);
  EXPECT_EQ(BounceCounters::reason_index("no such reason"), BounceCounters::reason_index("other"));
  EXPECT_EQ(c.total("hard"), 2u);
  EXPECT_EQ(c.total("soft"), 2u);
  EXPECT_EQ(c.total("complaint"), 1u);
  EXPECT_EQ(c.total("auto_reply"), 0u);
  EXPECT_EQ(BounceCounters::kind_index("auto_reply"), BounceCounters::kKinds.size());
}

} // namespace
} // namespace volley::engine
