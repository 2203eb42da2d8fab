// CampaignMergeFields: campaign id -> the merge field names its message uses, for checking uploaded
// recipients' vars. Loaded from the spool (message read and compiled once) and kept in a bounded
// map; campaign messages never change after creation, so entries never go stale. Thread-safe (one
// mutex, held only for map operations). Must never hold more than max_entries campaigns, nor
// compile a template while holding the lock.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "queue/spool.hpp"

namespace volley::engine {

using MergeFieldList = std::shared_ptr<const std::vector<std::string>>;

class CampaignMergeFields {
public:
  explicit CampaignMergeFields(const queue::Spool& spool, std::size_t max_entries = 1024);

  // The campaign's fields; empty list for a static message, a missing campaign, or a stored
  // message that no longer compiles (it is then sent as is).
  MergeFieldList fields(const std::string& campaign_id);

private:
  const queue::Spool& spool_;
  std::size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, MergeFieldList> entries_;
};

} // namespace volley::engine
