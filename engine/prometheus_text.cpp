// PrometheusText (see prometheus_text.hpp). Numbers use std::to_chars: integers exactly, reals in
// their shortest round-trip form, bucket bounds in fixed notation ("0.0001", "86400").
#include "engine/prometheus_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace volley::engine {
namespace {

bool valid_name(std::string_view name, bool colon_allowed) {
  auto head = [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (colon_allowed && c == ':');
  };
  auto tail = [&](char c) { return head(c) || (c >= '0' && c <= '9'); };
  return !name.empty() && head(name.front()) && std::all_of(name.begin() + 1, name.end(), tail);
}

bool ends_with_total(std::string_view name) {
  return name.ends_with("_total");
}

const char* type_name(MetricType type) {
  switch (type) {
  case MetricType::counter:
    return "counter";
  case MetricType::gauge:
    return "gauge";
  case MetricType::histogram:
    return "histogram";
  }
  return "untyped";
}

void append_uint(std::string& out, std::uint64_t value) {
  std::array<char, 24> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), end);
}

} // namespace

std::string PrometheusText::escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string PrometheusText::escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string PrometheusText::format_real(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), end);
}

std::string PrometheusText::format_le(std::uint64_t upper_bound_us) {
  std::array<char, 48> buffer{};
  auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                    static_cast<double>(upper_bound_us) / 1e6, std::chars_format::fixed);
  return std::string(buffer.data(), end);
}

void PrometheusText::family(std::string_view name, MetricType type, std::string_view help) {
  if (!valid_name(name, true))
    throw std::logic_error("invalid metric name \"" + std::string(name) + "\"");
  if (ends_with_total(name) != (type == MetricType::counter))
    throw std::logic_error("metric " + std::string(name) +
                           ": counters, and only counters, end in _total");
  if (std::find(written_.begin(), written_.end(), name) != written_.end())
    throw std::logic_error("metric family " + std::string(name) + " written twice");
  written_.emplace_back(name);
  current_ = std::string(name);
  type_ = type;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += escape_help(help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void PrometheusText::require(MetricType type) const {
  if (current_.empty())
    throw std::logic_error("metric sample written before its family");
  if ((type == MetricType::histogram) != (type_ == MetricType::histogram))
    throw std::logic_error("metric " + current_ + ": sample of the wrong type");
}

// name+suffix{labels,le="..."} and the space before the value.
void PrometheusText::write_series(std::string_view suffix, Labels labels, std::string_view le) {
  out_ += current_;
  out_ += suffix;
  if (labels.size() > 0 || !le.empty()) {
    out_ += '{';
    bool first = true;
    for (const MetricLabel& label : labels) {
      if (!valid_name(label.name, false) || label.name.starts_with("__") || label.name == "le")
        throw std::logic_error("metric " + current_ + ": invalid label name \"" +
                               std::string(label.name) + "\"");
      if (!first)
        out_ += ',';
      first = false;
      out_ += label.name;
      out_ += "=\"";
      out_ += escape_label_value(label.value);
      out_ += '"';
    }
    if (!le.empty()) {
      if (!first)
        out_ += ',';
      out_ += "le=\"";
      out_ += le;
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void PrometheusText::sample(std::uint64_t value, Labels labels) {
  require(MetricType::counter);
  write_series("", labels, {});
  append_uint(out_, value);
  out_ += '\n';
}

void PrometheusText::sample_real(double value, Labels labels) {
  require(MetricType::gauge);
  write_series("", labels, {});
  out_ += format_real(value);
  out_ += '\n';
}

void PrometheusText::histogram(const protocol::DurationHistogramSnapshot& h, Labels labels) {
  require(MetricType::histogram);
  for (std::size_t i = 0; i < h.upper_bounds_us.size() && i < h.cumulative.size(); ++i) {
    write_series("_bucket", labels, format_le(h.upper_bounds_us[i]));
    append_uint(out_, h.cumulative[i]);
    out_ += '\n';
  }
  write_series("_bucket", labels, "+Inf");
  append_uint(out_, h.count);
  out_ += '\n';
  write_series("_sum", labels, {});
  out_ += format_real(static_cast<double>(h.sum_us) / 1e6);
  out_ += '\n';
  write_series("_count", labels, {});
  append_uint(out_, h.count);
  out_ += '\n';
}

void PrometheusText::counter(std::string_view name, std::string_view help, std::uint64_t value) {
  family(name, MetricType::counter, help);
  sample(value);
}

void PrometheusText::gauge(std::string_view name, std::string_view help, double value) {
  family(name, MetricType::gauge, help);
  sample_real(value);
}

} // namespace volley::engine
