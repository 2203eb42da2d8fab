// BounceCounters: bounces since start by kind (hard, soft, complaint) and reason category, for
// /metrics (volley_bounces_total). The reason set is the bounded list of protocol/bounce_report.hpp
// categories plus "merge_field"; anything else counts as "other", so a label never carries free
// text. One instance per source (synchronous SMTP replies, DSN/ARF intake). count() is wait-free
// (one relaxed fetch_add, no allocation) and safe from any thread.
// Must never: turn a reason string into a label without mapping it onto the fixed set.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace volley::engine {

class BounceCounters {
public:
  static constexpr std::array<std::string_view, 3> kKinds = {"hard", "soft", "complaint"};
  static constexpr std::array<std::string_view, 22> kReasons = {
      "user_unknown", "host_unknown", "has_moved",         "not_accepting",
      "mailbox_full", "suspended",    "message_too_large", "blocked",
      "policy",       "spam",         "security",          "expired",
      "network",      "system",       "rejected",          "rate_limited",
      "feedback",     "vacation",     "delayed",           "undefined",
      "merge_field",  "other"};

  // A bounce of `kind` ("hard" | "soft" | "complaint"; others are not bounces and are ignored)
  // with reason category `reason` (unknown ones count as "other").
  void count(std::string_view kind, std::string_view reason) noexcept;

  std::uint64_t value(std::size_t kind, std::size_t reason) const noexcept {
    return counts_[kind * kReasons.size() + reason].load(std::memory_order_relaxed);
  }
  // Sum over all reasons of one kind ("hard", ...); 0 for an unknown kind.
  std::uint64_t total(std::string_view kind) const noexcept;

  static std::size_t kind_index(std::string_view kind) noexcept;     // kKinds.size() = unknown
  static std::size_t reason_index(std::string_view reason) noexcept; // unknown = "other"

private:
  std::array<std::atomic<std::uint64_t>, kKinds.size() * kReasons.size()> counts_{};
};

} // namespace volley::engine
