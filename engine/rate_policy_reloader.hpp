// RatePolicyReloader: loads the rate policy file ([policy] file of volleyd.toml) at start and again
// on POST /v1/policy/reload or SIGHUP, and hands each valid policy to the delivery engine whole.
// Thread-safe (control threads and the signal handler may reload at once; one mutex). Must never
// apply a policy that did not load cleanly: on any error the one in force stays.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "policy/rate_policy.hpp"
#include "protocol/result.hpp"

namespace volley::engine {

class RatePolicyReloader {
public:
  using Apply = std::function<void(std::shared_ptr<const policy::RatePolicy>)>;

  // path "" = no policy file: the [delivery] values alone apply.
  explicit RatePolicyReloader(std::string path) : path_(std::move(path)) {}

  // The policy for start-up: loaded from the file (an empty policy without one). Throws
  // std::runtime_error with every error (file:line:column — hint) when the file is invalid.
  std::shared_ptr<const policy::RatePolicy> load_initial();
  // Where reloaded policies go (the delivery engine); unset = loaded and checked only.
  void on_reload(Apply apply);
  // Loads the file again: a one-line summary, or the errors (invalid_request, nothing changed).
  Result<std::string> reload();
  const std::string& path() const { return path_; }

private:
  std::string path_;
  std::mutex mutex_;
  Apply apply_;
};

// "policy.toml: 3 groups, 2 domains, 1 pool, 4 throttle rules".
std::string describe_rate_policy(const policy::RatePolicy& policy, const std::string& path);

} // namespace volley::engine
