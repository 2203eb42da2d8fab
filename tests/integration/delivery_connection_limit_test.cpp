// End-to-end test of the global connection limit ([delivery] max_connections): with more sites
// than connections allowed, a site that found every connection in use gets one as soon as another
// site's connection closes, so every recipient is delivered. (Before, such a site waited for a new
// job of its own and its recipients stayed in flight for good.) Real volleyd and three recording
// volley-sinks on loopback; the only time bound is a generous deadline.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "integration/delivery_harness.hpp"
#include "integration/json_answer.hpp"
#include "integration/lifecycle_checks.hpp"
#include "support/volley_sink_process.hpp"
#include "support/volleyd_process.hpp"

namespace {

using namespace volley::testing_support;
using namespace std::chrono_literals;

TEST(DeliveryConnectionLimit, SitesWaitingForAConnectionGetOneWhenAnotherCloses) {
  constexpr int kSites = 3, kPerSite = 30;
  std::vector<std::unique_ptr<VolleySinkProcess>> sinks;
  std::string routes = "[routes]\n";
  for (int s = 0; s < kSites; ++s) {
    // Each message body takes 50 ms: the first site keeps both connections busy for a while.
    sinks.push_back(std::make_unique<VolleySinkProcess>(
        VolleySinkSettings{.args = {"--fault", "dot:slow=50"}, .record = true}));
    sinks.back()->start();
    routes += "\"site" + std::to_string(s) + ".test\" = \"" + sinks.back()->address() + "\"\n";
  }
  VolleydSettings settings;
  settings.delivery_toml =
      delivery_toml_to("",
                       "tls = \"off\"\nmax_connections = 2\nmax_connections_per_site = 2\n"
                       "max_recipients_per_transaction = 1\n",
                       routes);
  VolleydProcess daemon(settings);
  daemon.start();
  std::vector<std::string> recipients;
  for (int i = 0; i < kPerSite; ++i) {
    for (int s = 0; s < kSites; ++s)
      recipients.push_back("r" + std::to_string(i) + "@site" + std::to_string(s) + ".test");
  }
  auto client = daemon.client();
  ASSERT_EQ(create_campaign(client, "limited", recipients), recipients.size());

  // The sinks count a recipient before volleyd records it: wait for both.
  const auto deadline = std::chrono::steady_clock::now() + 120s;
  auto all_delivered = [&] {
    std::uint64_t at_sinks = 0;
    for (const auto& sink : sinks)
      at_sinks += sink_recipients(*sink);
    auto status = campaign_status(client, "limited");
    return at_sinks >= recipients.size() && status.is_object() &&
           count_of(status, "delivered") == recipients.size();
  };
  while (!all_delivered() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  for (int s = 0; s < kSites; ++s) {
    EXPECT_EQ(sink_recipients(*sinks[s]), static_cast<std::uint64_t>(kPerSite))
        << "site" << s << ".test";
  }
  auto status = campaign_status(client, "limited");
  EXPECT_EQ(count_of(status, "delivered"), recipients.size());
  EXPECT_EQ(count_of(status, "in_flight"), 0u);
  EXPECT_EQ(count_of(status, "queued"), 0u);
}

} // namespace
