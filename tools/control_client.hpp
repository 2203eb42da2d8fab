// ControlClient: a small blocking HTTP/1.1 client for volleyd's control API over TCP (bearer token)
// or the Unix socket. Used by volleyctl and by the integration tests. Never used inside volleyd.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "protocol/result.hpp"

namespace volley::tools {

struct ControlEndpoint {
  std::string unix_socket; // if set, used instead of TCP
  std::string host = "127.0.0.1";
  std::uint16_t port = 8025;
  std::string token; // bearer token for TCP
  int timeout_seconds = 600;
  // Where the address came from, for error messages: "--socket", "VOLLEY_SOCKET", "--url",
  // "VOLLEY_URL", "default" (./var/run/volley.sock or 127.0.0.1:8025); "" = set by a program.
  std::string source;
  // Where the token came from: "--token", "--token-file FILE", "VOLLEY_TOKEN", "FILE (default)".
  std::string token_source;
};

// "127.0.0.1:8025", "[::1]:8025" or the socket path.
std::string describe_endpoint(const ControlEndpoint& endpoint);

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string content_type;
};

// Called while uploading: bytes sent so far, total bytes.
using UploadProgress = std::function<void(std::uint64_t sent, std::uint64_t total)>;

class ControlClient {
public:
  explicit ControlClient(ControlEndpoint endpoint);
  ~ControlClient();
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;

  // One request on a kept-alive connection (reconnects if the server closed it). Transport errors
  // (connection refused, reset, timeout) are Error{unavailable, "<what> — is volleyd running?
  // ..."}.
  Result<HttpAnswer> request(const std::string& method, const std::string& target,
                             const std::string& body = "",
                             const std::string& content_type = "application/json");

  // Streams a file as the request body (Content-Length = file size) without reading it whole.
  Result<HttpAnswer> upload_file(const std::string& method, const std::string& target,
                                 const std::string& path, const std::string& content_type,
                                 const UploadProgress& progress = {});

  // Streams a body produced by next_chunk (returns "" at the end) using chunked transfer encoding.
  Result<HttpAnswer> upload_stream(const std::string& method, const std::string& target,
                                   const std::function<std::string()>& next_chunk,
                                   const std::string& content_type);

  const ControlEndpoint& endpoint() const { return endpoint_; }

private:
  struct Connection;
  ControlEndpoint endpoint_;
  Connection* connection_ = nullptr;
};

} // namespace volley::tools
