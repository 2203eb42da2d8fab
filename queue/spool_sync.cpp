// Blocking *_sync helpers over the asynchronous Spool writes (tests, tools, start-up code).
// Must never be called on the writer thread (it would wait for itself) or an io_context thread.
#include <future>

#include "queue/spool.hpp"

namespace volley::queue {
namespace {

// Runs `start(callback)` and waits for the callback's result.
template <class T, class Start> Result<T> wait_for(Start&& start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> result) { promise->set_value(std::move(result)); });
  return future.get();
}

} // namespace

Result<CampaignCreated> create_campaign_sync(Spool& spool, NewCampaign campaign,
                                             std::vector<NewRecipient> recipients) {
  return wait_for<CampaignCreated>([&](SpoolCallback<CampaignCreated> done) {
    spool.create_campaign(std::move(campaign), std::move(recipients), std::move(done));
  });
}

Result<AddRecipientsResult> add_recipients_sync(Spool& spool, std::string campaign_id,
                                                std::vector<NewRecipient> recipients) {
  return wait_for<AddRecipientsResult>([&](SpoolCallback<AddRecipientsResult> done) {
    spool.add_recipients(std::move(campaign_id), std::move(recipients), std::move(done));
  });
}

Result<CampaignState> set_campaign_state_sync(Spool& spool, std::string campaign_id,
                                              CampaignAction action) {
  return wait_for<CampaignState>([&](SpoolCallback<CampaignState> done) {
    spool.set_campaign_state(std::move(campaign_id), action, std::move(done));
  });
}

Result<std::vector<ClaimedRecipient>> claim_due_sync(Spool& spool, std::int64_t now_ms,
                                                     std::size_t max) {
  return wait_for<std::vector<ClaimedRecipient>>(
      [&](SpoolCallback<std::vector<ClaimedRecipient>> done) {
        spool.claim_due(now_ms, max, std::move(done));
      });
}

Result<Unit> record_outcomes_sync(Spool& spool, std::vector<DeliveryOutcome> outcomes) {
  return wait_for<Unit>([&](SpoolCallback<Unit> done) {
    spool.record_outcomes(std::move(outcomes), std::move(done));
  });
}

Result<std::vector<BounceRecord>>
record_reported_bounces_sync(Spool& spool, std::vector<ReportedBounce> bounces) {
  return wait_for<std::vector<BounceRecord>>([&](SpoolCallback<std::vector<BounceRecord>> done) {
    spool.record_reported_bounces(std::move(bounces), std::move(done));
  });
}

Result<Unit> put_suppression_sync(Spool& spool, SuppressionEntry entry) {
  return wait_for<Unit>(
      [&](SpoolCallback<Unit> done) { spool.put_suppression(std::move(entry), std::move(done)); });
}

Result<bool> delete_suppression_sync(Spool& spool, std::string canonical) {
  return wait_for<bool>([&](SpoolCallback<bool> done) {
    spool.delete_suppression(std::move(canonical), std::move(done));
  });
}

} // namespace volley::queue
