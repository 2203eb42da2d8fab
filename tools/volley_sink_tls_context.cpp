// TLS contexts for volley-sink (see header): OpenSSL 3 key and X.509 generation in memory.
// Must never leak the OpenSSL objects (each is owned by a unique_ptr with its free function).
#include "tools/volley_sink_tls_context.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace volley::tools {
namespace {

namespace ssl = boost::asio::ssl;

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};

std::unique_ptr<ssl::context> base_context() {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  return context;
}

std::unique_ptr<X509, CertFree> self_signed_certificate(EVP_PKEY* key,
                                                        const std::string& hostname) {
  std::unique_ptr<X509, CertFree> cert(X509_new());
  if (!cert)
    return nullptr;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(hostname.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0)
    return nullptr;
  return cert;
}

} // namespace

std::unique_ptr<ssl::context> make_self_signed_tls_context(const std::string& hostname) {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  if (!key)
    throw std::runtime_error("--tls-self-signed: OpenSSL could not generate a P-256 key");
  std::unique_ptr<X509, CertFree> cert = self_signed_certificate(key.get(), hostname);
  if (!cert)
    throw std::runtime_error("--tls-self-signed: OpenSSL could not sign the certificate");
  auto context = base_context();
  if (SSL_CTX_use_certificate(context->native_handle(), cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(context->native_handle(), key.get()) != 1)
    throw std::runtime_error("--tls-self-signed: OpenSSL refused the generated certificate");
  return context;
}

std::unique_ptr<ssl::context> make_file_tls_context(const std::string& cert_file,
                                                    const std::string& key_file) {
  auto context = base_context();
  boost::system::error_code error;
  context->use_certificate_chain_file(cert_file, error);
  if (error)
    throw std::runtime_error("--tls-cert " + cert_file + ": cannot load a PEM certificate chain (" +
                             error.message() + "); give a readable PEM file");
  context->use_private_key_file(key_file, ssl::context::pem, error);
  if (error)
    throw std::runtime_error("--tls-key " + key_file + ": cannot load a PEM private key (" +
                             error.message() + "); give the key that matches --tls-cert");
  return context;
}

} // namespace volley::tools
