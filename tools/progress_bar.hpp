// UploadProgressBar: upload progress on stderr — a redrawn bar (bytes, %, MB/s, ETA) on a terminal,
// one summary line otherwise. Formatting is pure and tested; never writes to stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace volley::tools {

// Decimal units as on the bar: "999 B", "12.3 kB", "4.5 MB", "1.2 GB".
std::string format_bytes(std::uint64_t bytes);
// "0:07", "12:34", "1:02:03".
std::string format_clock(double seconds);
// "[##########----------]  50%  12.3 MB / 24.6 MB  4.1 MB/s  ETA 0:03" (ETA "--:--" while unknown).
std::string format_progress_line(std::uint64_t sent, std::uint64_t total, double elapsed_seconds,
                                 std::size_t bar_width = 24);
// "uploaded 24.6 MB in 6.0 s (4.1 MB/s)".
std::string format_upload_summary(std::uint64_t bytes, double elapsed_seconds);

class UploadProgressBar {
public:
  UploadProgressBar(std::ostream& err, bool interactive, std::string label);

  void update(std::uint64_t sent, std::uint64_t total);
  // Ends the bar line (terminal) or prints the summary line (otherwise).
  void finish(bool succeeded);

private:
  double elapsed() const;

  std::ostream& err_;
  bool interactive_;
  std::string label_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::uint64_t sent_ = 0;
  std::uint64_t total_ = 0;
  bool drawn_ = false;
};

} // namespace volley::tools
