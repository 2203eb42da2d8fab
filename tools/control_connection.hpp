// ControlConnection: one blocking HTTP/1.1 connection to volleyd's control API over TCP or a Unix
// socket, every step bounded by a timeout (async Beast operations run to completion on a private
// io_context). Never retries by itself and never reads an answer body beyond max_answer_bytes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/result.hpp"
#include "tools/control_client.hpp"

namespace volley::tools {

namespace http = boost::beast::http;

class ControlConnection {
public:
  static constexpr std::uint64_t max_answer_bytes = 256ull << 20;

  explicit ControlConnection(const ControlEndpoint& endpoint);
  ~ControlConnection();
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;

  // Error{unavailable, "cannot connect to volleyd at ...: <reason> — <what to do>"} on failure.
  Result<Unit> connect();
  bool is_open() const { return !std::holds_alternative<std::monostate>(stream_); }
  // True when an idle kept-alive connection was closed by volleyd (or holds unexpected bytes).
  bool peer_closed();
  void close() noexcept;
  // Answers read on this connection so far (0 = fresh).
  int answers_read() const { return answers_read_; }
  // True when the last operation failed because volleyd closed the connection before answering
  // (end of stream, reset, broken pipe): a kept-alive connection that timed out on its side.
  bool closed_before_answer() const;

  boost::beast::error_code write(http::request<http::string_body>& request);
  boost::beast::error_code write_header(http::request_serializer<http::buffer_body>& serializer);
  // Writes the buffer the body currently points at; need_buffer is reported as success.
  boost::beast::error_code write_body_part(http::request_serializer<http::buffer_body>& serializer);
  // Reads one answer; closes the connection when volleyd does not keep it alive. For HEAD requests
  // pass head_request: the answer's Content-Length then describes a body that is not sent.
  Result<HttpAnswer> read_answer(std::chrono::seconds timeout, bool head_request = false);
  Result<HttpAnswer> read_answer() { return read_answer(timeout_); }

  // "127.0.0.1:8025", "[::1]:8025" or the socket path.
  std::string describe() const;
  // The value for the Host header.
  std::string host_header() const;
  // Error{unavailable} for a failure while `doing` ("sending the request"), with a hint.
  Error transport_error(std::string_view doing, boost::beast::error_code ec) const;

private:
  using TcpStream = boost::beast::tcp_stream;
  using UnixStream = boost::beast::basic_stream<boost::asio::local::stream_protocol>;

  template <class Start> boost::beast::error_code run(std::chrono::seconds timeout, Start&& start);
  Result<Unit> connect_tcp();
  Result<Unit> connect_unix();
  Error connect_error(boost::beast::error_code ec) const;

  ControlEndpoint endpoint_;
  std::chrono::seconds timeout_;
  boost::asio::io_context io_;
  std::variant<std::monostate, TcpStream, UnixStream> stream_;
  boost::beast::flat_buffer buffer_;
  int answers_read_ = 0;
  boost::beast::error_code last_error_;
};

} // namespace volley::tools
