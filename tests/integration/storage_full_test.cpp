// A full spool map (spool.max_size) and a full disk (simulated with RLIMIT_FSIZE on the daemon)
// turn into clean 507 answers; the daemon keeps serving, and what it reports stays true after a
// restart (nothing half-written). Never fills the real disk.
#include <gtest/gtest.h>

#include "integration/json_answer.hpp"
#include "integration/recipient_stream.hpp"
#include "support/volleyd_process.hpp"

using namespace volley::testing_support;

namespace {

const char* kCampaign =
    R"({"id":"full","from":"news@example.org","message":"Subject: hi\r\n\r\nbody\r\n"})";

void expect_507_then_consistent(VolleydProcess& daemon, const char* expected_code) {
  auto client = daemon.client();
  ASSERT_EQ(client.request("POST", "/v1/campaigns", kCampaign)->status, 202);
  RecipientStream stream("f", 0, 400000);
  auto answer = client.upload_stream(
      "POST", "/v1/campaigns/full/recipients", [&] { return stream.next_chunk(); },
      "application/x-ndjson");
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->status, 507) << answer->body;
  EXPECT_EQ(parse_answer(answer->body).at("error").as_string(), expected_code) << answer->body;

  auto status = daemon.client().request("GET", "/v1/campaigns/full");
  ASSERT_TRUE(status);
  ASSERT_EQ(status->status, 200);
  auto before = count_of(parse_answer(status->body), "queued");
  EXPECT_LT(before, 400000u);
  EXPECT_EQ(daemon.client().request("GET", "/healthz")->status, 200);

  daemon.kill_hard();
  daemon.start();
  auto after =
      count_of(parse_answer(daemon.client().request("GET", "/v1/campaigns/full")->body), "queued");
  EXPECT_EQ(after, before);
}

TEST(StorageFull, SpoolMapAtMaximumIs507SpoolFull) {
  VolleydSettings settings;
  settings.spool_initial_size = "1MiB";
  settings.spool_max_size = "4MiB";
  VolleydProcess daemon(settings);
  daemon.start();
  expect_507_then_consistent(daemon, "spool_full");
}

TEST(StorageFull, DiskFullIs507DiskFull) {
  VolleydSettings settings;
  settings.file_size_limit = 6ull << 20; // the data file may not grow past 6 MiB
  VolleydProcess daemon(settings);
  daemon.start();
  expect_507_then_consistent(daemon, "disk_full");
}

} // namespace
