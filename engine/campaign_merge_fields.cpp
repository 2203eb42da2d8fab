// CampaignMergeFields (see campaign_merge_fields.hpp). When full, the map is cleared: entries are
// cheap to rebuild (one LMDB read and one compile per campaign) and uploads are per campaign, so a
// simple reset keeps the bound without LRU bookkeeping.
#include "engine/campaign_merge_fields.hpp"

#include <utility>

#include "protocol/merge_field_check.hpp"

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
  auto info = spool_.campaign(campaign_id);
  auto message = spool_.campaign_message(campaign_id);
  if (info && message) {
    auto fields = protocol::campaign_merge_field_names(*message, info->unsubscribe_url);
    if (fields)
      *list = std::move(fields.value());
  }
  MergeFieldList result = std::move(list);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_)
    entries_.clear();
  entries_.emplace(campaign_id, result);
  return result;
}

} // namespace volley::engine
