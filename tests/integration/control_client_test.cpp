// ControlClient against a scripted loopback peer: headers, keep-alive reuse, reconnect and the
// single retry, timeouts, Content-Length and chunked uploads, early answers to uploads, and the
// wording of connection errors. Never needs volleyd.
#include "tools/control_client.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "integration/scripted_http_server.hpp"

namespace volley::tools {
namespace {

using volley::testing_support::ReceivedRequest;
using volley::testing_support::ScriptedHttpServer;
namespace fs = std::filesystem;

ControlEndpoint tcp_endpoint(const ScriptedHttpServer& server, std::string token = "") {
  ControlEndpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = server.port();
  endpoint.token = std::move(token);
  endpoint.timeout_seconds = 10;
  return endpoint;
}

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()))).string();
}

std::string write_file(const std::string& name, std::size_t size) {
  std::string path = temp_path(name);
  std::string content;
  for (std::size_t i = 0; i < size; ++i)
    content += static_cast<char>('a' + i % 26);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(ControlClient, SendsHeadersAndReadsTheAnswer) {
  ScriptedHttpServer server;
  ReceivedRequest seen;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    seen = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(202, R"({"id":"c-1"})"));
  });
  ControlClient client(tcp_endpoint(server, "s3cret"));
  auto answer = client.request("POST", "/v1/campaigns", R"({"from":"a@b.c"})");
  server.wait();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 202);
  EXPECT_EQ(answer->body, R"({"id":"c-1"})");
  EXPECT_EQ(answer->content_type, "application/json");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v1/campaigns");
  EXPECT_EQ(seen.headers["authorization"], "Bearer s3cret");
  EXPECT_EQ(seen.headers["host"], "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen.headers["content-type"], "application/json");
  EXPECT_EQ(seen.body, R"({"from":"a@b.c"})");
}

TEST(ControlClient, NoTokenNoAuthorizationHeader) {
  ScriptedHttpServer server;
  ReceivedRequest seen;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    seen = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(200, "{}"));
  });
  ControlClient client(tcp_endpoint(server));
  ASSERT_TRUE(client.request("GET", "/healthz").ok());
  server.wait();
  EXPECT_EQ(seen.headers.count("authorization"), 0u);
  EXPECT_EQ(seen.headers.count("content-type"), 0u);
}

TEST(ControlClient, KeepsTheConnectionAlive) {
  ScriptedHttpServer server;
  int second_connection = 0;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    for (int i = 0; i < 3; ++i) {
      s.read_request(fd);
      s.send_all(fd, ScriptedHttpServer::answer(200, std::to_string(i)));
    }
    second_connection = s.accept_connection(200);
  });
  ControlClient client(tcp_endpoint(server));
  for (int i = 0; i < 3; ++i) {
    auto answer = client.request("GET", "/v1/campaigns");
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    EXPECT_EQ(answer->body, std::to_string(i));
  }
  server.wait();
  EXPECT_EQ(second_connection, -1);
}

TEST(ControlClient, ReconnectsWhenTheServerClosedAnIdleConnection) {
  ScriptedHttpServer server;
  server.run([&](ScriptedHttpServer& s) {
    int first = s.accept_connection();
    s.read_request(first);
    s.send_all(first, ScriptedHttpServer::answer(200, "one"));
    s.close_fd(first);
    int second = s.accept_connection();
    s.read_request(second);
    s.send_all(second, ScriptedHttpServer::answer(200, "two"));
  });
  ControlClient client(tcp_endpoint(server));
  ASSERT_EQ(client.request("GET", "/a")->body, "one");
  usleep(100 * 1000); // let the close arrive
  auto answer = client.request("GET", "/b");
  server.wait();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->body, "two");
}

