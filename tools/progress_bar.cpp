// Progress display for recipient uploads. Redraws at most ten times a second so a fast upload is
// not slowed by the terminal; never leaves a half-drawn bar behind.
#include "tools/progress_bar.hpp"

#include <cmath>
#include <cstdio>

namespace volley::tools {
namespace {

constexpr std::chrono::milliseconds redraw_interval{100};

std::string printf_string(const char* format, double value, const char* unit) {
  char text[32];
  std::snprintf(text, sizeof text, format, value, unit);
  return text;
}

} // namespace

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1000)
    return std::to_string(bytes) + " B";
  static constexpr const char* units[] = {"kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  for (value /= 1000; value >= 999.95 && unit + 1 < std::size(units); ++unit)
    value /= 1000;
  return printf_string("%.1f %s", value, units[unit]);
}

std::string format_clock(double seconds) {
  long total = seconds > 0 ? std::lround(seconds) : 0;
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", total / 3600, total / 60 % 60, total % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", total / 60, total % 60);
  }
  return text;
}

std::string format_progress_line(std::uint64_t sent, std::uint64_t total, double elapsed_seconds,
                                 std::size_t bar_width) {
  double fraction = total == 0 ? 1.0 : static_cast<double>(sent) / static_cast<double>(total);
  fraction = std::min(1.0, std::max(0.0, fraction));
  auto filled = static_cast<std::size_t>(fraction * static_cast<double>(bar_width));
  std::string line = "[" + std::string(filled, '#') + std::string(bar_width - filled, '-') + "] ";
  char percent[8];
  std::snprintf(percent, sizeof percent, "%3d%%", static_cast<int>(fraction * 100));
  line += std::string(percent) + "  " + format_bytes(sent) + " / " + format_bytes(total);
  double rate = elapsed_seconds > 0 ? static_cast<double>(sent) / elapsed_seconds : 0;
  line += "  " + printf_string("%.1f %s", rate / 1e6, "MB/s");
  bool eta_known = rate > 0 && elapsed_seconds >= 0.5;
  line += "  ETA " + (eta_known
                          ? format_clock(static_cast<double>(total - std::min(sent, total)) / rate)
                          : std::string("--:--"));
  return line;
}

std::string format_upload_summary(std::uint64_t bytes, double elapsed_seconds) {
  double rate = elapsed_seconds > 0 ? static_cast<double>(bytes) / elapsed_seconds / 1e6 : 0;
  return "uploaded " + format_bytes(bytes) + " in " +
         printf_string("%.1f %s", elapsed_seconds, "s") + " (" +
         printf_string("%.1f %s", rate, "MB/s") + ")";
}

UploadProgressBar::UploadProgressBar(std::ostream& err, bool interactive, std::string label)
    : err_(err), interactive_(interactive), label_(std::move(label)),
      started_(std::chrono::steady_clock::now()) {}

double UploadProgressBar::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void UploadProgressBar::update(std::uint64_t sent, std::uint64_t total) {
  sent_ = sent;
  total_ = total;
  if (!interactive_)
    return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && sent < total && now - last_draw_ < redraw_interval)
    return;
  last_draw_ = now;
  drawn_ = true;
  // "\r" + clear-to-end-of-line keeps one line however the width changes.
  err_ << "\r\x1b[K" << label_ << "  " << format_progress_line(sent, total, elapsed())
       << (sent >= total ? "  waiting for volleyd to commit…" : "") << std::flush;
}

void UploadProgressBar::finish(bool succeeded) {
  if (interactive_) {
    if (drawn_)
      err_ << "\n";
    return;
  }
  if (succeeded)
    err_ << label_ << ": " << format_upload_summary(sent_, elapsed()) << "\n";
}

} // namespace volley::tools
