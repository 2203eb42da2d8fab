// volleyctl's pure parts: command-line parsing, endpoint and token choice, URL encoding, tables,
// answer renderings and progress formatting. No daemon, no network.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tools/cli_args.hpp"
#include "tools/cli_table.hpp"
#include "tools/progress_bar.hpp"
#include "tools/url_encoding.hpp"
#include "tools/volleyctl_command_context.hpp"
#include "tools/volleyctl_endpoint.hpp"
#include "tools/volleyctl_output.hpp"
#include "tools/volleyctl_usage.hpp"

namespace volley::tools {
namespace {

ParseOutcome parse(std::vector<std::string> arguments) {
  return parse_command_line(arguments, volleyctl_commands(), volleyctl_global_options());
}

TEST(VolleyctlArgs, CampaignCreateWithEveryOption) {
  auto parsed = parse({"--json",
                       "campaign",
                       "create",
                       "--from",
                       "news@example.com",
                       "--message=m.eml",
                       "--recipients",
                       "r.ndjson",
                       "--tag",
                       "a=1",
                       "--tag",
                       "b=2",
                       "--id",
                       "c-1",
                       "--not-before",
                       "2026-11-23T10:00:00Z",
                       "--expires-after",
                       "72h",
                       "--socket",
                       "/tmp/v.sock"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.args.command, "campaign create");
  EXPECT_TRUE(parsed.args.has("json"));
  EXPECT_EQ(parsed.args.value("from"), "news@example.com");
  EXPECT_EQ(parsed.args.value("message"), "m.eml");
  EXPECT_EQ(parsed.args.values("tag"), (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(parsed.args.value("socket"), "/tmp/v.sock");
  EXPECT_EQ(parsed.args.value("expires-after"), "72h");
  EXPECT_FALSE(parsed.args.help);
}

TEST(VolleyctlArgs, PositionalsAndDoubleDash) {
  auto parsed = parse({"campaign", "add", "c-1", "r.ndjson"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.args.positionals, (std::vector<std::string>{"c-1", "r.ndjson"}));
  parsed = parse({"suppress", "--", "--odd@example.com"});
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.args.positionals, (std::vector<std::string>{"--odd@example.com"}));
}

TEST(VolleyctlArgs, UsageErrors) {
  EXPECT_EQ(parse({"campaign"}).error,
            "`campaign` needs a subcommand: create, add, status, list, pause, resume, cancel, "
            "watch");
  EXPECT_EQ(parse({"campaign", "stat", "x"}).error,
            "unknown command `campaign stat` — did you mean `campaign status`?");
  EXPECT_EQ(parse({"bounce"}).error, "unknown command `bounce` — did you mean `bounces`?");
  EXPECT_EQ(parse({"frobnicate"}).error,
            "unknown command `frobnicate` — run `volleyctl help` for the list of commands");
  EXPECT_EQ(parse({"campaign", "create", "--frm", "a"}).error,
            "unknown option --frm for `campaign create` — did you mean `--from`?");
  EXPECT_EQ(parse({"--from", "a", "campaign", "create"}).error,
            "unknown option --from — put command options after the command");
  EXPECT_EQ(parse({"campaign", "create", "--from"}).error, "--from needs a value (ADDR)");
  EXPECT_EQ(parse({"campaign", "create", "--message", "m", "--from", "a", "--from", "b"}).error,
            "--from is given more than once");
  EXPECT_EQ(parse({"campaign", "create", "--message", "m"}).error,
            "`campaign create` needs --from ADDR");
  EXPECT_EQ(parse({"campaign", "status"}).error, "`campaign status` is missing an argument");
  EXPECT_EQ(parse({"campaign", "status", "a", "b"}).error,
            "unexpected argument `b` for `campaign status`");
  EXPECT_EQ(parse({"health", "--json=yes"}).error, "--json takes no value");
  EXPECT_EQ(parse({"health", "-v"}).error,
            "unknown option -v — volleyctl options are long: --name VALUE");
  EXPECT_EQ(parse({}).error, "no command given");
}

TEST(VolleyctlArgs, HelpIsRecognisedAnywhere) {
  auto parsed = parse({"campaign", "create", "--help"});
  EXPECT_EQ(parsed.error, "");
  EXPECT_TRUE(parsed.args.help);
  EXPECT_EQ(parsed.args.command, "campaign create");
  parsed = parse({"-h"});
  EXPECT_TRUE(parsed.args.help);
  parsed = parse({"help", "campaign", "add"});
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.args.command, "help");
  EXPECT_EQ(parsed.args.positionals, (std::vector<std::string>{"campaign", "add"}));
}

TEST(VolleyctlArgs, EveryCommandHasHelpWithAnExample) {
  for (const CommandSpec& spec : volleyctl_commands()) {
    std::string help = volleyctl_command_help(spec);
    EXPECT_EQ(help.rfind("usage: volleyctl [global options] " + std::string(spec.name), 0), 0u)
        << help;
    EXPECT_NE(help.find("volleyctl " + std::string(spec.name)), help.find("usage:")) << help;
    EXPECT_NE(volleyctl_general_help().find(std::string(spec.name)), std::string::npos);
  }
}

TEST(VolleyctlUrl, PercentEncodesPathSegments) {
  EXPECT_EQ(percent_encode("ann+news@example.org"), "ann%2Bnews%40example.org");
  EXPECT_EQ(percent_encode("a b/c?d#e%f"), "a%20b%2Fc%3Fd%23e%25f");
  EXPECT_EQ(percent_encode("c-1_x.y~z"), "c-1_x.y~z");
  EXPECT_EQ(percent_encode("ü"), "%C3%BC");
  EXPECT_EQ(percent_encode(".."), "%2E%2E");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(VolleyctlUrl, QueryStringSkipsEmptyValues) {
  EXPECT_EQ(query_string({{"campaign", ""}, {"after", "a+b@x.org"}, {"limit", "5"}}),
            "?after=a%2Bb%40x.org&limit=5");
  EXPECT_EQ(query_string({{"after", ""}}), "");
}

TEST(VolleyctlUrl, ParsesControlUrls) {
  auto url = parse_control_url("http://127.0.0.1:8025");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8025);
  url = parse_control_url("http://[::1]:9000/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 9000);
  url = parse_control_url("localhost:1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "localhost");
  EXPECT_EQ(parse_control_url("http://127.0.0.1").error().message,
            "--url http://127.0.0.1 has no port, e.g. --url http://127.0.0.1:8025");
  EXPECT_EQ(parse_control_url("https://127.0.0.1:8025").error().message,
            "--url https://127.0.0.1:8025: the control API speaks plain HTTP on loopback; use "
            "http://");
  EXPECT_FALSE(parse_control_url("http://127.0.0.1:70000").ok());
  EXPECT_FALSE(parse_control_url("http://127.0.0.1:0").ok());
  EXPECT_FALSE(parse_control_url("http://:8025").ok());
  EXPECT_FALSE(parse_control_url("http://127.0.0.1:8025/v1").ok());
  EXPECT_FALSE(parse_control_url("").ok());
}

struct FakeSystem {
  std::map<std::string, std::string> environment;
  std::set<std::string> files;
  EnvironmentLookup lookup() const {
    return [this](const char* name) -> std::optional<std::string> {
      auto it = environment.find(name);
      return it == environment.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  FileExists exists() const {
    return [this](const std::string& path) { return files.count(path) > 0; };
  }
};

Result<ControlEndpoint> endpoint_for(std::vector<std::string> arguments, const FakeSystem& system) {
  arguments.push_back("health");
  auto parsed = parse(arguments);
  EXPECT_EQ(parsed.error, "");
  return choose_control_endpoint(parsed.args, system.lookup(), system.exists());
}

TEST(VolleyctlEndpoint, DefaultsToTheSocketWhenItExistsElseTcp) {
  FakeSystem system;
  auto endpoint = endpoint_for({}, system);
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->unix_socket, "");
  EXPECT_EQ(endpoint->host, "127.0.0.1");
  EXPECT_EQ(endpoint->port, 8025);
  EXPECT_EQ(endpoint->token, "");
  EXPECT_EQ(endpoint->timeout_seconds, 600);
  system.files.insert("./var/run/volley.sock");
  endpoint = endpoint_for({}, system);
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->unix_socket, "./var/run/volley.sock");
}

TEST(VolleyctlEndpoint, CommandLineBeatsEnvironment) {
  FakeSystem system;
  system.files.insert("./var/run/volley.sock");
  system.environment["VOLLEY_SOCKET"] = "/env.sock";
  system.environment["VOLLEY_TOKEN"] = "env-token";
  auto endpoint = endpoint_for({}, system);
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->unix_socket, "/env.sock");
  EXPECT_EQ(endpoint->token, ""); // no token needed on the socket
  endpoint = endpoint_for({"--url", "http://127.0.0.2:9999", "--timeout", "5"}, system);
  ASSERT_TRUE(endpoint.ok());
  EXPECT_EQ(endpoint->unix_socket, "");
  EXPECT_EQ(endpoint->host, "127.0.0.2");
  EXPECT_EQ(endpoint->port, 9999);
  EXPECT_EQ(endpoint->token, "env-token");
  EXPECT_EQ(endpoint->timeout_seconds, 5);
  endpoint = endpoint_for({"--url", "http://127.0.0.2:9999", "--token", "cli"}, system);
  EXPECT_EQ(endpoint->token, "cli");
  system.environment.erase("VOLLEY_SOCKET");
  system.environment["VOLLEY_URL"] = "http://localhost:7000";
  endpoint = endpoint_for({}, system);
  EXPECT_EQ(endpoint->host, "localhost");
  EXPECT_EQ(endpoint->port, 7000);
}

TEST(VolleyctlEndpoint, OptionErrorsAreUsageErrorsAndTokenFilesMustBeReadable) {
  FakeSystem system;
  auto both = endpoint_for({"--socket", "/a", "--url", "http://127.0.0.1:1"}, system);
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(both.error().code, error_code::invalid_request);
  auto timeout = endpoint_for({"--timeout", "0"}, system);
  ASSERT_FALSE(timeout.ok());
  EXPECT_EQ(timeout.error().code, error_code::invalid_request);
  auto token = endpoint_for({"--token-file", "/nonexistent/volley.token"}, system);
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, error_code::not_found);
  EXPECT_EQ(token.error().message.rfind("cannot read token file /nonexistent/volley.token", 0), 0u);
}

TEST(VolleyctlTable, AlignsColumns) {
  TextTable table({"ID", "STATE", "QUEUED"});
  table.align_right(2);
  table.add_row({"c-1", "active", "5"});
  table.add_row({"spring-2026", "paused", "1234567"});
  table.add_row({"ü", "", "0"});
  EXPECT_EQ(table.render(), "ID           STATE    QUEUED\n"
                            "c-1          active        5\n"
                            "spring-2026  paused  1234567\n"
                            "ü                          0\n");
}

TEST(VolleyctlTable, CutsLongCellsWithoutSplittingCharacters) {
  TextTable table({"A", "B"});
  table.limit_width(0, 4);
  table.add_row({"ééééééé", "x"});
  EXPECT_EQ(table.render(), "A     B\nééé…  x\n");
  EXPECT_EQ(display_width("ééé"), 3u);
  EXPECT_EQ(render_key_values({{"id", "c-1"}, {"state", ""}, {"queued", "3"}}),
            "id      c-1\nstate\nqueued  3\n");
}

boost::json::value json(std::string_view text) {
  return boost::json::parse(text);
}

TEST(VolleyctlOutput, CampaignList) {
  auto answer = json(R"({"campaigns":[{"id":"c-1","state":"active","counts":{"queued":5,
      "in_flight":1,"delivered":20,"deferred":2,"bounced_hard":3,"bounced_soft":4,"suppressed":1,
      "expired":0,"cancelled":0}},{"id":"c-22","state":"paused"}]})");
  EXPECT_EQ(render_campaign_table(answer),
            "ID    STATE   TOTAL  DONE  QUEUED  IN_FLIGHT  DELIVERED  DEFERRED  BOUNCED  "
            "SUPPRESSED  EXPIRED  CANCELLED  CREATED\n"
            "c-1   active     36   77%       5          1         20         2        7  "
            "         1        0          0\n"
            "c-22  paused      0     -       0          0          0         0        0  "
            "         0        0          0\n");
  EXPECT_EQ(render_campaign_table(json(R"({"campaigns":[]})")), "no campaigns\n");
  EXPECT_EQ(render_campaign_table(json("[]")), "no campaigns\n");
}