TEST(ControlClient, RetriesOnceWhenAKeptAliveConnectionClosesBeforeAnswering) {
  ScriptedHttpServer server;
  std::string retried_body;
  server.run([&](ScriptedHttpServer& s) {
    int first = s.accept_connection();
    s.read_request(first);
    s.send_all(first, ScriptedHttpServer::answer(200, "one"));
    s.read_request(first); // the race: read, then close without answering
    s.close_fd(first);
    int second = s.accept_connection();
    retried_body = s.read_request(second).body;
    s.send_all(second, ScriptedHttpServer::answer(202, "two"));
  });
  ControlClient client(tcp_endpoint(server));
  ASSERT_EQ(client.request("GET", "/a")->body, "one");
  auto answer = client.request("POST", "/b", R"({"x":1})");
  server.wait();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 202);
  EXPECT_EQ(retried_body, R"({"x":1})");
}

TEST(ControlClient, DoesNotRetryOnAFreshConnection) {
  ScriptedHttpServer server;
  int second = 0;
  server.run([&](ScriptedHttpServer& s) {
    int first = s.accept_connection();
    s.read_request(first);
    s.close_fd(first);
    second = s.accept_connection(300);
  });
  ControlClient client(tcp_endpoint(server));
  auto answer = client.request("POST", "/v1/messages", "{}");
  server.wait();
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(second, -1);
  EXPECT_EQ(answer.error().code, error_code::unavailable);
  EXPECT_EQ(answer.error().message.rfind(
                "connection to volleyd at 127.0.0.1:" + std::to_string(server.port()) +
                    " was lost while waiting for the answer: ",
                0),
            0u)
      << answer.error().message;
}

TEST(ControlClient, ConnectionRefusedSaysWhatToDo) {
  std::uint16_t port;
  { port = ScriptedHttpServer().port(); } // bound, then closed: nobody listens there now
  ControlEndpoint endpoint;
  endpoint.port = port;
  ControlClient client(endpoint);
  auto answer = client.request("GET", "/healthz");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, error_code::unavailable);
  EXPECT_EQ(answer.error().message,
            "cannot connect to volleyd at 127.0.0.1:" + std::to_string(port) +
                ": connection refused — is volleyd running, with control.listen at this address? "
                "Start it, or fix --url (or use --socket PATH)");
  // Chosen by default (no socket in this directory): both places are named.
  endpoint.source = "default";
  ControlClient by_default(endpoint);
  answer = by_default.request("GET", "/healthz");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().message,
            "cannot connect to volleyd at 127.0.0.1:" + std::to_string(port) +
                ": connection refused — is volleyd running? There is no control socket at "
                "./var/run/volley.sock here either; start volleyd, or point volleyctl at it with "
                "--socket PATH (VOLLEY_SOCKET) or --url URL (VOLLEY_URL)");
}

TEST(ControlClient, MissingUnixSocketSaysWhatToDo) {
  ControlEndpoint endpoint;
  endpoint.unix_socket = temp_path("no-such-volley.sock");
  ControlClient client(endpoint);
  auto answer = client.request("GET", "/healthz");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().message,
            "cannot connect to volleyd at " + endpoint.unix_socket +
                ": no such socket — is volleyd running? Its control.socket (default "
                "./var/run/volley.sock in volleyd's directory) must be this path: fix --socket, "
                "or use --url http://127.0.0.1:8025");
  endpoint.source = "VOLLEY_SOCKET";
  ControlClient from_environment(endpoint);
  answer = from_environment.request("GET", "/healthz");
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.error().message.find(" (from VOLLEY_SOCKET): no such socket — "),
            std::string::npos)
      << answer.error().message;
  EXPECT_NE(answer.error().message.find("fix VOLLEY_SOCKET"), std::string::npos);
}

TEST(ControlClient, TimesOutWhenNoAnswerComes) {
  ScriptedHttpServer server;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    s.read_request(fd);
    usleep(2500 * 1000);
    s.close_fd(fd);
  });
  ControlEndpoint endpoint = tcp_endpoint(server);
  endpoint.timeout_seconds = 1;
  ControlClient client(endpoint);
  auto started = std::chrono::steady_clock::now();
  auto answer = client.request("GET", "/v1/campaigns");
  auto took = std::chrono::steady_clock::now() - started;
  server.wait();
  ASSERT_FALSE(answer.ok());
  EXPECT_LT(took, std::chrono::milliseconds(2000));
  EXPECT_NE(answer.error().message.find("did not respond within 1 s while waiting for the answer"),
            std::string::npos)
      << answer.error().message;
}

