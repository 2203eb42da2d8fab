// Progress arithmetic and the text of `volleyctl campaign watch` (see campaign_progress_meter.hpp).
// Rates never divide by a zero interval; an ETA is shown only when progress was actually seen.
#include "tools/campaign_progress_meter.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "tools/cli_table.hpp"
#include "tools/progress_bar.hpp"
#include "tools/volleyctl_output.hpp"

namespace volley::tools {
namespace {

constexpr std::size_t default_bar_width = 24;
constexpr std::size_t min_bar_width = 10;
constexpr std::size_t max_bar_width = 40;

std::string bar(std::uint64_t done, std::uint64_t total, std::size_t width) {
  double fraction = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  auto filled = static_cast<std::size_t>(std::min(1.0, fraction) * static_cast<double>(width));
  return "[" + std::string(filled, '#') + std::string(width - filled, '-') + "]";
}

std::string padded_left(const std::string& text, std::size_t width) {
  std::size_t shown = display_width(text);
  return shown >= width ? text : std::string(width - shown, ' ') + text;
}

} // namespace

WatchSample watch_sample(const boost::json::value& campaign, double at_seconds) {
  WatchSample sample;
  sample.at_seconds = at_seconds;
  const boost::json::object* o = campaign.if_object();
  sample.state = o ? json_field_text(o->if_contains("state")) : "";
  const boost::json::value* counts = o ? o->if_contains("counts") : nullptr;
  if (counts) {
    std::pair<const char*, std::uint64_t*> fields[] = {{"queued", &sample.queued},
                                                       {"in_flight", &sample.in_flight},
                                                       {"delivered", &sample.delivered},
                                                       {"deferred", &sample.deferred},
                                                       {"bounced_hard", &sample.bounced_hard},
                                                       {"bounced_soft", &sample.bounced_soft},
                                                       {"suppressed", &sample.suppressed},
                                                       {"expired", &sample.expired},
                                                       {"cancelled", &sample.cancelled}};
    for (auto& [key, target] : fields)
      *target = json_field_count(*counts, key);
  }
  CampaignProgress progress = campaign_progress(campaign);
  sample.total = progress.total;
  sample.done = progress.done;
  sample.left = progress.left;
  return sample;
}

void CampaignProgressMeter::add(WatchSample sample) {
  if (samples_.empty())
    first_ = sample;
  samples_.push_back(std::move(sample));
  // Keep two samples at least (for the interval rate) and those of the ETA window.
  while (samples_.size() > 2 &&
         samples_.back().at_seconds - samples_[1].at_seconds >= eta_window_seconds)
    samples_.pop_front();
}

bool CampaignProgressMeter::finished() const {
  return !samples_.empty() && (last().left == 0 || last().state == "cancelled");
}

double CampaignProgressMeter::interval_rate() const {
  if (samples_.size() < 2)
    return 0;
  const WatchSample& before = samples_[samples_.size() - 2];
  double seconds = last().at_seconds - before.at_seconds;
  if (seconds <= 0 || last().done < before.done)
    return 0;
  return static_cast<double>(last().done - before.done) / seconds;
}

std::optional<double> CampaignProgressMeter::eta_seconds() const {
  if (samples_.size() < 2)
    return std::nullopt;
  const WatchSample& oldest = samples_.front();
  double seconds = last().at_seconds - oldest.at_seconds;
  if (seconds <= 0 || last().done <= oldest.done)
    return std::nullopt;
  double rate = static_cast<double>(last().done - oldest.done) / seconds;
  return static_cast<double>(last().left) / rate;
}

double CampaignProgressMeter::average_rate() const {
  if (samples_.empty())
    return 0;
  double seconds = last().at_seconds - first_.at_seconds;
  if (seconds <= 0 || last().done <= first_.done)
    return 0;
  return static_cast<double>(last().done - first_.done) / seconds;
}

std::string CampaignProgressMeter::counts_text() const {
  const WatchSample& s = last();
  return "delivered " + format_count(s.delivered) + "  deferred " + format_count(s.deferred) +
         "  bounced " + format_count(s.bounced()) + "  suppressed " + format_count(s.suppressed);
}

std::string CampaignProgressMeter::rate_and_eta(bool padded) const {
  const WatchSample& s = last();
  std::string rate = format_rate(interval_rate());
  rate.replace(rate.size() - 2, 2, " msgs/s");
  if (padded)
    rate = padded_left(rate, 10); // "200 msgs/s"
  if (finished())
    return rate + "  ETA 0:00";
  if (s.queued == 0 && s.in_flight == 0 && s.deferred > 0)
    return rate + "  only deferred left: waiting for their retries";
  auto eta = eta_seconds();
  return rate + "  ETA " + (eta ? format_clock(*eta) : "--:--");
}

std::array<std::string, 2> CampaignProgressMeter::terminal_lines(std::size_t width,
                                                                 bool color) const {
  if (samples_.empty())
    return {};
  const WatchSample& s = last();
  // Done is padded to the width of the total so the line keeps its length while counting.
  std::size_t digits = display_width(format_count(s.total));
  std::string state = paint(s.state, campaign_state_color(s.state), color);
  std::string after = padded_left(format_percent(s.done, s.total), 4) + "  " +
                      padded_left(format_count(s.done), digits) + "/" + format_count(s.total) +
                      "  " + rate_and_eta(true);
  std::size_t fixed = display_width(state) + display_width(after) + 5; // gaps and brackets
  std::size_t bar_width = default_bar_width;
  if (width > 0) {
    bar_width =
        width > fixed + min_bar_width ? std::min(width - fixed - 1, max_bar_width) : min_bar_width;
  }
  std::array<std::string, 2> lines{state + "  " + bar(s.done, s.total, bar_width) + " " + after,
                                   "  " + counts_text() + "  queued " + format_count(s.queued) +
                                       "  in flight " + format_count(s.in_flight)};
  // One column short of the width: writing the last column makes some terminals wrap, and a
  // wrapped line would break redrawing in place.
  if (width > 0) {
    for (std::string& line : lines)
      line = cut_to_width(line, width - 1);
  }
  return lines;
}

std::string CampaignProgressMeter::log_line() const {
  if (samples_.empty())
    return "";
  const WatchSample& s = last();
  return format_clock(s.at_seconds) + "  " + s.state + "  " + format_percent(s.done, s.total) +
         "  " + format_count(s.done) + "/" + format_count(s.total) + " done  " + counts_text() +
         "  queued " + format_count(s.queued) + "  in flight " + format_count(s.in_flight) + "  " +
         rate_and_eta(false);
}

std::string CampaignProgressMeter::summary(const std::string& id,
                                           const TerminalStyle& style) const {
  if (samples_.empty())
    return "";
  const WatchSample& s = last();
  double seconds = s.at_seconds - first_.at_seconds;
  std::string how = s.state == "cancelled" ? "cancelled; watched for "
                    : s.left == 0          ? "nothing left to send after "
                                           : "stopped watching after ";
  std::string head = "campaign " + id + ": " + how + format_duration(seconds) + " (state " +
                     paint(s.state, campaign_state_color(s.state), style.color) + ")\n";
  std::vector<std::pair<std::string, std::string>> lines{
      {"total", format_count(s.total)},
      {"delivered", format_count(s.delivered)},
      {"bounced", format_count(s.bounced()) + "  (hard " + format_count(s.bounced_hard) +
                      ", soft " + format_count(s.bounced_soft) + ")"},
      {"suppressed", format_count(s.suppressed)},
      {"expired", format_count(s.expired)},
      {"cancelled", format_count(s.cancelled)}};
  if (s.left > 0) {
    lines.emplace_back("not finished", format_count(s.left) + "  (queued " +
                                           format_count(s.queued) + ", in flight " +
                                           format_count(s.in_flight) + ", deferred " +
                                           format_count(s.deferred) + ")");
  }
  std::string rate = format_rate(average_rate());
  lines.emplace_back("average", rate.replace(rate.size() - 2, 2, " msgs/s") + " while watched");
  std::string body;
  std::string block = render_key_values(lines);
  for (std::size_t start = 0; start < block.size();) {
    std::size_t end = block.find('\n', start);
    body += "  " + block.substr(start, end - start + 1);
    start = end + 1;
  }
  return head + body;
}

} // namespace volley::tools
