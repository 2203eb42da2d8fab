// RatePolicyReloader (see rate_policy_reloader.hpp). Loading happens outside the delivery thread;
// the engine receives a finished, immutable policy.
#include "engine/rate_policy_reloader.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "policy/rate_policy_loader.hpp"

namespace volley::engine {

std::string describe_rate_policy(const policy::RatePolicy& p, const std::string& path) {
  auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  return path + ": " + count(p.groups.size(), "group", "groups") + ", " +
         count(p.domains.size(), "domain", "domains") + ", " +
         count(p.pools.size(), "pool", "pools") + ", " +
         count(p.senders.size(), "campaign/tenant entry", "campaign/tenant entries") + ", " +
         count(p.throttles.size(), "throttle rule", "throttle rules");
}

std::shared_ptr<const policy::RatePolicy> RatePolicyReloader::load_initial() {
  if (path_.empty())
    return std::make_shared<const policy::RatePolicy>();
  auto loaded = policy::load_rate_policy_file(path_);
  if (!loaded)
    throw std::runtime_error("rate policy " + loaded.error().message);
  spdlog::info("rate policy {}", describe_rate_policy(*loaded, path_));
  return std::make_shared<const policy::RatePolicy>(std::move(loaded.value()));
}

void RatePolicyReloader::on_reload(Apply apply) {
  std::lock_guard lock(mutex_);
  apply_ = std::move(apply);
}

Result<std::string> RatePolicyReloader::reload() {
  std::lock_guard lock(mutex_);
  if (path_.empty()) {
    return make_error(error_code::invalid_request,
                      "no rate policy file is configured: set [policy] file in volleyd.toml "
                      "(then restart volleyd once)");
  }
  auto loaded = policy::load_rate_policy_file(path_);
  if (!loaded) {
    spdlog::warn("rate policy reload failed, the policy in force stays: {}",
                 loaded.error().message);
    return make_error(error_code::invalid_request,
                      loaded.error().message + "\n(the policy in force is unchanged)");
  }
  std::string summary = describe_rate_policy(*loaded, path_);
  if (apply_)
    apply_(std::make_shared<const policy::RatePolicy>(std::move(loaded.value())));
  spdlog::info("rate policy reloaded: {}", summary);
  return summary;
}

} // namespace volley::engine
