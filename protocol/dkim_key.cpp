// DkimKey::from_pem / dns_txt_record / sign and generate_dkim_key (see dkim_key.hpp).
// Must never: prompt for a passphrase, leave OpenSSL errors queued for the next caller, share an
// EVP_MD_CTX between calls, or let two threads use one RSA signing context at the same time.
#include "protocol/dkim_key.hpp"

#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "protocol/base64_lines.hpp"
#include "protocol/dkim_canonical.hpp"

namespace volley::protocol {
namespace {

constexpr int kMinimumRsaBits = 1024;
constexpr int kMaximumRsaBits = 8192;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

std::shared_ptr<EVP_PKEY> share(EVP_PKEY* pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey, [](EVP_PKEY* p) { EVP_PKEY_free(p); });
}

// The first queued OpenSSL error as text (the queue is cleared), or `fallback`.
std::string take_openssl_error(const char* fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return fallback;
  std::array<char, 256> text{};
  ERR_error_string_n(code, text.data(), text.size());
  return text.data();
}

// Password callback that refuses: an encrypted key fails instead of prompting on a terminal.
int refuse_passphrase(char*, int, int, void*) {
  return -1;
}

std::string_view bytes_view(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

} // namespace

// RSA contexts prepared once for RSASSA-PKCS1-v1_5 with a SHA-256 DigestInfo and kept for reuse:
// EVP_DigestSignInit costs about 5 µs per call in OpenSSL 3 (algorithm fetches, context set-up),
// 2 % of an RSA-2048 signature, paid for every message of a personalised campaign. A context is
// taken by one signing call and given back after it; contexts are freed with the last key copy.
class DkimSigningContexts {
public:
  explicit DkimSigningContexts(std::shared_ptr<EVP_PKEY> pkey) : pkey_(std::move(pkey)) {}
  ~DkimSigningContexts() {
    for (EVP_PKEY_CTX* ctx : free_)
      EVP_PKEY_CTX_free(ctx);
  }
  DkimSigningContexts(const DkimSigningContexts&) = delete;
  DkimSigningContexts& operator=(const DkimSigningContexts&) = delete;

  // A free prepared context, or a new one; null (OpenSSL error queued) if one cannot be made.
  PkeyCtxPtr take() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        PkeyCtxPtr ctx(free_.back());
        free_.pop_back();
        return ctx;
      }
    }
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), dkim_sha256_md()) != 1)
      return nullptr;
    return ctx;
  }

  // Only after a successful signature: a failed one may leave the context in any state.
  void give_back(PkeyCtxPtr ctx) {
    std::lock_guard lock(mutex_);
    if (free_.size() < kMaximumFree)
      free_.push_back(ctx.release());
  }

private:
  static constexpr std::size_t kMaximumFree = 64; // more signing threads than this re-make theirs
  std::shared_ptr<EVP_PKEY> pkey_;
  std::mutex mutex_;
  std::vector<EVP_PKEY_CTX*> free_;
};

DkimKey::DkimKey(std::shared_ptr<EVP_PKEY> pkey, DkimAlgorithm algorithm, int bits)
    : pkey_(std::move(pkey)), algorithm_(algorithm), bits_(bits) {
  if (algorithm_ == DkimAlgorithm::rsa_sha256)
    contexts_ = std::make_shared<DkimSigningContexts>(pkey_);
}

std::string_view dkim_algorithm_name(DkimAlgorithm algorithm) {
  return algorithm == DkimAlgorithm::rsa_sha256 ? "rsa-sha256" : "ed25519-sha256";
}

Result<DkimKey> DkimKey::from_pem(std::string_view pem) {
  if (pem.find("ENCRYPTED") != std::string_view::npos)
    return make_error(error_code::invalid_request,
                      "DKIM key: the PEM key is encrypted; store it unencrypted (mode 0600) or "
                      "decrypt it with `openssl pkey -in key.pem -out plain.pem`");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* raw =
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr) : nullptr;
  if (raw == nullptr)
    return make_error(error_code::invalid_request,
                      "DKIM key: no PEM private key found (expected \"BEGIN PRIVATE KEY\" or "
                      "\"BEGIN RSA PRIVATE KEY\"): " +
                          take_openssl_error("unreadable PEM"));
  std::shared_ptr<EVP_PKEY> pkey = share(raw);
  const int type = EVP_PKEY_get_base_id(raw);
  if (type == EVP_PKEY_ED25519)
    return DkimKey(std::move(pkey), DkimAlgorithm::ed25519_sha256, 256);
  if (type != EVP_PKEY_RSA)
    return make_error(error_code::invalid_request,
                      std::string("DKIM key: unsupported key type ") + OBJ_nid2sn(type) +
                          "; DKIM signs with RSA (rsa-sha256) or Ed25519 (ed25519-sha256)");
  const int bits = EVP_PKEY_get_bits(raw);
  if (bits < kMinimumRsaBits)
    return make_error(error_code::invalid_request,
                      "DKIM key: RSA key of " + std::to_string(bits) +
                          " bits is too weak (RFC 8301 requires at least 1024; use 2048): "
                          "generate a new one with `volleyctl dkim keygen`");
  return DkimKey(std::move(pkey), DkimAlgorithm::rsa_sha256, bits);
}

