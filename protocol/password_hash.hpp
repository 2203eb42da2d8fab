// Password hashes of SMTP submission users: PBKDF2-HMAC-SHA256 (RFC 8018) written as
// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" (one line of a users file, after
// "user:"). Pure (OpenSSL's PKCS5_PBKDF2_HMAC); never compares hashes in variable time, and never
// accepts fewer than kMinPasswordHashIterations iterations or a salt shorter than 8 bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

inline constexpr std::uint32_t kMinPasswordHashIterations = 1000;
inline constexpr std::uint32_t kMaxPasswordHashIterations = 100'000'000;
inline constexpr std::uint32_t kDefaultPasswordHashIterations = 600'000; // OWASP 2023

struct PasswordHash {
  std::uint32_t iterations = kDefaultPasswordHashIterations;
  std::string salt; // raw bytes (8..64)
  std::string hash; // raw bytes (32: SHA-256 output)
  bool operator==(const PasswordHash&) const = default;
};

// Errors say what is wrong and how a valid hash looks (`volley-passwd` writes one).
Result<PasswordHash> parse_password_hash(std::string_view text);
std::string format_password_hash(const PasswordHash& hash);
// Derives the hash of `password` with this salt and iteration count.
PasswordHash make_password_hash(std::string_view password, std::string_view salt,
                                std::uint32_t iterations);
// True when `password` derives `hash` (constant-time comparison; costs `iterations` HMACs).
bool verify_password(const PasswordHash& hash, std::string_view password);

} // namespace volley::protocol
