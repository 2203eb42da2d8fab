// PreparedMessageCache: campaign seq → PreparedMessage, loaded from the spool on first use and kept
// while any job holds it (plus a small LRU of recently used ones), and the campaigns' states, which
// refresh() re-reads so pause/cancel reach the engine within one refresh period.
// The bulk-sender header fields ([headers]) are added here, before signing; a static campaign is
// DKIM-signed here, once for all its recipients (t= is the preparation time).
// Must never block on anything but LMDB reads, and never be used from two threads.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/dkim_message_signer.hpp"
#include "engine/prepared_message.hpp"
#include "queue/spool.hpp"

namespace volley::engine {

class PreparedMessageCache {
public:
  // dkim may be null (no signing); identity may be null (no VERP, no added header fields).
  PreparedMessageCache(const queue::Spool& spool, std::size_t max_cached_bytes,
                       std::shared_ptr<const DkimMessageSigner> dkim = nullptr,
                       std::shared_ptr<const SenderIdentity> identity = nullptr);

  // nullptr if the campaign or its message is gone (the spool answered nothing).
  std::shared_ptr<const PreparedMessage> get(std::uint32_t campaign_seq,
                                             const std::string& campaign_id);
  // Re-reads the state of every cached campaign; returns the seqs that are no longer active.
  std::vector<std::uint32_t> refresh_states();
  std::optional<queue::CampaignState> state(std::uint32_t campaign_seq) const;

private:
  struct Entry {
    std::shared_ptr<const PreparedMessage> message;
    queue::CampaignState state = queue::CampaignState::active;
    std::list<std::uint32_t>::iterator lru;
  };
  void evict();

  const queue::Spool& spool_;
  std::size_t max_cached_bytes_;
  std::shared_ptr<const DkimMessageSigner> dkim_;
  std::shared_ptr<const SenderIdentity> identity_;
  std::size_t cached_bytes_ = 0;
  std::unordered_map<std::uint32_t, Entry> entries_;
  std::list<std::uint32_t> lru_; // front = most recently used
};

} // namespace volley::engine
