// MxAnswerCache: domain → MxAnswer until an expiry time, bounded in size (when full, the entry that
// expires soonest goes first). Must never return an expired answer or grow past its limit.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/mx_resolver.hpp"

namespace volley::engine {

class MxAnswerCache {
public:
  using Clock = std::chrono::steady_clock;

  explicit MxAnswerCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The cached answer for `domain` (already lower-case), or nullopt if absent or expired.
  std::optional<MxAnswer> find(const std::string& domain, Clock::time_point now);
  void store(const std::string& domain, MxAnswer answer, Clock::time_point expires_at);
  void clear();
  std::size_t size() const { return entries_.size(); }

private:
  struct Entry {
    MxAnswer answer;
    Clock::time_point expires_at;
  };

  void erase(const std::string& domain);
  void make_room(Clock::time_point now);

  std::size_t max_entries_;
  std::unordered_map<std::string, Entry> entries_;
  std::set<std::pair<Clock::time_point, std::string>> by_expiry_;
};

} // namespace volley::engine
