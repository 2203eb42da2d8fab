// The server-side TLS context of volleyd's inbound listeners (STARTTLS of the SMTP submission
// listener): a PEM certificate chain and its private key, TLS 1.2 or newer. Start-up only.
// Must never accept TLS below 1.2, or a key that does not match the certificate.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace volley::engine {

// Throws std::runtime_error naming `what` (e.g. "[submission] tls_cert_file"), the file and what
// to do.
std::shared_ptr<boost::asio::ssl::context> make_tls_server_context(const std::string& cert_file,
                                                                   const std::string& key_file,
                                                                   const std::string& what);

} // namespace volley::engine
