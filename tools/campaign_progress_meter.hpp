// CampaignProgressMeter: what `volleyctl campaign watch` shows about a campaign from successive
// GET /v1/campaigns/{id} answers — done/total, outcome counts, msgs/s over the last interval, an
// ETA, a redrawable terminal line, a plain log line and the final summary. Pure: samples carry
// their own time, nothing here reads a clock, a terminal or the network.
#pragma once

#include <array>
#include <boost/json/value.hpp>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "tools/cli_format.hpp"

namespace volley::tools {

struct WatchSample {
  double at_seconds = 0; // since watching started
  std::string state;     // "active", "paused", "cancelled"
  std::uint64_t total = 0, done = 0, left = 0;
  std::uint64_t queued = 0, in_flight = 0, delivered = 0, deferred = 0, bounced_hard = 0,
                bounced_soft = 0, suppressed = 0, expired = 0, cancelled = 0;

  std::uint64_t bounced() const { return bounced_hard + bounced_soft; }
};

// The sample for one campaign answer taken at_seconds after watching started.
WatchSample watch_sample(const boost::json::value& campaign, double at_seconds);

class CampaignProgressMeter {
public:
  static constexpr double eta_window_seconds = 10;

  void add(WatchSample sample);
  bool empty() const { return samples_.empty(); }
  const WatchSample& last() const { return samples_.back(); }

  // Nothing queued, in flight or deferred any more, or the campaign was cancelled.
  bool finished() const;
  // Recipients reaching a final state per second between the last two samples (0 before that).
  double interval_rate() const;
  // Seconds until nothing is left at the rate of the last eta_window_seconds; nullopt while no
  // progress was seen in that window.
  std::optional<double> eta_seconds() const;
  // Recipients finished per second since the first sample.
  double average_rate() const;

  // Two lines for a terminal, each cut to width - 1 (0 = no limit, bar of 24):
  // "active  [#####-----]  45%   4,500/10,000  1,234 msgs/s  ETA 0:05"
  // "  delivered 4,400  deferred 50  bounced 40  suppressed 10  queued 5,400  in flight 100".
  std::array<std::string, 2> terminal_lines(std::size_t width, bool color) const;
  // "0:05  active  45%  4,500/10,000 done  delivered 4,400  ...  queued 5,400  in flight 100
  // 1,234 msgs/s  ETA 0:05": one line per poll when stdout is not a terminal.
  std::string log_line() const;
  // The closing block: how it ended, after how long, every outcome count and the average rate.
  std::string summary(const std::string& id, const TerminalStyle& style) const;

private:
  std::string counts_text() const;
  std::string rate_and_eta(bool padded) const;

  std::deque<WatchSample> samples_; // the first sample and the ones of the last ETA window
  WatchSample first_;
};

} // namespace volley::tools
