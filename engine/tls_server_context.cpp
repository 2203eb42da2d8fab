// make_tls_server_context (see tls_server_context.hpp): OpenSSL through Boost.Asio's ssl::context.
#include "engine/tls_server_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace volley::engine {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_tls_server_context(const std::string& cert_file,
                                                      const std::string& key_file,
                                                      const std::string& what) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  boost::system::error_code error;
  context->use_certificate_chain_file(cert_file, error);
  if (error)
    throw std::runtime_error(what + " tls_cert_file " + cert_file +
                             ": cannot load a PEM certificate chain (" + error.message() +
                             "); give a readable PEM file, server certificate first");
  context->use_private_key_file(key_file, ssl::context::pem, error);
  if (error)
    throw std::runtime_error(what + " tls_key_file " + key_file +
                             ": cannot load a PEM private key (" + error.message() +
                             "); give the unencrypted key of tls_cert_file");
  if (SSL_CTX_check_private_key(context->native_handle()) != 1)
    throw std::runtime_error(what + " tls_key_file " + key_file +
                             " does not match the certificate in " + cert_file +
                             "; give the key the certificate was issued for");
  return context;
}

} // namespace volley::engine
