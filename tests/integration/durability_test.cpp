// Durability tests against the real volleyd: a million recipients streamed over NDJSON survive a
// clean restart and a kill -9; a kill -9 at random moments during continuous injection never loses
// or duplicates an acknowledged recipient (checked by scanning the spool file directly).
// Never asserts on timing; the injection rate is printed for information only.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <unordered_set>

#include "integration/json_answer.hpp"
#include "integration/recipient_stream.hpp"
#include "support/volleyd_process.hpp"
#include "queue/spool.hpp"

using namespace volley::testing_support;

namespace {

const std::string kCampaign =
    R"({"id":"%ID%","from":"news@example.org","message":"Subject: hi\r\n\r\nbody\r\n"})";

std::string campaign_json(const std::string& id) {
  std::string body = kCampaign;
  body.replace(body.find("%ID%"), 4, id);
  return body;
}

std::uint64_t million() {
  const char* env = std::getenv("VOLLEY_IT_RECIPIENTS");
  return env ? std::strtoull(env, nullptr, 10) : 1000000;
}

std::uint64_t queued_of(VolleydProcess& daemon, const std::string& id) {
  auto answer = daemon.client().request("GET", "/v1/campaigns/" + id);
  EXPECT_TRUE(answer);
  EXPECT_EQ(answer->status, 200) << answer->body;
  return count_of(parse_answer(answer->body), "queued");
}

TEST(Durability, MillionRecipientsStreamSurviveRestartAndKill) {
  VolleydProcess daemon;
  daemon.start();
  auto client = daemon.client();
  ASSERT_EQ(client.request("POST", "/v1/campaigns", campaign_json("big"))->status, 202);

  const std::uint64_t n = million();
  RecipientStream stream("m", 0, n);
  auto started = std::chrono::steady_clock::now();
  auto answer = client.upload_stream(
      "POST", "/v1/campaigns/big/recipients", [&] { return stream.next_chunk(); },
      "application/x-ndjson");
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_TRUE(answer) << answer.error().message;
  ASSERT_EQ(answer->status, 202) << answer->body;
  auto json = parse_answer(answer->body);
  EXPECT_EQ(json.at("accepted").to_number<std::uint64_t>(), n);
  EXPECT_EQ(json.at("rejected_count").to_number<std::uint64_t>(), 0u);
  std::cout << "[info] streamed " << n << " recipients durably in " << seconds << " s ("
            << static_cast<std::uint64_t>(n / seconds) << " recipients/s)\n";
  EXPECT_EQ(queued_of(daemon, "big"), n);

  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0) << daemon.log();
  daemon.start();
  EXPECT_EQ(queued_of(daemon, "big"), n);

  // Re-sending part of the file after the restart adds nothing: uploads are idempotent.
  RecipientStream again("m", n - 1000, 1000);
  auto resend = daemon.client().upload_stream(
      "POST", "/v1/campaigns/big/recipients", [&] { return again.next_chunk(); },
      "application/x-ndjson");
  ASSERT_TRUE(resend);
  EXPECT_EQ(parse_answer(resend->body).at("duplicates").to_number<std::uint64_t>(), 1000u);

  daemon.kill_hard();
  daemon.start();
  EXPECT_EQ(queued_of(daemon, "big"), n);
}

TEST(Durability, KillNineDuringInjectionLosesNoAcknowledgedRecipient) {
  VolleydProcess daemon;
  daemon.start();
  ASSERT_EQ(daemon.client().request("POST", "/v1/campaigns", campaign_json("crash"))->status, 202);

  std::mutex acked_mutex;
  std::vector<std::string> acked;
  std::uint64_t next_recipient = 0;
  std::mt19937 random(20261123);
  const int cycles = 12;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    if (!daemon.running())
      daemon.start();
    std::atomic<bool> stop{false};
    std::thread injector([&] {
      auto client = daemon.client();
      while (!stop) {
        std::uint64_t first = next_recipient;
        next_recipient += 700;
        RecipientStream stream("k", first, 700);
        auto answer = client.upload_stream(
            "POST", "/v1/campaigns/crash/recipients", [&] { return stream.next_chunk(); },
            "application/x-ndjson");
        if (!answer || answer->status != 202)
          continue; // not acknowledged: may or may not be there
        std::lock_guard lock(acked_mutex);
        for (std::uint64_t i = first; i < first + 700; ++i)
          acked.push_back(stream.address(i));
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 500));
    daemon.kill_hard();
    stop = true;
    injector.join();
  }
  ASSERT_GT(acked.size(), 0u) << "no upload was acknowledged; the test proves nothing";

  daemon.start();
  auto status = parse_answer(daemon.client().request("GET", "/v1/campaigns/crash")->body);
  std::uint64_t counted = status.at("total").to_number<std::uint64_t>();
  EXPECT_EQ(WEXITSTATUS(daemon.stop()), 0);

  volley::queue::SpoolOptions options;
  options.dir = daemon.spool_dir();
  auto spool = volley::queue::Spool::open(options);
  std::unordered_set<std::string> stored;
  std::uint64_t scanned = 0;
  bool duplicate = false;
  spool->for_each_recipient("crash", [&](const volley::queue::StoredRecipient& r) {
    ++scanned;
    duplicate |= !stored.insert(r.address).second;
    return true;
  });
  spool->stop();
  EXPECT_FALSE(duplicate) << "a recipient is stored twice";
  EXPECT_EQ(scanned, counted) << "campaign counters disagree with the stored records";
  std::uint64_t missing = 0;
  for (const auto& address : acked)
    missing += stored.count(address) == 0;
  EXPECT_EQ(missing, 0u) << "acknowledged recipients lost across " << cycles << " kill -9 cycles";
  std::cout << "[info] " << cycles << " kill -9 cycles, " << acked.size()
            << " acknowledged recipients, " << scanned << " stored\n";
}

} // namespace
