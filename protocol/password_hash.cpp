// PBKDF2-HMAC-SHA256 password hashes (see password_hash.hpp).
#include "protocol/password_hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>

#include "protocol/base64_lines.hpp"

namespace volley::protocol {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kHashBytes = 32;

Error hash_error(std::string what) {
  return make_error(error_code::invalid_request,
                    std::move(what) +
                        "; expected pbkdf2-sha256$<iterations>$<salt base64>$<hash base64> "
                        "(`volley-passwd USER` prints one)");
}

// Splits text at '$' into exactly four fields.
bool split_fields(std::string_view text, std::string_view (&fields)[4]) {
  for (int i = 0; i < 3; ++i) {
    const std::size_t dollar = text.find('$');
    if (dollar == std::string_view::npos)
      return false;
    fields[i] = text.substr(0, dollar);
    text.remove_prefix(dollar + 1);
  }
  fields[3] = text;
  return text.find('$') == std::string_view::npos;
}

} // namespace

Result<PasswordHash> parse_password_hash(std::string_view text) {
  std::string_view fields[4];
  if (!split_fields(text, fields))
    return hash_error("the hash does not have four $-separated fields");
  if (fields[0] != kScheme)
    return hash_error("unknown hash scheme \"" + std::string(fields[0]) + "\"");
  PasswordHash hash;
  const auto [end, error] =
      std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), hash.iterations);
  if (fields[1].empty() || error != std::errc() || end != fields[1].data() + fields[1].size() ||
      hash.iterations < kMinPasswordHashIterations || hash.iterations > kMaxPasswordHashIterations)
    return hash_error("the iteration count \"" + std::string(fields[1]) +
                      "\" is not a number from 1000 to 100000000");
  if (!base64::decode(fields[2], hash.salt) || hash.salt.size() < 8 || hash.salt.size() > 64)
    return hash_error("the salt is not base64 of 8 to 64 bytes");
  if (!base64::decode(fields[3], hash.hash) || hash.hash.size() != kHashBytes)
    return hash_error("the hash is not base64 of 32 bytes");
  return hash;
}

std::string format_password_hash(const PasswordHash& hash) {
  std::string out(kScheme);
  out += '$';
  out += std::to_string(hash.iterations);
  out += '$';
  base64::encode(hash.salt, out);
  out += '$';
  base64::encode(hash.hash, out);
  return out;
}

PasswordHash make_password_hash(std::string_view password, std::string_view salt,
                                std::uint32_t iterations) {
  PasswordHash hash;
  hash.iterations = iterations;
  hash.salt.assign(salt);
  hash.hash.assign(kHashBytes, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                    static_cast<int>(kHashBytes),
                    reinterpret_cast<unsigned char*>(hash.hash.data()));
  return hash;
}

bool verify_password(const PasswordHash& hash, std::string_view password) {
  if (hash.hash.size() != kHashBytes)
    return false;
  const PasswordHash derived = make_password_hash(password, hash.salt, hash.iterations);
  return CRYPTO_memcmp(derived.hash.data(), hash.hash.data(), kHashBytes) == 0;
}

} // namespace volley::protocol