TEST(ControlClient, UploadsAFileWithContentLengthInParts) {
  std::string path = write_file("volley-upload", 600 * 1024 + 7);
  ScriptedHttpServer server;
  ReceivedRequest seen;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    seen = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(202, R"({"accepted":3})"));
  });
  ControlClient client(tcp_endpoint(server));
  std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
  auto answer = client.upload_file(
      "POST", "/v1/campaigns/c/recipients", path, "application/x-ndjson",
      [&](std::uint64_t sent, std::uint64_t total) { progress.emplace_back(sent, total); });
  server.wait();
  std::ifstream file(path, std::ios::binary);
  std::string expected((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  fs::remove(path);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 202);
  EXPECT_EQ(seen.headers["content-length"], std::to_string(expected.size()));
  EXPECT_EQ(seen.headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(seen.headers.count("transfer-encoding"), 0u);
  EXPECT_TRUE(seen.body == expected);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> want{{0, expected.size()},
                                                            {256 * 1024, expected.size()},
                                                            {512 * 1024, expected.size()},
                                                            {expected.size(), expected.size()}};
  EXPECT_EQ(progress, want);
}

TEST(ControlClient, UploadsAnEmptyFile) {
  std::string path = write_file("volley-empty", 0);
  ScriptedHttpServer server;
  ReceivedRequest seen;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    seen = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(202, "{}"));
  });
  ControlClient client(tcp_endpoint(server));
  auto answer = client.upload_file("POST", "/x", path, "application/x-ndjson");
  server.wait();
  fs::remove(path);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(seen.headers["content-length"], "0");
  EXPECT_TRUE(seen.complete);
}

TEST(ControlClient, UploadStreamUsesChunkedEncoding) {
  ScriptedHttpServer server;
  ReceivedRequest seen;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    seen = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(202, "{}"));
  });
  ControlClient client(tcp_endpoint(server));
  std::vector<std::string> parts{"{\"to\":\"a@b.c\"}\n", std::string(100000, 'x'), "\n"};
  std::size_t next = 0;
  auto answer = client.upload_stream(
      "POST", "/v1/campaigns/c/recipients",
      [&]() { return next < parts.size() ? parts[next++] : std::string(); },
      "application/x-ndjson");
  server.wait();
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(seen.headers["transfer-encoding"], "chunked");
  EXPECT_EQ(seen.body, parts[0] + parts[1] + parts[2]);
}

TEST(ControlClient, UploadReturnsAnAnswerSentBeforeTheBodyWasRead) {
  std::string path = write_file("volley-early", 8 << 20);
  ScriptedHttpServer server(temp_path("volley-early.sock"));
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    s.read_request_head(fd);
    s.send_all(fd, ScriptedHttpServer::answer(404, R"({"error":"not_found"})", true));
    s.close_fd(fd);
  });
  ControlEndpoint endpoint;
  endpoint.unix_socket = server.unix_path();
  ControlClient client(endpoint);
  auto answer =
      client.upload_file("POST", "/v1/campaigns/none/recipients", path, "application/x-ndjson");
  server.wait();
  fs::remove(path);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->status, 404);
}

TEST(ControlClient, UnixSocketRequestsUseLocalhostAsHost) {
  ScriptedHttpServer server(temp_path("volley-host.sock"));
  ReceivedRequest seen;
  server.run([&](ScriptedHttpServer& s) {
    int fd = s.accept_connection();
    seen = s.read_request(fd);
    s.send_all(fd, ScriptedHttpServer::answer(200, "{}"));
  });
  ControlEndpoint endpoint;
  endpoint.unix_socket = server.unix_path();
  ControlClient client(endpoint);
  ASSERT_TRUE(client.request("GET", "/healthz").ok());
  server.wait();
  EXPECT_EQ(seen.headers["host"], "localhost");
}

TEST(ControlClient, MissingUploadFileIsNotFound) {
  ControlEndpoint endpoint;
  ControlClient client(endpoint);
  auto answer = client.upload_file("POST", "/x", temp_path("volley-missing.ndjson"), "text/plain");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.error().code, error_code::not_found);
}

} // namespace
} // namespace volley::tools
