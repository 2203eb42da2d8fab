// encode_verp / decode_verp and the VerpKey MAC (see verp_address.hpp for the token layout).
// Must never: return fields from a token whose MAC failed, or read past the decoded buffer.
#include "protocol/verp_address.hpp"

#include "protocol/ascii_case.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <optional>
#include <stdexcept>

#include "protocol/base32_text.hpp"

namespace volley::protocol {
namespace {

constexpr std::string_view kMacDomain{"volley-verp\x01", 12};
constexpr std::size_t kMaxPayloadBytes = 5 + 10;
constexpr std::size_t kMaxTokenBytes = kMaxPayloadBytes + kVerpMacBytes;
constexpr std::size_t kMinTokenBytes = 2 + kVerpMacBytes;
static_assert(base32::encoded_length(kMaxTokenBytes) == kVerpMaxTokenLength);

std::size_t put_varint(std::uint64_t value, std::uint8_t* out) {
  std::size_t n = 0;
  while (value >= 0x80) {
    out[n++] = static_cast<std::uint8_t>(value | 0x80);
    value >>= 7;
  }
  out[n++] = static_cast<std::uint8_t>(value);
  return n;
}

// Canonical LEB128 (no redundant trailing zero groups, at most 64 bits) from bytes[pos..size).
std::optional<std::uint64_t> take_varint(const std::uint8_t* bytes, std::size_t size,
                                         std::size_t& pos) {
  std::uint64_t value = 0;
  for (int shift = 0; pos < size && shift < 64; shift += 7) {
    const std::uint8_t byte = bytes[pos++];
    const std::uint64_t group = byte & 0x7F;
    if (shift == 63 && group > 1)
      return std::nullopt; // overflows 64 bits
    value |= group << shift;
    if ((byte & 0x80) == 0) {
      if (byte == 0 && shift > 0)
        return std::nullopt; // non-canonical: a trailing zero group
      return value;
    }
  }
  return std::nullopt;
}

bool all_of(std::string_view text, bool (*allowed)(char)) {
  for (const char c : text)
    if (!allowed(c))
      return false;
  return true;
}

bool is_alnum(char c) {
  const char l = ascii_lower_char(c);
  return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9');
}
bool is_prefix_char(char c) {
  return is_alnum(c) || c == '.' || c == '_';
}
bool is_domain_char(char c) {
  return is_alnum(c) || c == '.' || c == '-';
}

Error verp_failure(const char* code, std::string_view what) {
  return make_error(code, "VERP address " + std::string(what));
}

} // namespace

struct VerpKey::Context {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* prepared = nullptr; // key set, domain string absorbed
  ~Context() {
    EVP_MAC_CTX_free(prepared);
    EVP_MAC_free(mac);
  }
};

Result<VerpKey> VerpKey::from_secret(std::string_view secret) {
  if (secret.size() < 16)
    return make_error(error_code::invalid_request,
                      "VERP secret is " + std::to_string(secret.size()) +
                          " bytes; use at least 16 (32 random bytes recommended)");
  auto context = std::make_shared<Context>();
  context->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (context->mac != nullptr)
    context->prepared = EVP_MAC_CTX_new(context->mac);
  std::array<OSSL_PARAM, 2> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_end()};
  const auto* key = reinterpret_cast<const unsigned char*>(secret.data());
  if (context->prepared == nullptr ||
      EVP_MAC_init(context->prepared, key, secret.size(), params.data()) != 1 ||
      EVP_MAC_update(context->prepared, reinterpret_cast<const unsigned char*>(kMacDomain.data()),
                     kMacDomain.size()) != 1)
    throw std::runtime_error("OpenSSL HMAC-SHA256 is not available"); // start-up failure
  return VerpKey(std::move(context));
}

void VerpKey::sign(const std::uint8_t* payload, std::size_t size, std::uint8_t* mac) const {
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_dup(context_->prepared),
                                                                &EVP_MAC_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> full{};
  std::size_t full_size = 0;
  if (!ctx || EVP_MAC_update(ctx.get(), payload, size) != 1 ||
      EVP_MAC_final(ctx.get(), full.data(), &full_size, full.size()) != 1 ||
      full_size < kVerpMacBytes)
    throw std::runtime_error("OpenSSL HMAC-SHA256 failed (out of memory?)");
  std::copy_n(full.begin(), kVerpMacBytes, mac);
}

