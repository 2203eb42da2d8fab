// TLS client contexts for STARTTLS: one that encrypts without checking the certificate
// (opportunistic and "require" modes, as MTAs do by default) and one that verifies the chain
// against the system CA store (or tls_ca_file) and the MX host name ("verify"). Built once at
// start; shared by all connections (SSL_CTX is thread-safe for this use). Must never enable
// protocols below TLS 1.2.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <string>

namespace volley::engine {

class TlsClientContexts {
public:
  // Throws std::runtime_error naming the file if tls_ca_file cannot be loaded.
  explicit TlsClientContexts(const std::string& ca_file);
  boost::asio::ssl::context& encrypt_only() { return encrypt_only_; }
  boost::asio::ssl::context& verifying() { return verifying_; }

private:
  boost::asio::ssl::context encrypt_only_;
  boost::asio::ssl::context verifying_;
};

} // namespace volley::engine
