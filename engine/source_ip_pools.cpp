// SourceIpPools (see source_ip_pools.hpp). Days are UTC days since 1970, as in the warm-up
// schedule's start date.
#include "engine/source_ip_pools.hpp"

#include <spdlog/spdlog.h>

namespace volley::engine {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t day_of(std::int64_t now_ms) {
  return now_ms / kDayMs;
}

} // namespace

std::optional<std::uint64_t> SourceIp::cap(std::int64_t now_ms) const {
  if (!warmup)
    return std::nullopt;
  return policy::warmup_cap(*warmup, day_of(now_ms));
}

bool SourceIp::allows(std::int64_t now_ms, std::int64_t& wait_ms) {
  if (day != day_of(now_ms)) {
    day = day_of(now_ms);
    sent_today = 0;
  }
  if (auto limit = cap(now_ms); limit && sent_today >= *limit) {
    wait_ms = (day + 1) * kDayMs - now_ms; // the next day's cap
    return false;
  }
  if (!rate.has_token(now_ms)) {
    wait_ms = rate.ms_until_token(now_ms);
    return false;
  }
  return true;
}

void SourceIp::count(std::int64_t now_ms) {
  std::int64_t ignored = 0;
  allows(now_ms, ignored); // rolls the day over
  rate.try_take(now_ms);
  ++sent_today;
}

void SourceIpPools::rebuild(const policy::RatePolicy* policy, std::int64_t now_ms) {
  std::map<std::string, std::shared_ptr<SourceIp>> old;
  for (auto& [name, ips] : pools_)
    for (auto& ip : ips)
      old.emplace(ip->text, ip);
  pools_.clear();
  if (!policy)
    return;
  for (const policy::IpPool& pool : policy->pools) {
    auto& ips = pools_[pool.name];
    for (const std::string& text : pool.ips) {
      boost::system::error_code ec;
      auto address = boost::asio::ip::make_address(text, ec);
      if (ec)
        continue; // the loader checked every address; never bind to one that does not parse
      auto ip = std::make_shared<SourceIp>();
      ip->address = address;
      ip->text = text;
      if (pool.rate_per_ip) {
        const policy::MessageRate& r = *pool.rate_per_ip;
        double burst = static_cast<double>(policy::effective_burst(r));
        ip->rate = TokenBucket(r.per_second, burst, now_ms);
      }
      ip->warmup = pool.warmup;
      if (auto it = old.find(text); it != old.end()) {
        ip->day = it->second->day;
        ip->sent_today = it->second->sent_today;
      }
      ips.push_back(std::move(ip));
    }
  }
}

std::shared_ptr<SourceIp> SourceIpPools::pick(const std::string& pool, bool v6,
                                              std::int64_t now_ms) {
  auto it = pools_.find(pool);
  if (it == pools_.end() || it->second.empty())
    return nullptr;
  auto& ips = it->second;
  std::size_t& cursor = cursor_[pool];
  std::shared_ptr<SourceIp> fallback;
  for (std::size_t i = 0; i < ips.size(); ++i) {
    auto& ip = ips[cursor++ % ips.size()];
    if (ip->address.is_v6() != v6)
      continue;
    std::int64_t wait = 0;
    if (ip->allows(now_ms, wait))
      return ip;
    if (!fallback)
      fallback = ip;
  }
  return fallback; // every address is at its limit: this one waits for its tokens
}

} // namespace volley::engine
