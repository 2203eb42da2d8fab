// The TLS server context of volley-sink: a throwaway self-signed certificate generated in memory
// (P-256 key, CN = the sink's hostname, valid one day) or a certificate chain + key from PEM files.
// Start-up only; must never write a key to disk or accept TLS below 1.2.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace volley::tools {

// Throws std::runtime_error naming the flag, the file and what to do.
std::unique_ptr<boost::asio::ssl::context>
make_self_signed_tls_context(const std::string& hostname);
std::unique_ptr<boost::asio::ssl::context> make_file_tls_context(const std::string& cert_file,
                                                                 const std::string& key_file);

} // namespace volley::tools
