// Cost of metrics on hot paths and of a scrape. BM_HistogramObserve: one DurationHistogram
// observation (what a commit, a transaction or a delivery pays), single- and multi-threaded on one
// shared histogram. BM_BounceCount: one bounce counted by kind and reason. BM_MetricsScrape/N:
// GET /metrics rendered by the ControlApi over a real spool, with N published sites (200 = the
// per-site series cap) and every histogram filled. Must never leave its temporary spool behind.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/control_api.hpp"
#include "engine/delivery_metrics.hpp"
#include "protocol/duration_histogram.hpp"
#include "queue/spool.hpp"

namespace {

using namespace volley;

void BM_HistogramObserve(benchmark::State& state) {
  static protocol::DurationHistogram histogram(engine::kDeliveryLatencyBoundsUs);
  std::uint64_t us = static_cast<std::uint64_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    histogram.observe_us(us);
    us = (us * 2862933555777941757ull + 3037000493ull) % 100'000'000; // spread over the buckets
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramObserve)->Threads(1)->Threads(2);

void BM_BounceCount(benchmark::State& state) {
  static engine::BounceCounters counters;
  for (auto _ : state)
    counters.count("soft", "mailbox_full");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BounceCount);

class ScrapeFixture {
public:
  explicit ScrapeFixture(std::size_t sites) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "bench-metrics-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    queue::SpoolOptions o;
    o.dir = dir_;
    o.durable = false;
    spool_ = queue::Spool::open(o);
    queue::NewCampaign c;
    c.id = "bench";
    c.from = "news@sender.example";
    c.message = "Subject: x\r\n\r\nx\r\n";
    if (!queue::create_campaign_sync(*spool_, c, {}).ok())
      throw std::runtime_error("create failed");
    fill(sites);
    api_ = std::make_unique<engine::ControlApi>(*spool_, engine::ControlApiOptions{});
    api_->set_delivery_metrics(&metrics_);
  }
  ~ScrapeFixture() {
    api_.reset();
    spool_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::size_t scrape() {
    std::size_t bytes = 0;
    api_->handle("GET", "/metrics", {},
                 [&bytes](engine::ControlResponse r) { bytes = r.body.size(); });
    return bytes;
  }

private:
  void fill(std::size_t sites) {
    std::vector<engine::SiteStatus> all(sites);
    for (std::size_t i = 0; i < sites; ++i) {
      all[i].site = "mx:mx" + std::to_string(i) + ".provider" + std::to_string(i % 17) + ".example";
      all[i].queued = i % 50;
      all[i].connections = i % 5;
      all[i].rate_per_second = static_cast<double>(i % 3) * 10;
    }
    metrics_.publish(std::move(all));
    for (std::uint64_t i = 0; i < 10'000; ++i) {
      metrics_.delivery_latency.observe_us(i * 9'973);
      metrics_.transaction_duration.observe_us(i * 97);
      metrics_.bounces.count(i % 2 ? "hard" : "soft", i % 3 ? "user_unknown" : "mailbox_full");
    }
  }

  std::filesystem::path dir_;
  std::unique_ptr<queue::Spool> spool_;
  engine::DeliveryMetrics metrics_;
  std::unique_ptr<engine::ControlApi> api_;
};

void BM_MetricsScrape(benchmark::State& state) {
  ScrapeFixture fixture(static_cast<std::size_t>(state.range(0)));
  std::size_t bytes = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(bytes = fixture.scrape());
  state.counters["body_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MetricsScrape)->Arg(0)->Arg(200)->Arg(1000)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
