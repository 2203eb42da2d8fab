// ControlSession: one HTTP/1.1 connection of the control API (TCP or Unix socket). Reads a header,
// authenticates (TCP: bearer token = full access, status page cookie = read-only, neither = login
// page only; see status_access.hpp), then either reads a bounded body whole and hands it to
// ControlApi, or streams an NDJSON recipient upload chunk by chunk into the spool with at most
// ControlSessionLimits::max_batches_in_flight batches waiting (backpressure: it stops reading while
// the spool is behind; the writer's group commit merges the waiting batches). All handlers run on
// the connection's strand. Must never: answer an upload before every batch committed, buffer a
// whole upload, or keep a connection alive whose request body was not consumed.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/api_json.hpp"
#include "engine/control_api.hpp"
#include "engine/control_token.hpp"
#include "engine/recipient_upload.hpp"
#include "engine/status_access.hpp"

namespace volley::engine {

namespace http = boost::beast::http;

struct ControlSessionLimits {
  std::size_t max_request_bytes = 64ull << 20;
  std::size_t upload_chunk_bytes = 256 * 1024;
  std::size_t max_batches_in_flight = 4;
  std::chrono::seconds idle_timeout{120};
  std::size_t max_unauthenticated_body_bytes = 4 * 1024; // POST /login without the bearer token
};

template <class Socket>
class ControlSession : public std::enable_shared_from_this<ControlSession<Socket>> {
public:
  // token: required bearer token; empty = no authentication (Unix socket, protected by file mode).
  ControlSession(Socket socket, ControlApi& api, std::string token, ControlSessionLimits limits)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), api_(api),
        token_(std::move(token)), limits_(limits) {}

  void start() { read_header(); }

private:
  using Self = ControlSession<Socket>;

  void arm_timer() {
    timer_.expires_after(limits_.idle_timeout);
    timer_.async_wait([weak = this->weak_from_this()](boost::system::error_code ec) {
      if (ec)
        return;
      if (auto self = weak.lock())
        self->close();
    });
  }

  void close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(Socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  void read_header() {
    header_parser_.emplace();
    header_parser_->header_limit(16 * 1024);
    // No body limit here: Beast would apply it to the declared Content-Length of uploads too. Whole
    // bodies are limited when the parser is converted (read_whole_body) and at on_header.
    header_parser_->body_limit(boost::none);
    upload_.reset();
    responded_ = false;
    arm_timer();
    http::async_read_header(
        socket_, buffer_, *header_parser_,
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          self->on_header(ec);
        });
  }

  void on_header(boost::system::error_code ec) {
    if (ec == http::error::header_limit) {
      return respond_and_close(431, error_code::invalid_request, "request header exceeds 16 KiB");
    }
    if (ec)
      return close();
    const auto& request = header_parser_->get();
    method_ = std::string(request.method_string());
    target_ = std::string(request.target());
    keep_alive_ = request.keep_alive();
    context_ = ControlRequestContext{};
    context_.access = control_access(request[http::field::authorization],
                                     request[http::field::cookie], token_, unix_seconds());
    context_.if_none_match = std::string(request[http::field::if_none_match]);
    if (!access_permits(context_.access, method_, target_)) {
      if (context_.access == ControlAccess::read_only) {
        return respond_and_close(401, error_code::unauthorized,
                                 "the status page's session is read-only: send `Authorization: "
                                 "Bearer <token>` with the token from control.token_file");
      }
      return respond_and_close(401, error_code::unauthorized,
                               "missing or wrong bearer token: send `Authorization: Bearer <token>`"
                               " with the token from control.token_file");
    }
    auto declared = header_parser_->content_length();
    if (declared && *declared > body_limit() && !api_.match_upload(method_, target_)) {
      return respond_and_close(413, error_code::too_large, body_limit_message());
    }
    if (auto upload = api_.match_upload(method_, target_)) {
      if (!*upload) {
        auto response = ControlApi::error_response(upload->error());
        keep_alive_ = false;
        return write_response(std::move(response));
      }
      return send_continue_then(
          [self = this->shared_from_this(), id = upload->value()] { self->start_upload(id); });
    }
    send_continue_then([self = this->shared_from_this()] { self->read_whole_body(); });
  }