TEST(VolleyctlOutput, RecipientCountsAndRejections) {
  auto answer = json(R"({"accepted":3,"duplicates":1,"suppressed":0,"rejected_count":12,
      "rejected":[{"index":4,"to":"bad@@x","error":"more than one \"@\""},
                  {"index":9,"to":"","error":"column 1: syntax error"}]})");
  EXPECT_EQ(render_recipient_counts(answer), "3 accepted, 1 duplicate, 0 suppressed, 12 rejected");
  EXPECT_EQ(render_rejections(answer), "rejected (first 2 of 12):\n"
                                       "INDEX  TO      ERROR\n"
                                       "    4  bad@@x  more than one \"@\"\n"
                                       "    9          column 1: syntax error\n");
  EXPECT_EQ(render_rejections(answer, 1), "rejected (first 1 of 12):\n"
                                          "INDEX  TO      ERROR\n"
                                          "    4  bad@@x  more than one \"@\"\n");
  EXPECT_EQ(render_rejections(json(R"({"accepted":1,"rejected":[]})")), "");
}

TEST(VolleyctlOutput, ErrorsAndListsAndCursors) {
  EXPECT_EQ(render_error_answer(
                404, R"({"error":"not_found","message":"campaign \"x\" does not exist"})"),
            "error: not_found: campaign \"x\" does not exist");
  EXPECT_EQ(render_error_answer(502, "Bad Gateway\n"), "error: HTTP 502: Bad Gateway");
  auto suppressions = json(R"({"records":[{"address":"a@b.c","reason":"unsubscribe",
      "source":"api","at":"2026-11-23T10:00:00.000Z"}],"next":"a@b.c"})");
  EXPECT_EQ(render_suppressions(suppressions),
            "ADDRESS  REASON       SOURCE  AT\n"
            "a@b.c    unsubscribe  api     2026-11-23 10:00:00\n");
  EXPECT_EQ(json_next_cursor(suppressions), std::optional<std::string>("a@b.c"));
  EXPECT_EQ(json_next_cursor(json(R"({"records":[],"next":null})")), std::nullopt);
  EXPECT_EQ(json_next_cursor(json(R"({"next":42})")), std::optional<std::string>("42"));
  EXPECT_EQ(render_bounces(json(R"({"records":[]})")), "no bounces\n");
  EXPECT_EQ(render_flat_object(json(R"({"status":"ok","spool":{"commits":3}})")),
            "status         ok\nspool.commits  3\n");
}

