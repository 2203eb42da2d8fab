// ControlClient: requests, file uploads (Content-Length, 256 KiB parts) and chunked stream uploads
// to volleyd's control API on a kept-alive ControlConnection. Never reads an upload file whole and
// never resends a request unless the server closed an idle connection before answering it.
#include "tools/control_client.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "tools/control_connection.hpp"

namespace volley::tools {
namespace beast = boost::beast;

struct ControlClient::Connection {
  explicit Connection(const ControlEndpoint& endpoint) : http(endpoint) {}
  ControlConnection http;
};

namespace {

constexpr std::size_t upload_part_bytes = std::size_t{256} * 1024;
constexpr std::chrono::seconds early_answer_timeout{5};

using PartSource = std::function<Result<std::string_view>()>; // "" = end of body

Result<http::verb> verb_of(const std::string& method) {
  http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return make_error(error_code::invalid_request, "unknown HTTP method \"" + method + "\"");
  }
  return verb;
}

template <class Body>
void set_headers(http::request<Body>& request, const ControlConnection& connection,
                 const ControlEndpoint& endpoint, const std::string& content_type) {
  request.set(http::field::host, connection.host_header());
  request.set(http::field::user_agent, "volleyctl/1");
  request.set(http::field::accept, "application/json");
  request.keep_alive(true);
  if (!endpoint.token.empty())
    request.set(http::field::authorization, "Bearer " + endpoint.token);
  if (!content_type.empty())
    request.set(http::field::content_type, content_type);
}

Result<Unit> ensure_open(ControlConnection& connection) {
  if (connection.is_open() && !connection.peer_closed())
    return Unit{};
  return connection.connect();
}

// volleyd may answer (401, 404, 413) and close before reading the whole upload: prefer its answer.
Result<HttpAnswer> upload_failed(ControlConnection& connection, beast::error_code ec) {
  Error lost = connection.transport_error("sending the request body", ec);
  if (connection.is_open()) {
    auto early = connection.read_answer(early_answer_timeout);
    connection.close();
    if (early.ok())
      return early;
  }
  return lost;
}

Result<HttpAnswer> stream_body(ControlConnection& connection,
                               http::request<http::buffer_body>& request,
                               const PartSource& next_part,
                               const std::function<void(std::size_t)>& on_sent) {
  request.body().data = nullptr;
  request.body().more = true;
  http::request_serializer<http::buffer_body> serializer{request};
  beast::error_code ec = connection.write_header(serializer);
  if (ec)
    return upload_failed(connection, ec);
  for (;;) {
    auto part = next_part();
    if (!part) {
      connection.close(); // the request is incomplete: the connection cannot be reused
      return part.error();
    }
    request.body().data = part->empty() ? nullptr : const_cast<char*>(part->data());
    request.body().size = part->size();
    request.body().more = !part->empty();
    ec = connection.write_body_part(serializer);
    if (ec)
      return upload_failed(connection, ec);
    if (part->empty())
      break;
    if (on_sent)
      on_sent(part->size());
  }
  return connection.read_answer();
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

Result<std::uint64_t> regular_file_size(std::FILE* file, const std::string& path) {
  struct stat info {};
  if (::fstat(::fileno(file), &info) != 0 || !S_ISREG(info.st_mode)) {
    return make_error(error_code::invalid_request,
                      "cannot upload " + path + ": not a regular file — give the path of a file");
  }
  return static_cast<std::uint64_t>(info.st_size);
}

} // namespace

ControlClient::ControlClient(ControlEndpoint endpoint)
    : endpoint_(std::move(endpoint)), connection_(new Connection(endpoint_)) {}

ControlClient::~ControlClient() {
  delete connection_;
}

Result<HttpAnswer> ControlClient::request(const std::string& method, const std::string& target,
                                          const std::string& body,
                                          const std::string& content_type) {
  auto verb = verb_of(method);
  if (!verb)
    return verb.error();
  ControlConnection& connection = connection_->http;
  http::request<http::string_body> request{*verb, target, 11};
  set_headers(request, connection, endpoint_, body.empty() ? std::string() : content_type);
  request.body() = body;
  request.prepare_payload();
  const std::chrono::seconds timeout{std::max(1, endpoint_.timeout_seconds)};
  for (int attempt = 0;; ++attempt) {
    auto open = ensure_open(connection);
    if (!open)
      return open.error();
    bool reused = connection.answers_read() > 0;
    beast::error_code ec = connection.write(request);
    Result<HttpAnswer> answer =
        ec ? Result<HttpAnswer>(connection.transport_error("sending the request", ec))
           : connection.read_answer(timeout, *verb == http::verb::head);
    if (answer.ok())
      return answer;
    bool retry = reused && attempt == 0 && connection.closed_before_answer();
    connection.close();
    if (!retry)
      return answer;
  }
}

Result<HttpAnswer> ControlClient::upload_file(const std::string& method, const std::string& target,
                                              const std::string& path,
                                              const std::string& content_type,
                                              const UploadProgress& progress) {
  auto verb = verb_of(method);
  if (!verb)
    return verb.error();
  FileHandle file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    int error = errno;
    return make_error(error == ENOENT ? error_code::not_found : error_code::invalid_request,
                      "cannot read " + path + ": " + std::strerror(error));
  }
  auto total = regular_file_size(file.get(), path);
  if (!total)
    return total.error();
  ControlConnection& connection = connection_->http;
  auto open = ensure_open(connection);
  if (!open)
    return open.error();

  http::request<http::buffer_body> request{*verb, target, 11};
  set_headers(request, connection, endpoint_, content_type);
  request.content_length(*total);
  std::vector<char> part(upload_part_bytes);
  std::uint64_t read_so_far = 0, sent = 0;
  PartSource next_part = [&]() -> Result<std::string_view> {
    std::uint64_t left = *total - read_so_far;
    if (left == 0)
      return std::string_view();
    std::size_t got =
        std::fread(part.data(), 1, std::min<std::uint64_t>(left, part.size()), file.get());
    if (got == 0) {
      return make_error(error_code::invalid_request,
                        "cannot read " + path + " after " + std::to_string(read_so_far) +
                            " bytes: the file shrank or failed — upload it again");
    }
    read_so_far += got;
    return std::string_view(part.data(), got);
  };
  if (progress)
    progress(0, *total);
  return stream_body(connection, request, next_part, [&](std::size_t n) {
    sent += n;
    if (progress)
      progress(sent, *total);
  });
}

Result<HttpAnswer> ControlClient::upload_stream(const std::string& method,
                                                const std::string& target,
                                                const std::function<std::string()>& next_chunk,
                                                const std::string& content_type) {
  auto verb = verb_of(method);
  if (!verb)
    return verb.error();
  ControlConnection& connection = connection_->http;
  auto open = ensure_open(connection);
  if (!open)
    return open.error();
  http::request<http::buffer_body> request{*verb, target, 11};
  set_headers(request, connection, endpoint_, content_type);
  request.chunked(true);
  std::string current;
  PartSource next_part = [&]() -> Result<std::string_view> {
    current = next_chunk();
    return std::string_view(current);
  };
  return stream_body(connection, request, next_part, {});
}

} // namespace volley::tools