  template <class Next> void send_continue_then(Next next) {
    const auto& request = header_parser_->get();
    if (request[http::field::expect] != "100-continue")
      return next();
    continue_response_.emplace(http::status::continue_, request.version());
    http::async_write(
        socket_, *continue_response_,
        [self = this->shared_from_this(), next](boost::system::error_code ec, std::size_t) {
          if (ec)
            return self->close();
          next();
        });
  }

  void read_whole_body() {
    string_parser_.emplace(std::move(*header_parser_));
    string_parser_->body_limit(body_limit());
    http::async_read(socket_, buffer_, *string_parser_,
                     [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                       self->on_whole_body(ec);
                     });
  }

  void on_whole_body(boost::system::error_code ec) {
    if (ec == http::error::body_limit) {
      return respond_and_close(413, error_code::too_large, body_limit_message());
    }
    if (ec)
      return close();
    timer_.cancel();
    std::string body = std::move(string_parser_->get().body());
    api_.handle(method_, target_, std::move(body), responder(), context_);
  }

  static std::int64_t unix_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Requests without the bearer token (the login form) get a small body limit.
  std::size_t body_limit() const {
    return context_.access == ControlAccess::full ? limits_.max_request_bytes
                                                  : limits_.max_unauthenticated_body_bytes;
  }

  std::string body_limit_message() const {
    if (context_.access != ControlAccess::full) {
      return "request body exceeds " + std::to_string(limits_.max_unauthenticated_body_bytes) +
             " bytes, the limit without the bearer token";
    }
    return "request body exceeds control.max_request_size (" +
           std::to_string(limits_.max_request_bytes) +
           " bytes); upload recipients as NDJSON to /v1/campaigns/{id}/recipients instead";
  }

  // After an answer that ends the connection with the request body unread: stop sending, then read
  // and discard what the client is still sending (at most 2 s), so that it gets to read the answer
  // instead of a connection reset.
  void linger_close() {
    boost::system::error_code ignored;
    socket_.shutdown(Socket::shutdown_send, ignored);
    timer_.expires_after(std::chrono::seconds(2));
    timer_.async_wait([weak = this->weak_from_this()](boost::system::error_code ec) {
      if (ec)
        return;
      if (auto self = weak.lock())
        self->close();
    });
    drain();
  }