TEST(VolleyctlOutput, CommandHelpers) {
  auto tags = tags_object({"list=spring", "empty=", "eq=a=b"});
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(boost::json::serialize(*tags), R"({"list":"spring","empty":"","eq":"a=b"})");
  EXPECT_FALSE(tags_object({"novalue"}).ok());
  EXPECT_FALSE(tags_object({"=x"}).ok());
  EXPECT_EQ(tags_object({"a=1", "a=2"}).error().message, "--tag a is given more than once");
  EXPECT_EQ(shell_quote("a+b@example.org"), "a+b@example.org");
  EXPECT_EQ(shell_quote("it's here"), "'it'\\''s here'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(VolleyctlProgress, FormatsBytesClockAndBar) {
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1000), "1.0 kB");
  EXPECT_EQ(format_bytes(54'777'780), "54.8 MB");
  EXPECT_EQ(format_bytes(999'960'000), "1.0 GB");
  EXPECT_EQ(format_clock(7), "0:07");
  EXPECT_EQ(format_clock(754), "12:34");
  EXPECT_EQ(format_clock(3723), "1:02:03");
  EXPECT_EQ(format_progress_line(5'000'000, 10'000'000, 2.0, 10),
            "[#####-----]  50%  5.0 MB / 10.0 MB  2.5 MB/s  ETA 0:02");
  EXPECT_EQ(format_progress_line(0, 10'000'000, 0.0, 4),
            "[----]   0%  0 B / 10.0 MB  0.0 MB/s  ETA --:--");
  EXPECT_EQ(format_progress_line(0, 0, 0.0, 4), "[####] 100%  0 B / 0 B  0.0 MB/s  ETA --:--");
  EXPECT_EQ(format_upload_summary(24'600'000, 6.0), "uploaded 24.6 MB in 6.0 s (4.1 MB/s)");
}

} // namespace
} // namespace volley::tools
