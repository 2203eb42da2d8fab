// MxAnswerCache (see mx_answer_cache.hpp). Expired entries are dropped when looked up or when room
// is needed. Must never keep an entry in one index and not the other.
#include "engine/mx_answer_cache.hpp"

namespace volley::engine {

std::optional<MxAnswer> MxAnswerCache::find(const std::string& domain, Clock::time_point now) {
  auto found = entries_.find(domain);
  if (found == entries_.end())
    return std::nullopt;
  if (found->second.expires_at <= now) {
    erase(domain);
    return std::nullopt;
  }
  return found->second.answer;
}

void MxAnswerCache::store(const std::string& domain, MxAnswer answer,
                          Clock::time_point expires_at) {
  if (max_entries_ == 0)
    return;
  erase(domain);
  make_room(Clock::now());
  by_expiry_.emplace(expires_at, domain);
  entries_.emplace(domain, Entry{std::move(answer), expires_at});
}

void MxAnswerCache::clear() {
  entries_.clear();
  by_expiry_.clear();
}

void MxAnswerCache::erase(const std::string& domain) {
  auto found = entries_.find(domain);
  if (found == entries_.end())
    return;
  by_expiry_.erase({found->second.expires_at, domain});
  entries_.erase(found);
}

void MxAnswerCache::make_room(Clock::time_point now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    entries_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  while (entries_.size() >= max_entries_ && !by_expiry_.empty()) {
    entries_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

} // namespace volley::engine