std::string DkimKey::dns_txt_record() const {
  std::string der;
  if (algorithm_ == DkimAlgorithm::ed25519_sha256) {
    std::array<unsigned char, 32> raw{};
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(pkey_.get(), raw.data(), &size) == 1)
      der.assign(bytes_view(raw.data(), size));
  } else {
    unsigned char* encoded = nullptr;
    const int size = i2d_PUBKEY(pkey_.get(), &encoded);
    if (size > 0)
      der.assign(bytes_view(encoded, static_cast<std::size_t>(size)));
    OPENSSL_free(encoded);
  }
  ERR_clear_error();
  std::string record =
      algorithm_ == DkimAlgorithm::ed25519_sha256 ? "v=DKIM1; k=ed25519; p=" : "v=DKIM1; k=rsa; p=";
  base64::encode(der, record);
  return record;
}

// Both algorithms sign the SHA-256 of the data: RSA inside a PKCS#1 v1.5 DigestInfo, Ed25519 as
// the whole message of PureEdDSA (RFC 8463 §3), so it is computed once here.
Result<std::string> DkimKey::sign(std::string_view signed_data) const {
  Sha256 digest{};
  unsigned int digest_size = 0;
  if (EVP_Digest(signed_data.data(), signed_data.size(), digest.data(), &digest_size,
                 dkim_sha256_md(), nullptr) != 1)
    return make_error(error_code::internal, "DKIM sign: SHA-256 failed");
  return algorithm_ == DkimAlgorithm::ed25519_sha256 ? sign_ed25519(digest) : sign_rsa(digest);
}

Result<std::string> DkimKey::sign_rsa(const Sha256& digest) const {
  PkeyCtxPtr ctx = contexts_->take();
  std::size_t signature_size = 0;
  if (!ctx || EVP_PKEY_sign(ctx.get(), nullptr, &signature_size, digest.data(), digest.size()) != 1)
    return make_error(error_code::internal, "DKIM sign: OpenSSL could not start signing: " +
                                                take_openssl_error("unknown error"));
  std::string signature(signature_size, '\0');
  if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &signature_size,
                    digest.data(), digest.size()) != 1)
    return make_error(error_code::internal,
                      "DKIM sign: OpenSSL signing failed: " + take_openssl_error("unknown error"));
  contexts_->give_back(std::move(ctx));
  signature.resize(signature_size);
  return signature;
}

Result<std::string> DkimKey::sign_ed25519(const Sha256& digest) const {
  MdCtxPtr ctx(EVP_MD_CTX_new()); // PureEdDSA: no pre-hash inside the signature operation
  std::size_t signature_size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &signature_size, digest.data(), digest.size()) != 1)
    return make_error(error_code::internal, "DKIM sign: OpenSSL could not start signing: " +
                                                take_openssl_error("unknown error"));
  std::string signature(signature_size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &signature_size,
                     digest.data(), digest.size()) != 1)
    return make_error(error_code::internal,
                      "DKIM sign: OpenSSL signing failed: " + take_openssl_error("unknown error"));
  signature.resize(signature_size);
  return signature;
}

Result<std::string> generate_dkim_key(DkimAlgorithm algorithm, int rsa_bits) {
  EVP_PKEY* raw = nullptr;
  if (algorithm == DkimAlgorithm::ed25519_sha256) {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  } else {
    if (rsa_bits < kMinimumRsaBits || rsa_bits > kMaximumRsaBits)
      return make_error(error_code::invalid_request, "DKIM keygen: RSA size " +
                                                         std::to_string(rsa_bits) +
                                                         " bits is outside 1024..8192; use 2048");
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(rsa_bits));
  }
  if (raw == nullptr)
    return make_error(error_code::internal,
                      "DKIM keygen: OpenSSL failed: " + take_openssl_error("unknown error"));
  const std::shared_ptr<EVP_PKEY> pkey = share(raw);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), raw, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return make_error(error_code::internal,
                      "DKIM keygen: writing PEM failed: " + take_openssl_error("unknown error"));
  char* text = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &text);
  return std::string(text, static_cast<std::size_t>(size));
}

} // namespace volley::protocol
