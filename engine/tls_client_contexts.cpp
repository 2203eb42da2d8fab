// TLS client contexts (see tls_client_contexts.hpp).
#include "engine/tls_client_contexts.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace volley::engine {
namespace {

void harden(boost::asio::ssl::context& ctx) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_options(boost::asio::ssl::context::default_workarounds |
                  boost::asio::ssl::context::no_compression);
  SSL_CTX_set_session_cache_mode(ctx.native_handle(), SSL_SESS_CACHE_OFF);
}

} // namespace

TlsClientContexts::TlsClientContexts(const std::string& ca_file)
    : encrypt_only_(boost::asio::ssl::context::tls_client),
      verifying_(boost::asio::ssl::context::tls_client) {
  harden(encrypt_only_);
  encrypt_only_.set_verify_mode(boost::asio::ssl::verify_none);
  harden(verifying_);
  verifying_.set_verify_mode(boost::asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    verifying_.set_default_verify_paths(ec);
  } else {
    verifying_.load_verify_file(ca_file, ec);
    if (ec) {
      throw std::runtime_error("delivery.tls_ca_file: cannot load CA certificates from '" +
                               ca_file + "': " + ec.message() +
                               " (give a PEM file or \"\" for the system store)");
    }
  }
}

} // namespace volley::engine
