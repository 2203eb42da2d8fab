// A DKIM private key (RSA >= 1024 bits, or Ed25519 per RFC 8463) parsed ONCE from PEM text and
// shared by every signing thread; the matching DNS TXT record value; key generation for keygen.
// Pure: the caller reads the key file (and checks its permissions). Never prompts for a passphrase
// (encrypted keys are rejected), never logs or returns private key bytes except from generate.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "protocol/result.hpp"

namespace volley::protocol {

class DkimSigningContexts;

enum class DkimAlgorithm { rsa_sha256, ed25519_sha256 };

// "rsa-sha256" / "ed25519-sha256" (the a= value).
std::string_view dkim_algorithm_name(DkimAlgorithm algorithm);

class DkimKey {
public:
  // PKCS#8 ("BEGIN PRIVATE KEY") or traditional ("BEGIN RSA PRIVATE KEY") PEM. Errors
  // (invalid_request): not PEM, encrypted, not RSA/Ed25519, RSA under 1024 bits.
  static Result<DkimKey> from_pem(std::string_view pem);

  DkimAlgorithm algorithm() const { return algorithm_; }
  int bits() const { return bits_; } // RSA modulus size; 256 for Ed25519

  // The TXT record value for <selector>._domainkey.<domain>: "v=DKIM1; k=rsa; p=<base64 DER
  // SubjectPublicKeyInfo>" or "v=DKIM1; k=ed25519; p=<base64 of the raw 32-byte key>" (RFC 8463
  // §4).
  std::string dns_txt_record() const;

  // Signs the canonicalised header data (RFC 6376 §3.7) and returns the raw signature:
  // rsa-sha256: RSASSA-PKCS1-v1_5 with SHA-256 over the data; ed25519-sha256: PureEdDSA over the
  // 32-byte SHA-256 of the data (RFC 8463 §3). Thread-safe: RSA signs through a pool of prepared
  // EVP_PKEY_CTX shared by the copies of this key, each in use by one thread at a time; Ed25519
  // uses a fresh EVP_MD_CTX per call.
  Result<std::string> sign(std::string_view signed_data) const;

  EVP_PKEY* evp_pkey() const { return pkey_.get(); }

private:
  DkimKey(std::shared_ptr<EVP_PKEY> pkey, DkimAlgorithm algorithm, int bits);

  using Sha256 = std::array<unsigned char, 32>;
  Result<std::string> sign_rsa(const Sha256& digest) const;
  Result<std::string> sign_ed25519(const Sha256& digest) const;

  std::shared_ptr<EVP_PKEY> pkey_;                // immutable after from_pem; shared by copies
  std::shared_ptr<DkimSigningContexts> contexts_; // RSA only; shared by copies
  DkimAlgorithm algorithm_;
  int bits_;
};

// A new private key as unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"). rsa_bits is used for RSA
// only (1024..8192; 2048 recommended). Errors: invalid_request for bad sizes, internal otherwise.
Result<std::string> generate_dkim_key(DkimAlgorithm algorithm, int rsa_bits = 2048);

} // namespace volley::protocol
