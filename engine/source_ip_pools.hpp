// SourceIpPools: the [pool.NAME] source addresses of the rate policy at work — round-robin choice
// of the address a new connection binds to, each address's own rate (rate_per_ip) and warm-up
// daily cap (messages per UTC day rising over the schedule). Delivery thread only. Counters of an
// address survive a policy reload (same address, same day); they restart with volleyd.
// Must never bind a connection to an address outside the pool, nor let an address send beyond
// its day's cap.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/token_bucket.hpp"
#include "policy/rate_policy.hpp"

namespace volley::engine {

struct SourceIp {
  boost::asio::ip::address address;
  std::string text;
  TokenBucket rate;
  std::optional<policy::WarmupSchedule> warmup;
  std::int64_t day = -1;
  std::uint64_t sent_today = 0;

  // True when this address may send one more message now; else wait_ms says when to look again.
  bool allows(std::int64_t now_ms, std::int64_t& wait_ms);
  void count(std::int64_t now_ms);
  std::optional<std::uint64_t> cap(std::int64_t now_ms) const;
};

class SourceIpPools {
public:
  // Rebuilt from the policy (at start and on reload); keeps counters of addresses it had.
  void rebuild(const policy::RatePolicy* policy, std::int64_t now_ms);
  // The next address of the pool for a connection (v6 or v4), preferring one that may send now;
  // null when the pool is unknown or has no address of that family.
  std::shared_ptr<SourceIp> pick(const std::string& pool, bool v6, std::int64_t now_ms);
  bool empty() const { return pools_.empty(); }

private:
  std::map<std::string, std::vector<std::shared_ptr<SourceIp>>> pools_;
  std::map<std::string, std::size_t> cursor_;
};

} // namespace volley::engine
