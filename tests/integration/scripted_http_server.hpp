// ScriptedHttpServer: a tiny blocking HTTP/1.1 peer for client tests. A test script (run on its own
// thread) accepts connections, reads requests and writes exactly the bytes it wants — including
// misbehaviour (closing early, never answering). Loopback TCP or a Unix socket only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>

namespace volley::testing_support {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers; // names lower-cased
  std::string body;                           // de-chunked when chunked
  bool complete = false;                      // false: the peer closed mid-request
};

class ScriptedHttpServer {
public:
  // unix_path empty: TCP on 127.0.0.1 with a kernel-chosen port.
  explicit ScriptedHttpServer(std::string unix_path = "");
  ~ScriptedHttpServer(); // joins the script thread and closes everything

  std::uint16_t port() const { return port_; }
  const std::string& unix_path() const { return unix_path_; }

  // Runs script on a new thread; wait() joins it.
  void run(std::function<void(ScriptedHttpServer&)> script);
  void wait();

  // For scripts. accept_connection waits at most timeout_ms; -1 when nobody connected.
  int accept_connection(int timeout_ms = 5000);
  ReceivedRequest read_request(int fd);
  ReceivedRequest read_request_head(int fd); // headers only; the body stays unread
  void send_all(int fd, const std::string& bytes);
  static std::string answer(int status, const std::string& body, bool close = false);
  void close_fd(int fd);

private:
  bool read_more(int fd, std::string& buffer);
  bool read_body(int fd, ReceivedRequest& request);

  std::string unix_path_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::map<int, std::string> pending_; // bytes read past the current request, per connection
  std::thread thread_;
};

} // namespace volley::testing_support
