// volleyctl campaign watch ID [--interval SECONDS]: polls GET /v1/campaigns/ID and shows progress —
// two lines redrawn in place on a terminal (cursor hidden meanwhile), one line per poll otherwise,
// one JSON line per poll with --json — until nothing is queued, in flight or deferred or the
// campaign is cancelled; then a summary. Ctrl-C (or SIGTERM) stops watching with 128 + signal and
// the cursor restored. Never changes the campaign and never leaves the terminal's cursor hidden.
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <thread>

#include "tools/campaign_progress_meter.hpp"
#include "tools/url_encoding.hpp"
#include "tools/volleyctl_command_context.hpp"

namespace volley::tools {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr double default_interval_seconds = 1.0;
constexpr int default_watch_timeout_seconds = 30; // per request, unless --timeout is given
constexpr const char* hide_cursor = "\x1b[?25l";
constexpr const char* show_cursor = "\x1b[?25h";

volatile sig_atomic_t caught_signal = 0;
volatile sig_atomic_t cursor_restore_fd = -1; // fd to write show_cursor to on a second signal

extern "C" void on_watch_signal(int signo) {
  if (caught_signal != 0) { // a second Ctrl-C: leave at once, cursor back on
    if (cursor_restore_fd >= 0) {
      static const char restore[] = "\x1b[?25h\n";
      [[maybe_unused]] auto ignored = ::write(cursor_restore_fd, restore, sizeof restore - 1);
    }
    ::_exit(128 + signo);
  }
  caught_signal = signo;
}

// Installs the SIGINT/SIGTERM handlers for the watch and puts the previous ones back.
class SignalScope {
public:
  SignalScope() {
    caught_signal = 0;
    struct sigaction action {};
    action.sa_handler = on_watch_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &old_int_);
    ::sigaction(SIGTERM, &action, &old_term_);
  }
  ~SignalScope() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
    cursor_restore_fd = -1;
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// --interval: seconds from 0.1 to 3600 (decimals allowed).
Result<double> interval_seconds(const ParsedArgs& args) {
  if (!args.has("interval"))
    return default_interval_seconds;
  std::string text = args.value("interval");
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size() || !(seconds >= 0.1) ||
      seconds > 3600) {
    return make_error(error_code::invalid_request,
                      "--interval must be a number of seconds from 0.1 to 3600, got \"" + text +
                          "\"");
  }
  return seconds;
}

// Sleeps until `until` in short steps; false when a signal arrived meanwhile.
bool wait_until(Clock::time_point until) {
  while (caught_signal == 0 && Clock::now() < until) {
    auto step = std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50));
    std::this_thread::sleep_for(step);
  }
  return caught_signal == 0;
}

std::size_t current_width(const CommandContext& context) {
  winsize size{};
  if (context.stdout_is_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col > 0)
    return size.ws_col;
  return context.style.width;
}

// Everything one watch run writes to stdout: redrawn line, log lines or JSON lines.
class WatchDisplay {
public:
  explicit WatchDisplay(CommandContext& context)
      : context_(context), redraw_(context.stdout_is_terminal && !context.json) {
    if (redraw_) {
      context_.out << hide_cursor << std::flush;
      cursor_restore_fd = STDOUT_FILENO;
    }
  }
  ~WatchDisplay() { end_line(); }
  WatchDisplay(const WatchDisplay&) = delete;
  WatchDisplay& operator=(const WatchDisplay&) = delete;

  void show(const CampaignProgressMeter& meter, const std::string& body) {
    if (context_.json) {
      std::string line = body.find('\n') == std::string::npos || body.find('\n') + 1 == body.size()
                             ? body
                             : json::serialize(json::parse(body));
      while (!line.empty() && line.back() == '\n')
        line.pop_back();
      context_.out << line << "\n" << std::flush;
    } else if (redraw_) {
      auto lines = meter.terminal_lines(current_width(context_), context_.style.color);
      // Back to the start of the first line (up one line after the first draw), then both lines.
      context_.out << (drawn_ ? "\x1b[1A\r\x1b[K" : "\r\x1b[K") << lines[0] << "\n\x1b[K"
                   << lines[1] << std::flush;
      drawn_ = true;
    } else {
      context_.out << meter.log_line() << "\n" << std::flush;
    }
  }

  // Ends the redrawn line and shows the cursor again (idempotent).
  void end_line() {
    if (!redraw_)
      return;
    if (drawn_)
      context_.out << "\n";
    context_.out << show_cursor << std::flush;
    redraw_ = false;
    cursor_restore_fd = -1;
  }

private:
  CommandContext& context_;
  bool redraw_;
  bool drawn_ = false;
};

int stop_on_signal(CommandContext& context, WatchDisplay& display, const std::string& id) {
  display.end_line();
  context.err << "stopped watching; campaign " << id << " goes on (`volleyctl campaign status "
              << shell_quote(id) << "` shows it)\n";
  return 128 + static_cast<int>(caught_signal);
}

// Its own client: a shorter per-request timeout keeps Ctrl-C responsive when volleyd hangs.
ControlEndpoint watch_endpoint(const CommandContext& context) {
  ControlEndpoint endpoint = context.client.endpoint();
  if (!context.args.has("timeout"))
    endpoint.timeout_seconds = std::min(endpoint.timeout_seconds, default_watch_timeout_seconds);
  return endpoint;
}

} // namespace

int run_campaign_watch(CommandContext& context) {
  auto interval = interval_seconds(context.args);
  if (!interval)
    return report_usage_error(context, interval.error().message);
  const std::string& id = context.args.positionals[0];
  const std::string target = "/v1/campaigns/" + percent_encode(id);
  ControlClient client(watch_endpoint(context));
  SignalScope signals;
  WatchDisplay display(context);
  CampaignProgressMeter meter;
  const auto started = Clock::now();
  const auto step =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(*interval));
  for (;;) {
    const auto poll_started = Clock::now();
    auto answer = client.request("GET", target);
    if (caught_signal != 0)
      return stop_on_signal(context, display, id);
    if (!answer.ok() || answer->status < 200 || answer->status >= 300) {
      display.end_line();
      return check_answer(context, answer, JsonEcho::hold).exit_code;
    }
    json::error_code ec;
    json::value campaign = json::parse(answer->body, ec);
    if (ec) {
      display.end_line();
      context.err << "error: volleyd's answer for campaign " << id << " is not JSON — is "
                  << describe_endpoint(client.endpoint()) << " a volleyd?\n";
      return exit_server_error;
    }
    double at = std::chrono::duration<double>(Clock::now() - started).count();
    meter.add(watch_sample(campaign, at));
    display.show(meter, answer->body);
    if (meter.finished())
      break;
    if (!wait_until(poll_started + step))
      return stop_on_signal(context, display, id);
  }
  display.end_line();
  if (!context.json)
    context.out << meter.summary(id, context.style);
  return exit_ok;
}

} // namespace volley::tools
