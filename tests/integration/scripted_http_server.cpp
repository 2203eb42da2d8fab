// Blocking POSIX-socket implementation of the scripted HTTP peer used by client tests. Parses just
// enough HTTP/1.1 (Content-Length and chunked bodies); never listens on a non-loopback address.
#include "integration/scripted_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <stdexcept>

namespace volley::testing_support {
namespace {

std::string lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t");
  std::size_t end = text.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

} // namespace

ScriptedHttpServer::ScriptedHttpServer(std::string unix_path) : unix_path_(std::move(unix_path)) {
  if (unix_path_.empty()) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot bind a loopback port");
    }
    port_ = ntohs(address.sin_port);
  } else {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, unix_path_.c_str(), sizeof address.sun_path - 1);
    ::unlink(unix_path_.c_str());
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot bind " + unix_path_);
    }
  }
  ::listen(listen_fd_, 16);
}

ScriptedHttpServer::~ScriptedHttpServer() {
  wait();
  for (auto& [fd, bytes] : pending_)
    ::close(fd);
  ::close(listen_fd_);
  if (!unix_path_.empty())
    ::unlink(unix_path_.c_str());
}

void ScriptedHttpServer::run(std::function<void(ScriptedHttpServer&)> script) {
  thread_ = std::thread([this, script = std::move(script)] { script(*this); });
}

void ScriptedHttpServer::wait() {
  if (thread_.joinable())
    thread_.join();
}

int ScriptedHttpServer::accept_connection(int timeout_ms) {
  pollfd ready{listen_fd_, POLLIN, 0};
  if (::poll(&ready, 1, timeout_ms) != 1)
    return -1;
  int fd = ::accept(listen_fd_, nullptr, nullptr);
  if (fd >= 0)
    pending_[fd];
  return fd;
}

bool ScriptedHttpServer::read_more(int fd, std::string& buffer) {
  char chunk[65536];
  ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
  if (got <= 0)
    return false;
  buffer.append(chunk, static_cast<std::size_t>(got));
  return true;
}

ReceivedRequest ScriptedHttpServer::read_request_head(int fd) {
  ReceivedRequest request;
  std::string& buffer = pending_[fd];
  std::size_t end;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (!read_more(fd, buffer))
      return request;
  }
  std::string head = buffer.substr(0, end);
  buffer.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string first = head.substr(0, line_end);
  request.method = first.substr(0, first.find(' '));
  request.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
  while (line_end != std::string::npos) {
    std::size_t next = head.find("\r\n", line_end + 2);
    std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos
                                                                           : next - line_end - 2);
    std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      request.headers[lower(line.substr(0, colon))] = trim(line.substr(colon + 1));
    }
    line_end = next;
  }
  request.complete = true;
  return request;
}

bool ScriptedHttpServer::read_body(int fd, ReceivedRequest& request) {
  std::string& buffer = pending_[fd];
  auto encoding = request.headers.find("transfer-encoding");
  if (encoding != request.headers.end() && lower(encoding->second) == "chunked") {
    for (;;) {
      std::size_t line_end;
      while ((line_end = buffer.find("\r\n")) == std::string::npos) {
        if (!read_more(fd, buffer))
          return false;
      }
      std::size_t size = std::stoul(buffer.substr(0, line_end), nullptr, 16);
      while (buffer.size() < line_end + 2 + size + 2) {
        if (!read_more(fd, buffer))
          return false;
      }
      request.body += buffer.substr(line_end + 2, size);
      buffer.erase(0, line_end + 2 + size + 2);
      if (size == 0)
        return true;
    }
  }
  auto content_length = request.headers.find("content-length");
  std::size_t length =
      content_length == request.headers.end() ? 0 : std::stoul(content_length->second);
  while (buffer.size() < length) {
    if (!read_more(fd, buffer))
      return false;
  }
  request.body = buffer.substr(0, length);
  buffer.erase(0, length);
  return true;
}

ReceivedRequest ScriptedHttpServer::read_request(int fd) {
  ReceivedRequest request = read_request_head(fd);
  if (request.complete)
    request.complete = read_body(fd, request);
  return request;
}

void ScriptedHttpServer::send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0)
      return;
    sent += static_cast<std::size_t>(n);
  }
}

std::string ScriptedHttpServer::answer(int status, const std::string& body, bool close) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n" +
         (close ? "Connection: close\r\n" : "") + "\r\n" + body;
}

void ScriptedHttpServer::close_fd(int fd) {
  pending_.erase(fd);
  ::close(fd);
}

} // namespace volley::testing_support
