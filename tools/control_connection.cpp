// Blocking control-API connection built from Beast async operations plus a per-operation deadline.
// Never blocks without a timeout and never reports a transport failure without saying what to do.
#include "tools/control_connection.hpp"

#include <poll.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <type_traits>

namespace volley::tools {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// " (from --url)" when the user chose the address, "" for the defaults.
std::string chosen_by(const ControlEndpoint& endpoint) {
  if (endpoint.source.empty() || endpoint.source == "default")
    return "";
  return " (from " + endpoint.source + ")";
}

// What to do when nothing listens at the TCP address.
std::string tcp_refused_hint(const ControlEndpoint& endpoint) {
  if (endpoint.source == "default") {
    return "is volleyd running? There is no control socket at ./var/run/volley.sock here either; "
           "start volleyd, or point volleyctl at it with --socket PATH (VOLLEY_SOCKET) or "
           "--url URL (VOLLEY_URL)";
  }
  std::string option = endpoint.source.empty() ? "--url" : endpoint.source;
  return "is volleyd running, with control.listen at this address? Start it, or fix " + option +
         " (or use --socket PATH)";
}

// What to do when the socket path does not exist.
std::string socket_missing_hint(const ControlEndpoint& endpoint) {
  std::string option = endpoint.source == "VOLLEY_SOCKET" ? "VOLLEY_SOCKET" : "--socket";
  return "is volleyd running? Its control.socket (default ./var/run/volley.sock in volleyd's "
         "directory) must be this path: fix " +
         option + ", or use --url http://127.0.0.1:8025";
}

} // namespace

std::string describe_endpoint(const ControlEndpoint& endpoint) {
  if (!endpoint.unix_socket.empty())
    return endpoint.unix_socket;
  bool ipv6 = endpoint.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + endpoint.host + "]" : endpoint.host;
  return host + ":" + std::to_string(endpoint.port);
}

ControlConnection::ControlConnection(const ControlEndpoint& endpoint)
    : endpoint_(endpoint), timeout_(std::max(1, endpoint.timeout_seconds)) {}

ControlConnection::~ControlConnection() {
  close();
}

template <class Start>
beast::error_code ControlConnection::run(std::chrono::seconds timeout, Start&& start) {
  beast::error_code result = asio::error::not_connected;
  std::visit(
      [&](auto& stream) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(stream)>, std::monostate>) {
          result = asio::error::would_block;
          stream.expires_after(timeout);
          start(stream, [&result](beast::error_code ec, auto&&...) { result = ec; });
          io_.restart();
          io_.run();
        }
      },
      stream_);
  last_error_ = result;
  return result;
}

Result<Unit> ControlConnection::connect() {
  close();
  buffer_.clear();
  answers_read_ = 0;
  return endpoint_.unix_socket.empty() ? connect_tcp() : connect_unix();
}

Result<Unit> ControlConnection::connect_tcp() {
  asio::ip::tcp::resolver resolver(io_);
  beast::error_code ec;
  auto endpoints = resolver.resolve(endpoint_.host, std::to_string(endpoint_.port), ec);
  if (ec) {
    return make_error(error_code::unavailable, "cannot resolve " + endpoint_.host + ": " +
                                                   ec.message() +
                                                   " — use an address such as 127.0.0.1 in --url");
  }
  stream_.emplace<TcpStream>(io_);
  ec = run(timeout_, [&](auto& stream, auto handler) {
    if constexpr (std::is_same_v<std::decay_t<decltype(stream)>, TcpStream>) {
      stream.async_connect(endpoints, std::move(handler));
    }
  });
  if (ec) {
    close();
    return connect_error(ec);
  }
  return Unit{};
}

Result<Unit> ControlConnection::connect_unix() {
  stream_.emplace<UnixStream>(io_);
  asio::local::stream_protocol::endpoint where(endpoint_.unix_socket);
  beast::error_code ec = run(timeout_, [&](auto& stream, auto handler) {
    if constexpr (std::is_same_v<std::decay_t<decltype(stream)>, UnixStream>) {
      stream.async_connect(where, std::move(handler));
    }
  });
  if (ec) {
    close();
    return connect_error(ec);
  }
  return Unit{};
}

