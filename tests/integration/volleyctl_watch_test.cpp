// `volleyctl campaign watch` (the built binary) on campaigns that are still running: slow.test is
// paced at 10/s by the rate policy, so a 30-recipient campaign takes about 3 s. In a pipe: one
// plain line per poll and a summary whose delivered count matches the API, exit 0. With --json:
// one parseable JSON line per poll. On a pseudo-terminal: two lines redrawn in place, colour, the
// cursor hidden and shown again; Ctrl-C exits 130 with the cursor restored. Never uses a
// non-loopback address.
#include <gtest/gtest.h>

#include <regex>

#include "integration/volleyctl_ux_harness.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;

class VolleyctlWatch : public ::testing::Test {
protected:
  static void SetUpTestSuite() { peers_ = new VolleyctlUxPeers(); }
  static void TearDownTestSuite() {
    delete peers_;
    peers_ = nullptr;
  }
  static VolleyctlUxPeers& peers() { return *peers_; }

  // A campaign of n slow.test recipients, created and not yet delivered.
  static void start_slow_campaign(const std::string& id, std::size_t n) {
    auto client = peers().daemon->client();
    ASSERT_EQ(create_campaign(client, id, numbered_recipients(n, "slow.test")), n);
  }

  static VolleyctlUxPeers* peers_;
};

VolleyctlUxPeers* VolleyctlWatch::peers_ = nullptr;

std::uint64_t number_in(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), ','), text.end());
  return std::stoull(text.substr(0, text.find(' ')));
}

TEST_F(VolleyctlWatch, InAPipeItPrintsLinesAndEndsWithASummaryMatchingTheApi) {
  start_slow_campaign("watch-lines", 30);
  CapturedCommand run =
      volleyctl_on(peers(), {"campaign", "watch", "watch-lines", "--interval", "0.2"}, 90s);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out.find('\r'), std::string::npos);
  EXPECT_EQ(run.out.find('\x1b'), std::string::npos);
  auto lines = output_lines(run.out);
  // "0:01  active  40%  12/30 done  delivered 12  deferred 0  bounced 0  suppressed 0  queued 17
  //  in flight 1  10.0 msgs/s  ETA 0:02"
  std::regex progress(R"(^\d+:\d\d  active  \d+%  (\d+)/30 done  delivered \d+  deferred \d+  )"
                      R"(bounced \d+  suppressed \d+  queued \d+  in flight \d+  [0-9.,]+ msgs/s  )"
                      R"(ETA (\d+:\d\d|--:--)$)");
  std::size_t progress_lines = 0, unfinished = 0;
  std::size_t summary_at = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch match;
    if (std::regex_match(lines[i], match, progress)) {
      ++progress_lines;
      unfinished += std::stoul(match[1]) < 30 ? 1 : 0;
    } else if (lines[i].starts_with("campaign watch-lines: ")) {
      summary_at = i;
      break;
    } else {
      ADD_FAILURE() << "unexpected line: " << lines[i];
    }
  }
  EXPECT_GE(progress_lines, 5u) << run.out; // ~3 s at 0.2 s a poll
  EXPECT_GE(unfinished, 3u) << run.out;     // it was watched while running
  ASSERT_LT(summary_at, lines.size()) << run.out;
  EXPECT_EQ(lines[summary_at].rfind("campaign watch-lines: nothing left to send after ", 0), 0u)
      << lines[summary_at];
  std::string summary = run.out.substr(run.out.find("campaign watch-lines: "));
  std::string delivered;
  for (const std::string& line : output_lines(summary)) {
    if (line.starts_with("  delivered "))
      delivered = line.substr(line.find_first_not_of(' ', 11));
  }
  ASSERT_FALSE(delivered.empty()) << summary;
  auto client = peers().daemon->client();
  auto status = campaign_status(client, "watch-lines");
  EXPECT_EQ(number_in(delivered), count_of(status, "delivered")) << summary;
  EXPECT_EQ(number_in(delivered), 30u) << summary;
}

