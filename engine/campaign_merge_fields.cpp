// CampaignMergeFields (see campaign_merge_fields.hpp). When full, the map is cleared: entries are
// cheap to rebuild (one LMDB read and one compile per campaign) and uploads are per campaign, so a
// simple reset keeps the bound without LRU bookkeeping.
#include "engine/campaign_merge_fields.hpp"

#include <utility>

#include "protocol/merge_template.hpp"

namespace volley::engine {

CampaignMergeFields::CampaignMergeFields(const queue::Spool& spool, std::size_t max_entries)
    : spool_(spool), max_entries_(max_entries) {}

MergeFieldList CampaignMergeFields::fields(const std::string& campaign_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(campaign_id);
    if (it != entries_.end())
      return it->second;
  }
  auto list = std::make_shared<std::vector<std::string>>();
  if (auto message = spool_.campaign_message(campaign_id)) {
    auto compiled = protocol::compile_merge_template(*message);
    if (compiled)
      *list = compiled->fields();
  }
  MergeFieldList result = std::move(list);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_)
    entries_.clear();
  entries_.emplace(campaign_id, result);
  return result;
}

} // namespace volley::engine