Result<Unit> check_verp_settings(std::string_view prefix, std::string_view bounce_domain) {
  if (prefix.empty() || prefix.size() > kVerpMaxPrefixLength || !all_of(prefix, is_prefix_char))
    return make_error(error_code::invalid_request,
                      "VERP prefix \"" + std::string(prefix) +
                          "\" must be 1 to 16 characters of a-z, 0-9, '.' and '_' (no '-')");
  if (bounce_domain.empty() || bounce_domain.size() > 253 ||
      !all_of(bounce_domain, is_domain_char) || bounce_domain.front() == '.' ||
      bounce_domain.back() == '.')
    return make_error(error_code::invalid_request,
                      "VERP bounce domain \"" + std::string(bounce_domain) +
                          "\" must be a host name such as bounces.example.com");
  return Unit{};
}

void append_verp_token(const VerpKey& key, VerpFields fields, std::string& out) {
  std::array<std::uint8_t, kMaxTokenBytes> token{};
  std::size_t size = put_varint(fields.campaign_seq, token.data());
  size += put_varint(fields.recipient_seq, token.data() + size);
  key.sign(token.data(), size, token.data() + size);
  size += kVerpMacBytes;
  base32::encode(token.data(), size, out);
}

std::string encode_verp(const VerpKey& key, std::string_view prefix, std::string_view bounce_domain,
                        VerpFields fields) {
  assert(check_verp_settings(prefix, bounce_domain).ok());
  std::string address;
  address.reserve(prefix.size() + 2 + kVerpMaxTokenLength + bounce_domain.size());
  address.append(prefix).append(1, '-');
  append_verp_token(key, fields, address);
  address.append(1, '@').append(bounce_domain);
  return address;
}

Result<VerpFields> decode_verp(const VerpKey& key, std::string_view prefix,
                               std::string_view bounce_domain,
                               std::string_view address_or_local_part) {
  std::string_view local = address_or_local_part;
  if (local.size() >= 2 && local.front() == '<' && local.back() == '>')
    local = local.substr(1, local.size() - 2);
  if (const std::size_t at = local.rfind('@'); at != std::string_view::npos) {
    if (!ascii_equal_ignoring_case(local.substr(at + 1), bounce_domain))
      return verp_failure(verp_error::not_verp,
                          "is not in the bounce domain " + std::string(bounce_domain));
    local = local.substr(0, at);
  }
  if (local.size() <= prefix.size() + 1 ||
      !ascii_equal_ignoring_case(local.substr(0, prefix.size()), prefix) ||
      local[prefix.size()] != '-')
    return verp_failure(verp_error::not_verp,
                        "does not start with \"" + std::string(prefix) + "-\"");
  const std::string_view token = local.substr(prefix.size() + 1);
  std::array<std::uint8_t, kMaxTokenBytes> bytes{};
  const std::optional<std::size_t> size = token.size() > kVerpMaxTokenLength
                                              ? std::nullopt
                                              : base32::decode(token, bytes.data(), bytes.size());
  if (!size || *size < kMinTokenBytes)
    return verp_failure(verp_error::malformed, "token is not valid base32 of the right length");
  const std::size_t payload_size = *size - kVerpMacBytes;
  std::array<std::uint8_t, kVerpMacBytes> expected{};
  key.sign(bytes.data(), payload_size, expected.data());
  if (CRYPTO_memcmp(expected.data(), bytes.data() + payload_size, kVerpMacBytes) != 0)
    return verp_failure(verp_error::bad_signature,
                        "token signature does not match (forged, damaged or another key)");
  std::size_t pos = 0;
  const std::optional<std::uint64_t> campaign = take_varint(bytes.data(), payload_size, pos);
  const std::optional<std::uint64_t> recipient = take_varint(bytes.data(), payload_size, pos);
  if (!campaign || !recipient || pos != payload_size || *campaign > UINT32_MAX)
    return verp_failure(verp_error::malformed, "token payload is not two canonical varints");
  return VerpFields{static_cast<std::uint32_t>(*campaign), *recipient};
}

} // namespace volley::protocol