TEST_F(VolleyctlWatch, JsonStreamsOneDocumentPerPoll) {
  start_slow_campaign("watch-json", 20);
  CapturedCommand run = volleyctl_on(
      peers(), {"--json", "campaign", "watch", "watch-json", "--interval", "0.25"}, 90s);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto lines = output_lines(run.out);
  ASSERT_GE(lines.size(), 3u) << run.out;
  for (const std::string& line : lines) {
    auto document = one_json_document(line);
    ASSERT_TRUE(document.is_object()) << line;
    EXPECT_EQ(document.at("id"), "watch-json");
  }
  auto first = one_json_document(lines.front());
  auto last = one_json_document(lines.back());
  EXPECT_LT(count_of(first, "delivered"), 20u);
  EXPECT_EQ(count_of(last, "delivered"), 20u);
  EXPECT_EQ(count_of(last, "queued") + count_of(last, "in_flight") + count_of(last, "deferred"),
            0u);
}

TEST_F(VolleyctlWatch, OnATerminalTheProgressIsRedrawnInPlace) {
  start_slow_campaign("watch-tty", 20);
  PtyRun run = run_on_pty({volleyctl_binary(), "--socket", peers().socket(), "campaign", "watch",
                           "watch-tty", "--interval", "0.2"});
  ASSERT_FALSE(run.timed_out) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const std::string& out = run.output;
  std::size_t hidden = out.find("\x1b[?25l"), shown = out.rfind("\x1b[?25h");
  ASSERT_NE(hidden, std::string::npos) << out;
  ASSERT_NE(shown, std::string::npos) << out;
  EXPECT_LT(hidden, shown);
  std::string frames = out.substr(hidden, shown - hidden);
  // Two lines per frame; every frame after the first goes back up one line and redraws both.
  std::size_t redraws = 0;
  for (std::size_t at = 0; (at = frames.find("\x1b[1A\r\x1b[K", at)) != std::string::npos; ++at)
    ++redraws;
  EXPECT_GE(redraws, 3u) << out;
  EXPECT_EQ(static_cast<std::size_t>(std::count(frames.begin(), frames.end(), '\n')),
            redraws + 2) // one per frame, and the one that ends the last frame
      << out;
  EXPECT_NE(frames.find("\x1b[32mactive\x1b[0m  ["), std::string::npos) << out;
  EXPECT_NE(frames.find(" msgs/s  ETA "), std::string::npos) << out;
  EXPECT_NE(frames.find("\x1b[K  delivered "), std::string::npos) << out;
  EXPECT_NE(out.find("campaign watch-tty: nothing left to send after ", shown), std::string::npos)
      << out;
}

TEST_F(VolleyctlWatch, CtrlCExits130AndRestoresTheCursor) {
  start_slow_campaign("watch-interrupt", 200); // 20 s at 10/s: still running when interrupted
  PtyRun run = run_on_pty(
      {volleyctl_binary(), "--socket", peers().socket(), "campaign", "watch", "watch-interrupt",
       "--interval", "0.2"},
      [](const std::string& output) { // the second frame has been drawn
        return output.find("\x1b[1A\r\x1b[K") != std::string::npos;
      },
      30s);
  auto client = peers().daemon->client();
  auto cancelled = client.request("POST", "/v1/campaigns/watch-interrupt/cancel");
  EXPECT_TRUE(cancelled.ok()); // frees slow.test's rate for the other tests
  ASSERT_FALSE(run.timed_out) << run.output;
  EXPECT_EQ(run.exit_code, 130) << run.output;
  std::size_t hidden = run.output.find("\x1b[?25l");
  std::size_t shown = run.output.rfind("\x1b[?25h");
  ASSERT_NE(hidden, std::string::npos) << run.output;
  ASSERT_NE(shown, std::string::npos) << run.output;
  EXPECT_LT(hidden, shown);
  EXPECT_NE(run.output.find("stopped watching; campaign watch-interrupt goes on", shown),
            std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("nothing left to send"), std::string::npos) << run.output;
}

TEST_F(VolleyctlWatch, UnknownCampaignAndBadIntervalFailCleanly) {
  CapturedCommand unknown = volleyctl_on(peers(), {"campaign", "watch", "no-such-campaign"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.out, "");
  EXPECT_EQ(unknown.err.rfind("error: not_found: ", 0), 0u) << unknown.err;
  CapturedCommand interval = volleyctl_on(peers(), {"campaign", "watch", "x", "--interval", "0"});
  EXPECT_EQ(interval.exit_code, 64);
  EXPECT_EQ(interval.err.rfind("error: --interval must be a number of seconds from 0.1 to 3600, "
                               "got \"0\"\n",
                               0),
            0u)
      << interval.err;
}

} // namespace
