// SubmissionUsers: the accounts of the SMTP submission listener ([submission] users_file) and the
// check of one AUTH attempt. A password costs one PBKDF2 derivation (hundreds of milliseconds at
// the default iteration count), so the caller runs verify() off the listener thread; a password
// that verified before is remembered (as an HMAC under a per-process random key, never in clear)
// and then checked at once. Thread-safe. Must never compare in variable time, reveal through
// timing whether a user exists, or keep a password.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "policy/submission_users_file.hpp"

namespace volley::engine {

class SubmissionUsers {
public:
  explicit SubmissionUsers(const std::vector<policy::SubmissionUser>& users);

  bool empty() const { return users_.empty(); }
  // True when the password verified before (no PBKDF2); false says nothing.
  bool remembered(std::string_view user, std::string_view password) const;
  // The full check (slow). An unknown user costs the same as a known one.
  bool verify(std::string_view user, std::string_view password) const;

private:
  std::string remember_key(std::string_view user, std::string_view password) const;

  std::map<std::string, protocol::PasswordHash, std::less<>> users_;
  protocol::PasswordHash decoy_; // checked for unknown users (same cost, never matches)
  std::string key_;              // random, per process
  mutable std::mutex mutex_;
  mutable std::set<std::string> remembered_; // bounded: cleared beyond kMaxRemembered
};

} // namespace volley::engine
