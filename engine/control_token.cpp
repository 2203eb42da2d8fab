// Bearer token file handling for the control API (see control_token.hpp).
// Never prints or logs the token value.
#include "engine/control_token.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

#include "engine/secret_file.hpp"

namespace volley::engine {

ControlToken load_or_create_control_token(const std::string& path) {
  SecretFile file = load_or_create_secret_file(path, "control token");
  return ControlToken{std::move(file.value), file.generated};
}

bool bearer_matches(std::string_view header, std::string_view token) {
  constexpr std::string_view prefix = "Bearer ";
  if (header.size() < prefix.size())
    return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  }
  std::string_view given = header.substr(prefix.size());
  if (given.size() != token.size() || token.empty())
    return false;
  return CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

bool token_matches(std::string_view given, std::string_view token) {
  if (token.empty())
    return false;
  unsigned char given_hash[SHA256_DIGEST_LENGTH];
  unsigned char token_hash[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), given_hash);
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), token_hash);
  return CRYPTO_memcmp(given_hash, token_hash, SHA256_DIGEST_LENGTH) == 0;
}

} // namespace volley::engine