  void drain() {
    drain_buffer_.resize(64 * 1024);
    socket_.async_read_some(
        boost::asio::buffer(drain_buffer_),
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (ec)
            return self->close();
          self->drain();
        });
  }

  Respond responder() {
    return [self = this->shared_from_this()](ControlResponse response) {
      boost::asio::post(self->socket_.get_executor(),
                        [self, response = std::move(response)]() mutable {
                          self->write_response(std::move(response));
                        });
    };
  }

  void start_upload(const std::string& campaign_id) {
    upload_parser_.emplace(std::move(*header_parser_));
    upload_parser_->body_limit(boost::none); // streamed: bounded per line, not per body
    // The upload is owned by this session: its submit function holds only a weak reference, and
    // each spool callback holds a strong one until it has been delivered to the strand.
    upload_ = std::make_unique<RecipientUpload>(
        api_.upload_options(campaign_id),
        [weak = this->weak_from_this(), campaign_id](std::vector<queue::NewRecipient> batch) {
          auto self = weak.lock();
          if (!self)
            return;
          self->api_.spool().add_recipients(
              campaign_id, std::move(batch), [self](Result<queue::AddRecipientsResult> result) {
                boost::asio::post(self->socket_.get_executor(), [self, result = std::move(result)] {
                  self->on_batch_done(result);
                });
              });
        });
    chunk_.resize(limits_.upload_chunk_bytes);
    read_upload_chunk();
  }

  void read_upload_chunk() {
    auto& body = upload_parser_->get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    arm_timer();
    http::async_read_some(
        socket_, buffer_, *upload_parser_,
        [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
          self->on_upload_chunk(ec);
        });
  }

  void on_upload_chunk(boost::system::error_code ec) {
    if (ec == http::error::need_buffer)
      ec = {};
    if (ec) {
      // The client went away mid-upload: batches already committed stay (a re-sent file is
      // de-duplicated); nothing is answered.
      upload_lost_ = true;
      return close();
    }
    std::size_t got = chunk_.size() - upload_parser_->get().body().size;
    upload_->feed(std::string_view(chunk_.data(), got));
    if (upload_->failure())
      return finish_upload_if_ready();
    if (upload_parser_->is_done()) {
      upload_->finish();
      timer_.cancel();
      return finish_upload_if_ready();
    }
    if (upload_->batches_in_flight() >= limits_.max_batches_in_flight) {
      reading_paused_ = true;
      timer_.cancel();
      return;
    }
    read_upload_chunk();
  }

  void on_batch_done(const Result<queue::AddRecipientsResult>& result) {
    if (!upload_ || upload_lost_)
      return;
    upload_->on_batch_done(result);
    if (upload_->failure() || upload_->finished())
      return finish_upload_if_ready();
    if (reading_paused_ && upload_->batches_in_flight() < limits_.max_batches_in_flight) {
      reading_paused_ = false;
      read_upload_chunk();
    }
  }

  void finish_upload_if_ready() {
    if (responded_ || upload_->batches_in_flight() > 0)
      return;
    if (!upload_->failure() && !upload_->finished())
      return;
    if (const auto& failure = upload_->failure()) {
      // The rest of the body is unread: answer and close.
      keep_alive_ = false;
      const auto& s = upload_->summary();
      Error error = *failure;
      error.message +=
          " (" + std::to_string(s.accepted + s.duplicates + s.suppressed) +
          " recipients before this point are stored; re-send the file: stored ones are "
          "recognised as duplicates)";
      return write_response(ControlApi::error_response(error));
    }
    write_response(
        ControlApi::json_response(202, boost::json::serialize(upload_summary_json_with_lines())));
  }

  boost::json::object upload_summary_json_with_lines() const;

  void respond_and_close(unsigned status, const char* code, std::string message) {
    keep_alive_ = false;
    ControlResponse response = ControlApi::error_response(make_error(code, std::move(message)));
    response.status = status;
    write_response(std::move(response));
  }

  void write_response(ControlResponse response) {
    if (responded_)
      return;
    responded_ = true;
    response_.emplace(static_cast<http::status>(response.status), 11);
    response_->set(http::field::server, "volleyd");
    response_->set(http::field::content_type, response.content_type);
    if (response.status == 401)
      response_->set(http::field::www_authenticate, "Bearer");
    for (auto& [name, value] : response.headers)
      response_->insert(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive_);
    response_->prepare_payload();
    arm_timer();
    http::async_write(socket_, *response_,
                      [self = this->shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec)
                          return self->close();
                        if (!self->keep_alive_)
                          return self->linger_close();
                        self->read_header();
                      });
  }

  Socket socket_;
  boost::asio::steady_timer timer_;
  ControlApi& api_;
  std::string token_;
  ControlSessionLimits limits_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> string_parser_;
  std::optional<http::request_parser<http::buffer_body>> upload_parser_;
  std::optional<http::response<http::empty_body>> continue_response_;
  std::optional<http::response<http::string_body>> response_;
  std::unique_ptr<RecipientUpload> upload_;
  std::vector<char> chunk_;
  std::vector<char> drain_buffer_;
  std::string method_;
  std::string target_;
  ControlRequestContext context_;
  bool keep_alive_ = true;
  bool responded_ = false;
  bool reading_paused_ = false;
  bool upload_lost_ = false;
};

template <class Socket>
boost::json::object ControlSession<Socket>::upload_summary_json_with_lines() const {
  auto out = upload_summary_json(upload_->summary());
  out["lines"] = upload_->lines_seen();
  return out;
}

} // namespace volley::engine
