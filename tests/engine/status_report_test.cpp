// Unit tests of GET /v1/status's parts: campaign progress (done = no longer queued, in flight or
// deferred), their order and limit, transactional messages summed into one entry; sites by queue
// depth with suspension judged against `now`; the throughput window as arrays; the newest bounces
// found by bisection, also with gaps in the sequence numbers. Uses an in-memory fake spool.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "engine/status_report.hpp"

using namespace volley::engine;
namespace json = boost::json;

namespace {

// Only bounces() is real; everything else is never called by newest_bounces().
class BounceOnlySpool : public volley::queue::Spool {
public:
  std::map<std::uint64_t, volley::queue::BounceRecord> records;
  mutable int reads = 0;

  std::vector<volley::queue::BounceRecord> bounces(std::string_view campaign, std::uint64_t after,
                                                   std::size_t limit) const override {
    ++reads;
    std::vector<volley::queue::BounceRecord> out;
    if (after == UINT64_MAX)
      return out;
    for (auto it = records.upper_bound(after); it != records.end() && out.size() < limit; ++it)
      if (campaign.empty() || it->second.campaign == campaign)
        out.push_back(it->second);
    return out;
  }
  [[noreturn]] static void unused() { throw std::logic_error("not used by status reports"); }
  void stop() override { unused(); }
  void create_campaign(volley::queue::NewCampaign, std::vector<volley::queue::NewRecipient>,
                       volley::queue::SpoolCallback<volley::queue::CampaignCreated>) override {
    unused();
  }
  void add_recipients(std::string, std::vector<volley::queue::NewRecipient>,
                      volley::queue::SpoolCallback<volley::queue::AddRecipientsResult>) override {
    unused();
  }
  void set_campaign_state(std::string, volley::queue::CampaignAction,
                          volley::queue::SpoolCallback<volley::queue::CampaignState>) override {
    unused();
  }
  void put_suppression(volley::queue::SuppressionEntry,
                       volley::queue::SpoolCallback<volley::Unit>) override {
    unused();
  }
  void delete_suppression(std::string, volley::queue::SpoolCallback<bool>) override { unused(); }
  void
  claim_due(std::int64_t, std::size_t,
            volley::queue::SpoolCallback<std::vector<volley::queue::ClaimedRecipient>>) override {
    unused();
  }
  void record_outcomes(std::vector<volley::queue::DeliveryOutcome>,
                       volley::queue::SpoolCallback<volley::Unit>) override {
    unused();
  }
  void record_reported_bounces(
      std::vector<volley::queue::ReportedBounce>,
      volley::queue::SpoolCallback<std::vector<volley::queue::BounceRecord>>) override {
    unused();
  }
  std::optional<volley::queue::CampaignInfo> campaign(std::string_view) const override { unused(); }
  std::vector<volley::queue::CampaignInfo> campaigns() const override { unused(); }
  std::optional<std::string> campaign_message(std::string_view) const override { unused(); }
  std::optional<volley::queue::StoredRecipient> recipient(std::uint32_t,
                                                          std::uint64_t) const override {
    unused();
  }
  void for_each_recipient(
      std::string_view,
      const std::function<bool(const volley::queue::StoredRecipient&)>&) const override {
    unused();
  }
  std::optional<volley::queue::SuppressionEntry> suppression(std::string_view) const override {
    unused();
  }
  std::vector<volley::queue::SuppressionEntry> suppressions(std::string_view,
                                                            std::size_t) const override {
    unused();
  }
  volley::queue::SpoolStats stats() const override { unused(); }

