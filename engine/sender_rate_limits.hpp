// SenderRateLimits: the [campaign."glob"] and [tenant.NAME] rates of the rate policy at work — a
// token bucket per matching campaign entry and campaign (each campaign gets the entry's rate) and
// per tenant (shared by all its campaigns). Delivery thread only; cleared on a policy reload.
// Must never let a campaign send faster than any entry that matches it.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/token_bucket.hpp"
#include "policy/rate_policy.hpp"

namespace volley::engine {

class SenderRateLimits {
public:
  void reset() {
    campaigns_.clear();
    buckets_.clear();
  }
  // True when every bucket of the campaign has a token now (else wait_ms says how long).
  bool has_token(const policy::RatePolicy* policy, std::uint32_t campaign_seq,
                 const std::string& campaign_id, const std::string& tenant, std::int64_t now_ms,
                 std::int64_t& wait_ms) {
    for (TokenBucket* bucket : buckets_of(policy, campaign_seq, campaign_id, tenant, now_ms)) {
      if (!bucket->has_token(now_ms)) {
        wait_ms = bucket->ms_until_token(now_ms);
        return false;
      }
    }
    return true;
  }
  void take(std::uint32_t campaign_seq, std::int64_t now_ms) {
    auto it = campaigns_.find(campaign_seq);
    if (it != campaigns_.end())
      for (TokenBucket* bucket : it->second)
        bucket->try_take(now_ms);
  }

private:
  std::vector<TokenBucket*>& buckets_of(const policy::RatePolicy* policy,
                                        std::uint32_t campaign_seq, const std::string& campaign_id,
                                        const std::string& tenant, std::int64_t now_ms) {
    auto [it, added] = campaigns_.try_emplace(campaign_seq);
    if (added && policy) {
      for (const policy::SenderPolicy* entry :
           policy::find_sender_policies(*policy, campaign_id, tenant)) {
        if (!entry->rate)
          continue;
        // A tenant's bucket is shared by its campaigns; a campaign entry's is per campaign.
        std::string key = entry->tenant ? "tenant:" + entry->pattern
                                        : "campaign:" + entry->pattern + ":" + campaign_id;
        auto [bucket, fresh] = buckets_.try_emplace(key);
        if (fresh) {
          const policy::MessageRate& r = *entry->rate;
          double burst = static_cast<double>(policy::effective_burst(r));
          bucket->second = TokenBucket(r.per_second, burst, now_ms);
        }
        it->second.push_back(&bucket->second);
      }
    }
    return it->second;
  }

  std::unordered_map<std::uint32_t, std::vector<TokenBucket*>> campaigns_;
  std::unordered_map<std::string, TokenBucket> buckets_; // node-based: pointers stay valid
};

} // namespace volley::engine
