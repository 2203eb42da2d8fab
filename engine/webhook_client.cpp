// WebhookClient (see webhook_client.hpp): a C++20 coroutine per POST on a private io_context. The
// deadline is the tcp_stream's expiry (covers connect, TLS, write and read) plus a timer for name
// resolution.
#include "engine/webhook_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

namespace volley::engine {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

constexpr std::size_t max_answer_body = 64u << 10;

template <class Stream>
asio::awaitable<WebhookAnswer> exchange(Stream& stream, http::request<http::string_body>& request) {
  co_await http::async_write(stream, request, use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_answer_body);
  boost::system::error_code ec;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
  if (ec && ec != http::error::body_limit)
    throw boost::system::system_error(ec);
  WebhookAnswer answer;
  answer.status = parser.get().result_int();
  answer.body = parser.get().body().substr(0, 200);
  co_return answer;
}

asio::awaitable<WebhookAnswer> post_once(const policy::WebhookUrl& url, asio::ssl::context& tls,
                                         std::chrono::milliseconds timeout,
                                         http::request<http::string_body> request) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  asio::steady_timer resolve_deadline(executor, timeout);
  resolve_deadline.async_wait([&resolver](boost::system::error_code ec) {
    if (!ec)
      resolver.cancel();
  });
  auto endpoints =
      co_await resolver.async_resolve(url.host, std::to_string(url.port), use_awaitable);
  resolve_deadline.cancel();
  if (!url.tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, use_awaitable);
    co_return co_await exchange(stream, request);
  }
  beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
  beast::get_lowest_layer(stream).expires_after(timeout);
  if (!url.host_is_ip)
    SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, use_awaitable);
  co_return co_await exchange(stream, request);
}

} // namespace

WebhookClient::WebhookClient(policy::WebhookUrl url, std::chrono::milliseconds timeout,
                             const std::string& ca_file)
    : url_(std::move(url)), timeout_(timeout), tls_(asio::ssl::context::tls_client), io_(1) {
  tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression |
                   asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                   asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  tls_.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty())
    tls_.set_default_verify_paths(ec);
  else
    tls_.load_verify_file(ca_file, ec);
  if (ec && !ca_file.empty()) {
    throw std::runtime_error("cannot load the webhook CA file " + ca_file + ": " + ec.message() +
                             " — [events] webhook_ca_file must name a PEM file of CA certificates");
  }
}

WebhookAnswer WebhookClient::post(const std::string& body, const Headers& headers) {
  {
    std::lock_guard lock(mutex_);
    if (cancelled_)
      return WebhookAnswer{0, "stopped", ""};
    io_.restart();
  }
  http::request<http::string_body> request{http::verb::post, url_.target, 11};
  request.set(http::field::host, url_.host_header());
  request.set(http::field::user_agent, "volleyd");
  for (const auto& [name, value] : headers)
    request.set(name, value);
  request.keep_alive(false);
  request.body() = body;
  request.prepare_payload();
  WebhookAnswer answer{0, "stopped", ""};
  asio::co_spawn(io_, post_once(url_, tls_, timeout_, std::move(request)),
                 [&answer](const std::exception_ptr& error, WebhookAnswer result) {
                   if (!error) {
                     answer = std::move(result);
                     return;
                   }
                   try {
                     std::rethrow_exception(error);
                   } catch (const boost::system::system_error& e) {
                     bool timed_out = e.code() == beast::error::timeout ||
                                      e.code() == asio::error::operation_aborted;
                     answer = WebhookAnswer{0, timed_out ? "timed out" : e.code().message(), ""};
                   } catch (const std::exception& e) {
                     answer = WebhookAnswer{0, e.what(), ""};
                   }
                 });
  io_.run();
  return answer;
}

void WebhookClient::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  io_.stop();
}

} // namespace volley::engine
