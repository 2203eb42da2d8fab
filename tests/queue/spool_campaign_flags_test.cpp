// The campaign flags of SMTP submission (keep_return_path, verbatim) through the real spool: stored
// with the campaign, read back after a reopen, unchanged by a state change. Temp directory only.
#include <gtest/gtest.h>

#include "queue/spool_test_support.hpp"

namespace volley::queue {
namespace {

using namespace testing_support;

TEST(SpoolCampaignFlagsTest, FlagsSurviveStateChangesAndReopening) {
  TempSpoolDir dir;
  {
    auto spool = Spool::open(options_for(dir, false));
    NewCampaign kept = campaign_named("kept");
    kept.kind = "message";
    kept.from = "b.12.345.abcdef0123456789@bounces.example";
    kept.keep_return_path = true;
    kept.verbatim = true;
    ASSERT_TRUE(create_campaign_sync(*spool, kept, rcpts(0, 1)).ok());
    ASSERT_TRUE(create_campaign_sync(*spool, campaign_named("plain"), rcpts(0, 1)).ok());
    ASSERT_TRUE(set_campaign_state_sync(*spool, "kept", CampaignAction::pause).ok());
    spool->stop();
  }
  auto spool = Spool::open(options_for(dir, false));
  auto kept = spool->campaign("kept");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->state, CampaignState::paused);
  EXPECT_TRUE(kept->keep_return_path);
  EXPECT_TRUE(kept->verbatim);
  EXPECT_EQ(kept->from, "b.12.345.abcdef0123456789@bounces.example");
  auto plain = spool->campaign("plain");
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->keep_return_path);
  EXPECT_FALSE(plain->verbatim);
  spool->stop();
}

} // namespace
} // namespace volley::queue
