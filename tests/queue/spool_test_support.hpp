// Shared helpers of the spool tests: a temporary spool directory removed afterwards, recipient
// builders, and a full scan of a campaign's records. Must never leave files behind.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "queue/spool.hpp"

namespace volley::queue::testing_support {

class TempSpoolDir {
public:
  TempSpoolDir() {
    std::string pattern = ::testing::TempDir() + "volley-spool-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempSpoolDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempSpoolDir(const TempSpoolDir&) = delete;
  TempSpoolDir& operator=(const TempSpoolDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline SpoolOptions options_for(const TempSpoolDir& dir, bool durable = true) {
  SpoolOptions o;
  o.dir = dir.path();
  o.initial_map_bytes = 16ull << 20;
  o.durable = durable;
  return o;
}

inline std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

inline NewRecipient rcpt(const std::string& address, const std::string& crm_id = "") {
  return NewRecipient{address, lower(address), crm_id, ""};
}

// `count` distinct ~30-byte addresses starting at number `first`.
inline std::vector<NewRecipient> rcpts(std::size_t first, std::size_t count,
                                       const std::string& domain = "example-mail.org") {
  std::vector<NewRecipient> out;
  out.reserve(count);
  for (std::size_t i = first; i < first + count; ++i) {
    out.push_back(rcpt("user" + std::to_string(i) + ".name@" + domain, "crm-" + std::to_string(i)));
  }
  return out;
}

inline NewCampaign campaign_named(const std::string& id) {
  NewCampaign c;
  c.id = id;
  c.kind = "campaign";
  c.from = "news@sender.example";
  c.message = "From: news@sender.example\r\nSubject: hi\r\n\r\nbody\r\n";
  return c;
}

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Per-state counts by a full scan of the campaign's records.
inline CampaignCounts scan_counts(const Spool& spool, const std::string& id) {
  CampaignCounts c;
  spool.for_each_recipient(id, [&](const StoredRecipient& r) {
    switch (r.state) {
    case RecipientState::queued:
      ++c.queued;
      break;
    case RecipientState::in_flight:
      ++c.in_flight;
      break;
    case RecipientState::delivered:
      ++c.delivered;
      break;
    case RecipientState::deferred:
      ++c.deferred;
      break;
    case RecipientState::bounced_hard:
      ++c.bounced_hard;
      break;
    case RecipientState::bounced_soft:
      ++c.bounced_soft;
      break;
    case RecipientState::expired:
      ++c.expired;
      break;
    case RecipientState::cancelled:
      ++c.cancelled;
      break;
    case RecipientState::suppressed:
      ++c.suppressed;
      break;
    }
    return true;
  });
  return c;
}

// Asserts that the stored counters of every campaign equal a full scan of its records.
inline void expect_counts_match_scan(const Spool& spool) {
  for (const CampaignInfo& info : spool.campaigns()) {
    CampaignCounts scanned = scan_counts(spool, info.id);
    EXPECT_EQ(info.counts.total(), scanned.total()) << "campaign " << info.id;
    EXPECT_TRUE(info.counts == scanned) << "campaign " << info.id << " counters differ from scan";
  }
}

} // namespace volley::queue::testing_support
