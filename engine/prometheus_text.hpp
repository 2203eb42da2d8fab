// PrometheusText: writes the Prometheus text exposition format (version 0.0.4) for GET /metrics:
// each metric family once, as "# HELP" and "# TYPE" followed by its samples; label values escaped
// (backslash, double quote, newline), HELP text escaped (backslash, newline); histograms as
// cumulative name_bucket{le="..."} series ending with le="+Inf", then name_sum and name_count, in
// seconds. Pure string building: no I/O, no locks.
// Must never: write a family twice, write a sample outside a family or of the wrong type, or emit
// an invalid metric or label name, a counter without "_total" or a non-counter with it (all throw
// std::logic_error: names are constants in the code, so this is a programmer error).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/duration_histogram.hpp"

namespace volley::engine {

enum class MetricType { counter, gauge, histogram };

struct MetricLabel {
  std::string_view name;
  std::string_view value; // any text; escaped on output
};

class PrometheusText {
public:
  using Labels = std::initializer_list<MetricLabel>;

  // Starts a family: writes its HELP and TYPE lines. Samples written next belong to it.
  void family(std::string_view name, MetricType type, std::string_view help);
  // One sample of the current counter or gauge family.
  void sample(std::uint64_t value, Labels labels = {});
  void sample_real(double value, Labels labels = {});
  // The series of the current histogram family for one label set (seconds, from microseconds).
  void histogram(const protocol::DurationHistogramSnapshot& h, Labels labels = {});

  // A family with one unlabelled sample.
  void counter(std::string_view name, std::string_view help, std::uint64_t value);
  void gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

  // Exposed for tests: the escaped forms and the number format.
  static std::string escape_label_value(std::string_view value);
  static std::string escape_help(std::string_view help);
  static std::string format_real(double value); // shortest round-trip; NaN, +Inf, -Inf
  static std::string format_le(std::uint64_t upper_bound_us); // seconds in fixed notation

private:
  void require(MetricType type) const;
  void write_series(std::string_view suffix, Labels labels, std::string_view le);

  std::string out_;
  std::string current_;
  MetricType type_ = MetricType::counter;
  std::vector<std::string> written_; // family names so far
};

} // namespace volley::engine