Error ControlConnection::connect_error(beast::error_code ec) const {
  std::string what = "cannot connect to volleyd at " + describe() + chosen_by(endpoint_) + ": ";
  bool unix_socket = !endpoint_.unix_socket.empty();
  std::string why;
  if (ec == beast::error::timeout) {
    why = "nothing accepted the connection within " + std::to_string(timeout_.count()) +
          " s — is the address right? Is volleyd overloaded? (see its log)";
  } else if (ec == asio::error::access_denied || ec == asio::error::no_permission) {
    why = "permission denied — the socket is mode 0660: run volleyctl as volleyd's user or a "
          "member of its group, or use --url with a token";
  } else if (unix_socket && ec == boost::system::errc::no_such_file_or_directory) {
    why = "no such socket — " + socket_missing_hint(endpoint_);
  } else if (unix_socket && ec == asio::error::connection_refused) {
    why = "connection refused — the socket file exists but no volleyd accepts on it (stopped or "
          "crashed?); start volleyd, or fix --socket";
  } else if (ec == asio::error::connection_refused) {
    why = "connection refused — " + tcp_refused_hint(endpoint_);
  } else {
    why = ec.message() + " — " +
          (unix_socket ? socket_missing_hint(endpoint_) : tcp_refused_hint(endpoint_));
  }
  return make_error(error_code::unavailable, what + why);
}

bool ControlConnection::peer_closed() {
  int fd = std::visit(
      [](auto& stream) -> int {
        if constexpr (std::is_same_v<std::decay_t<decltype(stream)>, std::monostate>) {
          return -1;
        } else {
          return stream.socket().native_handle();
        }
      },
      stream_);
  if (fd < 0)
    return true;
  pollfd probe{fd, POLLIN | POLLRDHUP, 0};
  // Readable while idle means end-of-stream, an error, or bytes nobody asked for: all unusable.
  return ::poll(&probe, 1, 0) != 0 || buffer_.size() != 0;
}

bool ControlConnection::closed_before_answer() const {
  return last_error_ == http::error::end_of_stream || last_error_ == asio::error::eof ||
         last_error_ == asio::error::connection_reset || last_error_ == asio::error::broken_pipe;
}

void ControlConnection::close() noexcept {
  std::visit(
      [](auto& stream) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(stream)>, std::monostate>) {
          beast::error_code ignored;
          stream.socket().shutdown(asio::socket_base::shutdown_both, ignored);
          stream.socket().close(ignored);
        }
      },
      stream_);
  stream_.emplace<std::monostate>();
  buffer_.clear();
}

beast::error_code ControlConnection::write(http::request<http::string_body>& request) {
  return run(timeout_, [&](auto& stream, auto handler) {
    http::async_write(stream, request, std::move(handler));
  });
}

beast::error_code
ControlConnection::write_header(http::request_serializer<http::buffer_body>& serializer) {
  return run(timeout_, [&](auto& stream, auto handler) {
    http::async_write_header(stream, serializer, std::move(handler));
  });
}

beast::error_code
ControlConnection::write_body_part(http::request_serializer<http::buffer_body>& serializer) {
  beast::error_code ec = run(timeout_, [&](auto& stream, auto handler) {
    http::async_write(stream, serializer, std::move(handler));
  });
  return ec == http::error::need_buffer ? beast::error_code{} : ec;
}

Result<HttpAnswer> ControlConnection::read_answer(std::chrono::seconds timeout, bool head_request) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_answer_bytes);
  parser.skip(head_request);
  beast::error_code ec = run(timeout, [&](auto& stream, auto handler) {
    http::async_read(stream, buffer_, parser, std::move(handler));
  });
  if (ec) {
    close();
    return transport_error("waiting for the answer", ec);
  }
  ++answers_read_;
  http::response<http::string_body> response = parser.release();
  HttpAnswer answer;
  answer.status = static_cast<int>(response.result_int());
  answer.content_type = std::string(response[http::field::content_type]);
  answer.body = std::move(response.body());
  if (!response.keep_alive())
    close();
  return answer;
}

std::string ControlConnection::describe() const {
  return describe_endpoint(endpoint_);
}

std::string ControlConnection::host_header() const {
  return endpoint_.unix_socket.empty() ? describe() : "localhost";
}

Error ControlConnection::transport_error(std::string_view doing, beast::error_code ec) const {
  std::string where = "volleyd at " + describe();
  if (ec == beast::error::timeout) {
    return make_error(error_code::unavailable,
                      where + " did not respond within " + std::to_string(timeout_.count()) +
                          " s while " + std::string(doing) +
                          " — it may be overloaded; check its log, then retry (or raise the "
                          "timeout with --timeout SECONDS)");
  }
  if (ec == http::error::body_limit) {
    return make_error(error_code::unavailable, where + " sent an answer larger than " +
                                                   std::to_string(max_answer_bytes >> 20) +
                                                   " MiB — ask for less (e.g. --limit)");
  }
  if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream) {
    return make_error(error_code::unavailable,
                      where + " sent an invalid HTTP answer (" + ec.message() +
                          ") — is something other than volleyd listening there?");
  }
  return make_error(error_code::unavailable,
                    "connection to " + where + " was lost while " + std::string(doing) + ": " +
                        ec.message() +
                        " — volleyd may have stopped or restarted; check its log and retry");
}

} // namespace volley::tools
