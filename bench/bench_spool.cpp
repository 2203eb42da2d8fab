// Spool write throughput with real fsync. BM_GroupCommit/N: one producer keeps two requests of N
// recipients in flight (like the upload session), items_per_second = recipients/s.
// BM_GroupCommitProducers: 8 threads of 1-recipient requests (requests/s, requests per commit).
// Must never leave its temporary spool directories behind.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <semaphore>
#include <string>

#include "queue/spool.hpp"

namespace {

using namespace volley;
using namespace volley::queue;

class BenchSpool {
public:
  explicit BenchSpool(bool durable) {
    std::string pattern = (std::filesystem::temp_directory_path() / "bench-spool-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    SpoolOptions o;
    o.dir = dir_;
    o.durable = durable;
    spool_ = Spool::open(o);
    NewCampaign c;
    c.id = "bench";
    c.from = "news@sender.example";
    c.message = std::string(20000, 'x');
    if (!create_campaign_sync(*spool_, c, {}).ok())
      throw std::runtime_error("create failed");
  }
  ~BenchSpool() {
    spool_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Spool& spool() { return *spool_; }

private:
  std::filesystem::path dir_;
  std::unique_ptr<Spool> spool_;
};

// `count` realistic ~30-byte addresses, numbered from `next`.
std::vector<NewRecipient> make_batch(std::uint64_t& next, std::size_t count) {
  std::vector<NewRecipient> batch(count);
  for (auto& r : batch) {
    r.address = "subscriber" + std::to_string(next++) + "@mail.example.org";
    r.canonical = r.address;
  }
  return batch;
}

void run_pipelined(benchmark::State& state, bool durable) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  BenchSpool bench(durable);
  std::counting_semaphore<2> slots(2); // two requests in flight
  std::atomic<std::uint64_t> failed{0};
  std::uint64_t next = 0;
  const SpoolStats before = bench.spool().stats();
  for (auto _ : state) {
    auto batch = make_batch(next, batch_size);
    slots.acquire();
    bench.spool().add_recipients("bench", std::move(batch), [&](Result<AddRecipientsResult> r) {
      if (!r.ok() || r->accepted != batch_size)
        failed.fetch_add(1);
      slots.release();
    });
  }
  slots.acquire();
  slots.acquire();
  const SpoolStats after = bench.spool().stats();
  if (failed.load() != 0)
    state.SkipWithError("a request failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch_size));
  state.counters["requests_per_commit"] =
      static_cast<double>(after.requests_committed - before.requests_committed) /
      static_cast<double>(after.commits - before.commits);
  state.counters["MiB_used"] = static_cast<double>(after.used_bytes) / (1 << 20);
}

void BM_GroupCommit(benchmark::State& state) {
  run_pipelined(state, true);
}
BENCHMARK(BM_GroupCommit)->Arg(1)->Arg(100)->Arg(1000)->Arg(4096)->UseRealTime()->MinTime(2.0);

// Same without fsync (MDB_NOSYNC): the CPU cost of the spool alone.
void BM_GroupCommitNoSync(benchmark::State& state) {
  run_pipelined(state, false);
}
BENCHMARK(BM_GroupCommitNoSync)->Arg(4096)->UseRealTime()->MinTime(2.0);

std::unique_ptr<BenchSpool> shared_bench;
SpoolStats shared_before;

void BM_GroupCommitProducers(benchmark::State& state) {
  if (state.thread_index() == 0) {
    shared_bench = std::make_unique<BenchSpool>(true);
    shared_before = shared_bench->spool().stats();
  }
  std::uint64_t next = static_cast<std::uint64_t>(state.thread_index()) << 40;
  std::int64_t failed = 0;
  for (auto _ : state) {
    auto r = add_recipients_sync(shared_bench->spool(), "bench", make_batch(next, 1));
    if (!r.ok())
      ++failed;
  }
  if (failed != 0)
    state.SkipWithError("a request failed");
  state.counters["requests"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  if (state.thread_index() == 0) {
    const SpoolStats after = shared_bench->spool().stats();
    state.counters["requests_per_commit"] =
        static_cast<double>(after.requests_committed - shared_before.requests_committed) /
        static_cast<double>(after.commits - shared_before.commits);
    shared_bench.reset();
  }
}
BENCHMARK(BM_GroupCommitProducers)->Threads(8)->UseRealTime()->MinTime(2.0);

} // namespace

BENCHMARK_MAIN();
