// run_volleyctl in-process against a scripted peer: exit codes (0, 1, 2, 64, 66), human and --json
// output, percent-encoded targets, and that nothing is sent before input files are checked.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "integration/scripted_http_server.hpp"
#include "tools/volleyctl_commands.hpp"

namespace volley::tools {
namespace {

using volley::testing_support::ReceivedRequest;
using volley::testing_support::ScriptedHttpServer;
namespace fs = std::filesystem;

struct VolleyctlResult {
  int status = 0;
  std::string out;
  std::string err;
};

VolleyctlResult volleyctl(std::vector<std::string> arguments) {
  VolleyctlEnvironment environment;
  environment.lookup = [](const char*) { return std::nullopt; };
  environment.exists = [](const std::string&) { return false; };
  std::ostringstream out, err;
  int status = run_volleyctl(arguments, environment, out, err);
  return VolleyctlResult{status, out.str(), err.str()};
}

std::vector<std::string> with_url(const ScriptedHttpServer& server,
                                  std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(),
                   {"--url", "http://127.0.0.1:" + std::to_string(server.port()), "--token", "t"});
  return arguments;
}

// Serves one request with the given answer and records it.
void answer_once(ScriptedHttpServer& server, ReceivedRequest& seen, int status, std::string body) {
  server.run([&seen, status, body](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    seen = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(status, body));
  });
}

TEST(VolleyctlRun, HelpAndUsageErrorsNeedNoServer) {
  VolleyctlResult help = volleyctl({"help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("commands:"), std::string::npos);
  VolleyctlResult command_help = volleyctl({"suppress", "--help"});
  EXPECT_EQ(command_help.status, 0);
  EXPECT_EQ(command_help.out.rfind("usage: volleyctl [global options] suppress ADDR", 0), 0u);
  VolleyctlResult none = volleyctl({});
  EXPECT_EQ(none.status, 64);
  VolleyctlResult bad = volleyctl({"campaign", "status"});
  EXPECT_EQ(bad.status, 64);
  EXPECT_EQ(bad.err, "error: `campaign status` is missing an argument\n"
                     "usage: volleyctl [global options] campaign status ID\n"
                     "run `volleyctl campaign status --help` for options and examples\n");
  EXPECT_EQ(volleyctl({"help", "nothing"}).status, 64);
}

TEST(VolleyctlRun, UnreachableIsExitTwo) {
  std::string socket = (fs::temp_directory_path() / "volleyctl-none.sock").string();
  VolleyctlResult run = volleyctl({"--socket", socket, "campaign", "list"});
  EXPECT_EQ(run.status, 2);
  EXPECT_EQ(run.err.rfind("error: cannot connect to volleyd at " + socket, 0), 0u) << run.err;
}

TEST(VolleyctlRun, MissingInputFileIsExitSixtySixAndSendsNothing) {
  ScriptedHttpServer server;
  VolleyctlResult run = volleyctl(with_url(
      server, {"campaign", "create", "--from", "a@b.c", "--message", "/nonexistent/m.eml"}));
  EXPECT_EQ(run.status, 66);
  EXPECT_EQ(run.err,
            "error: cannot read --message /nonexistent/m.eml: No such file or directory\n");
  EXPECT_EQ(server.accept_connection(100), -1);
}

TEST(VolleyctlRun, CampaignListAsTableAndAsJson) {
  const std::string body =
      R"({"campaigns":[{"id":"c-1","state":"active","counts":{"queued":2,"delivered":1}}]})";
  {
    ScriptedHttpServer server;
    ReceivedRequest seen;
    answer_once(server, seen, 200, body);
    VolleyctlResult run = volleyctl(with_url(server, {"campaign", "list"}));
    server.wait();
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(seen.target, "/v1/campaigns");
    EXPECT_EQ(seen.headers["authorization"], "Bearer t");
    EXPECT_EQ(run.out.substr(0, run.out.find('\n')),
              "ID   STATE   TOTAL  DONE  QUEUED  IN_FLIGHT  DELIVERED  DEFERRED  BOUNCED  "
              "SUPPRESSED  EXPIRED  CANCELLED  CREATED");
  }
  ScriptedHttpServer server;
  ReceivedRequest seen;
  answer_once(server, seen, 200, body);
  VolleyctlResult run = volleyctl(with_url(server, {"--json", "campaign", "list"}));
  server.wait();
  EXPECT_EQ(run.out, body + "\n");
}

TEST(VolleyctlRun, ErrorAnswerIsExitOne) {
  ScriptedHttpServer server;
  ReceivedRequest seen;
  answer_once(server, seen, 404,
              R"({"error":"not_found","message":"campaign \"a/b\" does not exist"})");
  VolleyctlResult run = volleyctl(with_url(server, {"campaign", "pause", "a/b"}));
  server.wait();
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v1/campaigns/a%2Fb/pause");
  EXPECT_EQ(run.err, "error: not_found: campaign \"a/b\" does not exist\n");
}

TEST(VolleyctlRun, SuppressEncodesTheAddress) {
  ScriptedHttpServer server;
  ReceivedRequest seen;
  answer_once(server, seen, 200, R"({"address":"ann+x@example.org"})");
  VolleyctlResult run =
      volleyctl(with_url(server, {"suppress", "ann+x@example.org", "--reason", "manual"}));
  server.wait();
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.target, "/v1/suppressions/ann%2Bx%40example.org");
  EXPECT_EQ(seen.body, R"({"reason":"manual"})");
  EXPECT_EQ(run.out, "ann+x@example.org is on the suppression list\n");
}

TEST(VolleyctlRun, CampaignCreateUploadsRecipientsOnTheSameConnection) {
  std::string dir =
      (fs::temp_directory_path() / ("volleyctl-" + std::to_string(getpid()))).string();
  fs::create_directories(dir);
  std::ofstream(dir + "/m.eml") << "Subject: hi\r\n\r\nbody\r\n";
  std::ofstream(dir + "/r.ndjson") << "{\"to\":\"a@example.org\"}\n{\"to\":\"bad\"}\n";
  ScriptedHttpServer server;
  ReceivedRequest create, upload;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    create = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(202, R"({"id":"c 1","accepted":0,"rejected":[]})"));
    upload = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(
                       202, R"({"accepted":1,"duplicates":0,"suppressed":0,"rejected_count":1,)"
                            R"("rejected":[{"index":1,"to":"bad","error":"no @"}]})"));
  });
  VolleyctlResult run = volleyctl(
      with_url(server, {"campaign", "create", "--from", "a@b.c", "--message", dir + "/m.eml",
                        "--recipients", dir + "/r.ndjson", "--tag", "k=v"}));
  server.wait();
  fs::remove_all(dir);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(create.body,
            R"({"from":"a@b.c","message":"Subject: hi\r\n\r\nbody\r\n","tags":{"k":"v"}})");
  EXPECT_EQ(upload.target, "/v1/campaigns/c%201/recipients");
  EXPECT_EQ(upload.headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(run.out, "campaign c 1 created\n"
                     "recipients: 1 accepted, 0 duplicates, 0 suppressed, 1 rejected\n"
                     "rejected:\n"
                     "INDEX  TO   ERROR\n"
                     "    1  bad  no @\n");
  EXPECT_EQ(run.err.rfind("r.ndjson: uploaded 36 B in ", 0), 0u) << run.err;
}

} // namespace
} // namespace volley::tools
