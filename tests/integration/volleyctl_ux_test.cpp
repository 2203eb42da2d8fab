// The built volleyctl against a real volleyd and volley-sink on loopback: the tables of campaign
// list, queue and bounces (columns, thousands separators, no colour in a pipe, colour on a
// terminal unless NO_COLOR), --json as exactly one parseable document for every reading command,
// `queue SITE-or-DOMAIN`, `bounces --campaign --all` following the cursor, and the error cases:
// connection refused, missing or stale socket, wrong or missing token (401), timeout, unknown
// command or campaign — each one line on stderr with its exit code. `campaign watch` and shell
// completion have their own files. Never uses a non-loopback address.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <sstream>

#include "integration/volleyctl_ux_harness.hpp"
#include "tools/volleyctl_commands.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;

class VolleyctlUx : public ::testing::Test {
protected:
  static void SetUpTestSuite() { peers_ = new VolleyctlUxPeers(); }
  static void TearDownTestSuite() {
    delete peers_;
    peers_ = nullptr;
  }
  static VolleyctlUxPeers& peers() { return *peers_; }

  // A campaign of `recipients` delivered (or bounced) to the end.
  static void deliver_campaign(const std::string& id, const std::vector<std::string>& recipients) {
    auto client = peers().daemon->client();
    ASSERT_EQ(create_campaign(client, id, recipients), recipients.size());
    auto status = wait_for_campaign(client, id, settled, 60s);
    ASSERT_TRUE(settled(status)) << status;
  }

  static VolleyctlUxPeers* peers_;
};

VolleyctlUxPeers* VolleyctlUx::peers_ = nullptr;

// Lines of `text` whose first cell is `first`.
std::vector<std::string> row_starting(const std::string& text, const std::string& first) {
  for (const std::string& line : output_lines(text)) {
    auto cells = table_cells(line);
    if (!cells.empty() && cells[0] == first)
      return cells;
  }
  return {};
}