  void add(std::uint64_t seq) {
    volley::queue::BounceRecord r;
    r.seq = seq;
    r.campaign = "c";
    r.recipient = "r" + std::to_string(seq) + "@b.test";
    records[seq] = r;
  }
};

volley::queue::CampaignInfo campaign(const std::string& id, const std::string& kind,
                                     volley::queue::CampaignState state, std::int64_t created,
                                     volley::queue::CampaignCounts counts) {
  volley::queue::CampaignInfo info;
  info.id = id;
  info.kind = kind;
  info.state = state;
  info.created_ms = created;
  info.counts = counts;
  return info;
}

TEST(StatusReport, CampaignProgressOrderAndTransactionalSum) {
  using volley::queue::CampaignState;
  std::vector<volley::queue::CampaignInfo> list{
      campaign("old-done", "campaign", CampaignState::active, 1000,
               {.delivered = 8, .bounced_hard = 1, .suppressed = 1}),
      campaign("running", "campaign", CampaignState::active, 2000,
               {.queued = 50,
                .in_flight = 5,
                .delivered = 30,
                .deferred = 5,
                .bounced_hard = 6,
                .bounced_soft = 1,
                .suppressed = 2,
                .expired = 1}),
      campaign("paused", "campaign", CampaignState::paused, 3000, {.queued = 10}),
      campaign("m-1", "message", CampaignState::active, 4000, {.delivered = 1}),
      campaign("m-2", "message", CampaignState::active, 5000, {.queued = 1}),
      campaign("new-done", "campaign", CampaignState::active, 6000, {.delivered = 2}),
      campaign("empty", "campaign", CampaignState::active, 7000, {})};
  auto out = status_campaigns_json(list, 3);
  EXPECT_EQ(out.at("total").as_uint64(), 5u);
  const auto& shown = out.at("shown").as_array();
  ASSERT_EQ(shown.size(), 3u);
  // Work left first (active before paused), then the newest finished ones.
  EXPECT_EQ(shown[0].at("id").as_string(), "running");
  EXPECT_EQ(shown[1].at("id").as_string(), "paused");
  EXPECT_EQ(shown[2].at("id").as_string(), "empty");
  const auto& running = shown[0].as_object();
  EXPECT_EQ(running.at("total").as_uint64(), 100u);
  EXPECT_EQ(running.at("done").as_uint64(), 40u); // 30 + 6 + 1 + 2 + 1
  EXPECT_DOUBLE_EQ(running.at("progress").as_double(), 0.4);
  EXPECT_EQ(running.at("state").as_string(), "active");
  EXPECT_EQ(running.at("counts").at("in_flight").as_uint64(), 5u);
  EXPECT_DOUBLE_EQ(shown[2].at("progress").as_double(), 0.0); // no recipients: 0, not NaN
  const auto& tx = out.at("transactional").as_object();
  EXPECT_EQ(tx.at("messages").as_uint64(), 2u);
  EXPECT_EQ(tx.at("total").as_uint64(), 2u);
  EXPECT_EQ(tx.at("done").as_uint64(), 1u);
  EXPECT_EQ(status_campaigns_json(list, 100).at("shown").as_array().size(), 5u);
}

TEST(StatusReport, SitesByQueueDepthWithSuspensionAgainstNow) {
  std::vector<SiteStatus> sites(4);
  sites[0].site = "a";
  sites[0].queued = 5;
  sites[1].site = "b";
  sites[1].queued = 50;
  sites[1].suspended_until_ms = 2000;
  sites[1].last_error = "421 4.7.0 <try later> from mx.b.test";
  sites[1].rate = "10/s";
  sites[1].rate_factor = 0.5;
  sites[2].site = "c";
  sites[2].queued = 5;
  sites[2].connections = 3;
  sites[3].site = "d";
  sites[3].suspended_until_ms = 900;
  auto out = status_sites_json(sites, 1000, 3);
  EXPECT_EQ(out.at("total").as_uint64(), 4u);
  const auto& shown = out.at("shown").as_array();
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(shown[0].at("site").as_string(), "b");
  EXPECT_EQ(shown[1].at("site").as_string(), "c"); // same depth: more connections first
  EXPECT_EQ(shown[2].at("site").as_string(), "a");
  EXPECT_TRUE(shown[0].at("suspended").as_bool());
  EXPECT_EQ(shown[0].at("suspended_until_ms").as_int64(), 2000);
  EXPECT_EQ(shown[0].at("last_error").as_string(), "421 4.7.0 <try later> from mx.b.test");
  EXPECT_EQ(shown[0].at("rate").as_string(), "10/s");
  EXPECT_DOUBLE_EQ(shown[0].at("rate_factor").as_double(), 0.5);
  EXPECT_TRUE(shown[1].at("last_error").is_null());
  EXPECT_TRUE(shown[1].at("rate").is_null());
  auto all = status_sites_json(sites, 1000, 10);
  EXPECT_FALSE(all.at("shown").as_array()[3].at("suspended").as_bool()); // d: in the past
}

TEST(StatusReport, ThroughputAsArrays) {
  ThroughputWindow window{10'000, 60'000, {{1, 2, 3}, {4, 5, 6}}};
  auto out = throughput_json(window);
  EXPECT_EQ(out.at("bucket_seconds").as_int64(), 10);
  EXPECT_EQ(out.at("end_ms").as_int64(), 60'000);
  EXPECT_EQ(json::serialize(out.at("delivered")), "[1,4]");
  EXPECT_EQ(json::serialize(out.at("deferred")), "[2,5]");
  EXPECT_EQ(json::serialize(out.at("bounced")), "[3,6]");
}

TEST(StatusReport, NewestBouncesByBisection) {
  BounceOnlySpool spool;
  EXPECT_TRUE(newest_bounces(spool, 20).empty());
  for (std::uint64_t seq = 1; seq <= 1000; ++seq)
    spool.add(seq);
  spool.reads = 0;
  auto newest = newest_bounces(spool, 20);
  ASSERT_EQ(newest.size(), 20u);
  EXPECT_EQ(newest.front().seq, 1000u);
  EXPECT_EQ(newest.back().seq, 981u);
  EXPECT_LE(spool.reads, 70) << "must bisect, not scan";
  EXPECT_TRUE(newest_bounces(spool, 0).empty());
}

TEST(StatusReport, NewestBouncesWithGapsAndFewRecords) {
  BounceOnlySpool spool;
  for (std::uint64_t seq : {3u, 7u, 1000000u, 1000010u})
    spool.add(seq);
  auto newest = newest_bounces(spool, 3);
  ASSERT_EQ(newest.size(), 2u); // 7 is too far before the newest: a gap may hide older ones
  EXPECT_EQ(newest[0].seq, 1000010u);
  EXPECT_EQ(newest[1].seq, 1000000u);
  BounceOnlySpool few;
  few.add(5);
  few.add(9);
  auto two = newest_bounces(few, 20);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].seq, 9u);
  EXPECT_EQ(two[1].seq, 5u);
}

} // namespace
