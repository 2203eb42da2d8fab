// SubmissionUsers (see submission_users.hpp): OpenSSL RAND_bytes for the per-process key,
// HMAC-SHA256 for remembered passwords, protocol::verify_password for the real check.
#include "engine/submission_users.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace volley::engine {
namespace {

constexpr std::size_t kMaxRemembered = 1024;

std::string random_bytes(std::size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("OpenSSL could not generate random bytes for the submission users");
  return bytes;
}

} // namespace

SubmissionUsers::SubmissionUsers(const std::vector<policy::SubmissionUser>& users)
    : key_(random_bytes(32)) {
  for (const policy::SubmissionUser& user : users)
    users_.emplace(user.name, user.hash);
  const std::uint32_t iterations =
      users.empty() ? protocol::kDefaultPasswordHashIterations : users.front().hash.iterations;
  decoy_ = protocol::make_password_hash(random_bytes(16), random_bytes(16), 1000);
  decoy_.iterations = iterations;
}

std::string SubmissionUsers::remember_key(std::string_view user, std::string_view password) const {
  std::string input(user);
  input += '\0';
  input += password;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

bool SubmissionUsers::remembered(std::string_view user, std::string_view password) const {
  if (!users_.contains(user))
    return false;
  const std::string key = remember_key(user, password);
  std::lock_guard lock(mutex_);
  return remembered_.contains(key);
}

bool SubmissionUsers::verify(std::string_view user, std::string_view password) const {
  auto found = users_.find(user);
  if (found == users_.end()) {
    (void)protocol::verify_password(decoy_, password);
    return false;
  }
  if (!protocol::verify_password(found->second, password))
    return false;
  const std::string key = remember_key(user, password);
  std::lock_guard lock(mutex_);
  if (remembered_.size() >= kMaxRemembered)
    remembered_.clear();
  remembered_.insert(key);
  return true;
}

} // namespace volley::engine