TEST_F(VolleyctlUx, CampaignListIsATableAndJsonIsOneDocument) {
  auto recipients = numbered_recipients(1200, "fast.test");
  deliver_campaign("ux-list", recipients);
  CapturedCommand table = volleyctl_on(peers(), {"campaign", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.err, "");
  EXPECT_EQ(table_cells(output_lines(table.out).at(0)),
            (std::vector<std::string>{"ID", "STATE", "TOTAL", "DONE", "QUEUED", "IN_FLIGHT",
                                      "DELIVERED", "DEFERRED", "BOUNCED", "SUPPRESSED", "EXPIRED",
                                      "CANCELLED", "CREATED"}));
  auto row = row_starting(table.out, "ux-list");
  ASSERT_EQ(row.size(), 13u) << table.out;
  EXPECT_EQ(row[1], "active"); // a pipe: no colour codes
  EXPECT_EQ(row[2], "1,200");
  EXPECT_EQ(row[3], "100%");
  EXPECT_EQ(row[6], "1,200");
  EXPECT_TRUE(row[12].ends_with(" ago") || row[12] == "just now") << row[12];
  EXPECT_EQ(table.out.find('\x1b'), std::string::npos);

  CapturedCommand json = volleyctl_on(peers(), {"--json", "campaign", "list"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto document = one_json_document(json.out);
  bool found = false;
  for (const auto& campaign : document.at("campaigns").as_array())
    found = found || campaign.at("id") == "ux-list";
  EXPECT_TRUE(found) << json.out;

  CapturedCommand ids = volleyctl_on(peers(), {"campaign", "list", "--ids"});
  EXPECT_NE(("\n" + ids.out).find("\nux-list\n"), std::string::npos) << ids.out;

  CapturedCommand status = volleyctl_on(peers(), {"campaign", "status", "ux-list"});
  EXPECT_EQ(key_value(status.out, "progress"), "1,200 of 1,200 done (100%), 0 to go") << status.out;
  EXPECT_EQ(key_value(status.out, "delivered"), "1,200") << status.out;
  CapturedCommand status_json = volleyctl_on(peers(), {"--json", "campaign", "status", "ux-list"});
  EXPECT_EQ(one_json_document(status_json.out).at("counts").at("delivered"), 1200);
  CapturedCommand health = volleyctl_on(peers(), {"--json", "health"});
  EXPECT_EQ(one_json_document(health.out).at("status"), "ok");
}

// /v1/queues is a snapshot published twice a second: wait until it lists a domain.
void wait_for_site_with(volley::tools::ControlClient& client, const std::string& domain) {
  for (int i = 0; i < 100; ++i) {
    auto answer = client.request("GET", "/v1/queues");
    if (answer && answer->status == 200 &&
        answer->body.find("\"" + domain + "\"") != std::string::npos)
      return;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "no site lists " << domain << " in /v1/queues";
}

TEST_F(VolleyctlUx, QueueShowsSitesAndOneSiteInDetail) {
  deliver_campaign("ux-queue", numbered_recipients(5, "queue.test"));
  auto client = peers().daemon->client();
  wait_for_site_with(client, "queue.test");
  CapturedCommand table = volleyctl_on(peers(), {"queue"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  auto lines = output_lines(table.out);
  ASSERT_GE(lines.size(), 3u) << table.out;
  EXPECT_NE(lines[0].find(" site(s), "), std::string::npos) << table.out;
  EXPECT_EQ(table_cells(lines[1]),
            (std::vector<std::string>{"SITE", "DOMAINS", "QUEUED", "CONN", "RATE", "STATE",
                                      "DELIVERED", "DEFERRED", "BOUNCED", "LAST ERROR"}));
  std::string site = "route:" + peers().sink.address();
  auto row = row_starting(table.out, site);
  ASSERT_GE(row.size(), 9u) << table.out;
  EXPECT_EQ(row[2], "0");                         // nothing queued any more
  EXPECT_NE(row[3].find('/'), std::string::npos); // open/idle
  EXPECT_EQ(row[5], "ok");

  CapturedCommand alias = volleyctl_on(peers(), {"queues"});
  EXPECT_EQ(alias.exit_code, 0);
  EXPECT_EQ(table_cells(output_lines(alias.out).at(1)).at(0), "SITE");

  CapturedCommand json = volleyctl_on(peers(), {"--json", "queue"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto document = one_json_document(json.out);
  EXPECT_EQ(document.at("delivery"), "on");
  EXPECT_FALSE(document.at("sites").as_array().empty());

  CapturedCommand detail = volleyctl_on(peers(), {"queue", "queue.test"});
  ASSERT_EQ(detail.exit_code, 0) << detail.err;
  EXPECT_EQ(key_value(detail.out, "site"), site) << detail.out;
  EXPECT_EQ(key_value(detail.out, "state"), "ok") << detail.out;
  EXPECT_NE(key_value(detail.out, "domains").find("queue.test"), std::string::npos) << detail.out;
  EXPECT_NE(key_value(detail.out, "connections").find(" open, "), std::string::npos) << detail.out;
  CapturedCommand detail_json = volleyctl_on(peers(), {"--json", "queue", site});
  auto sites = one_json_document(detail_json.out).at("sites").as_array();
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].at("site").as_string(), site);

  CapturedCommand missing = volleyctl_on(peers(), {"queue", "nowhere.example"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err.rfind("error: no destination site matches \"nowhere.example\"", 0), 0u)
      << missing.err;
  EXPECT_NE(missing.err.find(site), std::string::npos) << missing.err;
}

TEST_F(VolleyctlUx, BouncesForACampaignAsTableJsonAndAllPages) {
  std::vector<std::string> recipients{"ok1@fast.test", "bounce1@fast.test", "ok2@fast.test",
                                      "bounce2@fast.test", "bounce3@fast.test"};
  deliver_campaign("ux-bounces", recipients);
  CapturedCommand table = volleyctl_on(peers(), {"bounces", "--campaign", "ux-bounces"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  auto lines = output_lines(table.out);
  ASSERT_EQ(lines.size(), 4u) << table.out; // header and three bounces
  EXPECT_EQ(table_cells(lines[0]), (std::vector<std::string>{"AT", "RECIPIENT", "KIND", "STATUS",
                                                             "CODE", "REASON", "DIAGNOSTIC"}));
  auto row = table_cells(lines[1]);
  ASSERT_GE(row.size(), 6u) << lines[1];
  EXPECT_EQ(row[0].size(), 19u) << row[0]; // "2026-11-23 10:00:00"
  EXPECT_EQ(row[1].rfind("bounce", 0), 0u) << row[1];
  EXPECT_TRUE(row[2] == "hard" || row[2] == "soft") << row[2];
  EXPECT_EQ(row[4], "550");

  CapturedCommand page =
      volleyctl_on(peers(), {"--json", "bounces", "--campaign", "ux-bounces", "--limit", "2"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  auto first = one_json_document(page.out);
  EXPECT_EQ(first.at("records").as_array().size(), 2u);
  ASSERT_FALSE(first.at("next").is_null());
  CapturedCommand human_page =
      volleyctl_on(peers(), {"bounces", "--campaign", "ux-bounces", "--limit", "2"});
  EXPECT_NE(human_page.out.find("more: volleyctl bounces --campaign ux-bounces --after "),
            std::string::npos)
      << human_page.out;

  CapturedCommand all = volleyctl_on(
      peers(), {"--json", "bounces", "--campaign", "ux-bounces", "--limit", "1", "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  auto every = one_json_document(all.out);
  EXPECT_EQ(every.at("records").as_array().size(), 3u) << all.out;
  EXPECT_TRUE(every.at("next").is_null());
  CapturedCommand all_table =
      volleyctl_on(peers(), {"bounces", "--campaign", "ux-bounces", "--limit", "1", "--all"});
  EXPECT_EQ(output_lines(all_table.out).size(), 5u) << all_table.out;
  EXPECT_NE(all_table.out.find("\n3 bounce record(s)"), std::string::npos) << all_table.out;

  CapturedCommand unknown = volleyctl_on(peers(), {"bounces", "--campaign", "no-such-campaign"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err.rfind("error: not_found: ", 0), 0u) << unknown.err;
}

// In-process with a fake terminal: colours on a TTY, none with NO_COLOR or in a pipe.
TEST_F(VolleyctlUx, StatesAreColouredOnlyOnATerminalWithoutNoColor) {
  deliver_campaign("ux-colour", numbered_recipients(2, "fast.test"));
  auto run = [&](bool terminal, bool no_color) {
    volley::tools::VolleyctlEnvironment environment;
    environment.lookup = [no_color](const char* name) -> std::optional<std::string> {
      if (std::string(name) == "NO_COLOR" && no_color)
        return "1";
      if (std::string(name) == "TERM")
        return "xterm";
      return std::nullopt;
    };
    environment.exists = [](const std::string&) { return false; };
    environment.stdout_is_terminal = terminal;
    environment.terminal_columns = 200;
    std::ostringstream out, err;
    int status = volley::tools::run_volleyctl({"--socket", peers().socket(), "campaign", "list"},
                                              environment, out, err);
    EXPECT_EQ(status, 0) << err.str();
    return out.str();
  };
  EXPECT_NE(run(true, false).find("\x1b[32mactive\x1b[0m"), std::string::npos);
  EXPECT_EQ(run(true, true).find('\x1b'), std::string::npos);
  EXPECT_EQ(run(false, false).find('\x1b'), std::string::npos);
}

std::uint16_t closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd); // nothing listens there now
  return ntohs(address.sin_port);
}

// One line on stderr, nothing on stdout.
void expect_one_error_line(const CapturedCommand& run) {
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("error: ", 0), 0u) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

TEST_F(VolleyctlUx, ConnectionErrorsSayWhatWhereAndWhatToDo) {
  std::string port = std::to_string(closed_port());
  CapturedCommand refused = volleyctl_raw({"--url", "http://127.0.0.1:" + port, "health"});
  EXPECT_EQ(refused.exit_code, 2);
  expect_one_error_line(refused);
  EXPECT_EQ(refused.err, "error: cannot connect to volleyd at 127.0.0.1:" + port +
                             " (from --url): connection refused — is volleyd running, with "
                             "control.listen at this address? Start it, or fix --url (or use "
                             "--socket PATH)\n");

  std::string missing_path = (peers().daemon->dir() / "no-such.sock").string();
  CapturedCommand missing = volleyctl_raw({"--socket", missing_path, "campaign", "list"});
  EXPECT_EQ(missing.exit_code, 2);
  expect_one_error_line(missing);
  EXPECT_EQ(missing.err, "error: cannot connect to volleyd at " + missing_path +
                             " (from --socket): no such socket — is volleyd running? Its "
                             "control.socket (default ./var/run/volley.sock in volleyd's "
                             "directory) must be this path: fix --socket, or use --url "
                             "http://127.0.0.1:8025\n");

  // A socket file nobody accepts on (volleyd crashed and left it behind).
  std::string stale_path = (peers().daemon->dir() / "stale.sock").string();
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", stale_path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  CapturedCommand stale = volleyctl_raw({"--socket", stale_path, "health"});
  ::close(fd);
  EXPECT_EQ(stale.exit_code, 2);
  expect_one_error_line(stale);
  EXPECT_NE(stale.err.find("the socket file exists but no volleyd accepts on it"),
            std::string::npos)
      << stale.err;
}

TEST_F(VolleyctlUx, WrongOrMissingTokenIsOneLineWithExitOne) {
  CapturedCommand wrong =
      volleyctl_raw({"--url", peers().url(), "--token", "not-the-token", "campaign", "list"});
  EXPECT_EQ(wrong.exit_code, 1);
  expect_one_error_line(wrong);
  EXPECT_EQ(
      wrong.err.rfind("error: volleyd at 127.0.0.1:" + std::to_string(peers().daemon->port()) +
                          " refused the bearer token from --token (401 unauthorized) — ",
                      0),
      0u)
      << wrong.err;
  EXPECT_NE(wrong.err.find("--token-file FILE or VOLLEY_TOKEN"), std::string::npos);

  CapturedCommand right = volleyctl_raw(
      {"--url", peers().url(), "--token", peers().daemon->token(), "--json", "campaign", "list"});
  EXPECT_EQ(right.exit_code, 0) << right.err;
  one_json_document(right.out);

  volley::tools::VolleyctlEnvironment environment; // no VOLLEY_TOKEN, no ./var/control.token
  environment.lookup = [](const char*) { return std::nullopt; };
  environment.exists = [](const std::string&) { return false; };
  std::ostringstream out, err;
  int status = volley::tools::run_volleyctl({"--url", peers().url(), "campaign", "list"},
                                            environment, out, err);
  EXPECT_EQ(status, 1);
  EXPECT_NE(err.str().find("wants a bearer token (401 unauthorized) and none was sent — "),
            std::string::npos)
      << err.str();
}

TEST_F(VolleyctlUx, TimeoutUnknownCommandAndUnknownCampaign) {
  // Listening, never answering: the kernel accepts the connection, nobody reads the request.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  std::string port = std::to_string(ntohs(address.sin_port));
  CapturedCommand silent =
      volleyctl_raw({"--url", "http://127.0.0.1:" + port, "--timeout", "1", "health"});
  ::close(fd);
  EXPECT_EQ(silent.exit_code, 2);
  expect_one_error_line(silent);
  EXPECT_NE(silent.err.find("volleyd at 127.0.0.1:" + port + " did not respond within 1 s"),
            std::string::npos)
      << silent.err;

  CapturedCommand typo = volleyctl_raw({"campain", "list"});
  EXPECT_EQ(typo.exit_code, 64);
  EXPECT_EQ(typo.err.rfind("error: unknown command `campain` — did you mean `campaign`?\n", 0), 0u)
      << typo.err;
  CapturedCommand sub_typo = volleyctl_raw({"campaign", "wach", "c-1"});
  EXPECT_EQ(sub_typo.exit_code, 64);
  EXPECT_NE(sub_typo.err.find("did you mean `campaign watch`?"), std::string::npos) << sub_typo.err;

  CapturedCommand unknown = volleyctl_on(peers(), {"campaign", "status", "no-such-campaign"});
  EXPECT_EQ(unknown.exit_code, 1);
  expect_one_error_line(unknown);
  EXPECT_EQ(unknown.err.rfind("error: not_found: ", 0), 0u) << unknown.err;

  CapturedCommand help = volleyctl_raw({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* line : {"  0    ok\n", "  1    volleyd answered an error", "  2    cannot reach",
                           "  64   usage error", "  130  interrupted"})
    EXPECT_NE(help.out.find(line), std::string::npos) << line;
}

} // namespace
