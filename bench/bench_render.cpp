// Benchmarks one recipient's rendering on a render thread (engine::personalise_message): merge
// fields, a per-recipient Message-ID, DKIM signing and wire form, for a 4 KB message like
// bench/e2e's. Arg 0: no DKIM (the render work alone), 1: ed25519-sha256, 2: rsa-sha256 (2048
// bits). The difference to bench_dkim's signature alone is what rendering adds per message.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "engine/personalised_message.hpp"
#include "engine/prepared_message.hpp"
#include "engine/sender_identity.hpp"
#include "protocol/dkim_key.hpp"
#include "protocol/merge_template.hpp"

namespace {

using namespace volley;

std::string bench_template() {
  std::string message = "From: Bench <bench@bench.test>\r\n"
                        "Subject: Volley benchmark for {{name}}\r\n"
                        "MIME-Version: 1.0\r\n"
                        "Content-Type: text/plain; charset=utf-8\r\n"
                        "\r\n"
                        "Hello {{name}},\r\n";
  while (message.size() < 4096)
    message += "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
  return message;
}

std::shared_ptr<const engine::DkimMessageSigner> signer(protocol::DkimAlgorithm algorithm) {
  auto pem = protocol::generate_dkim_key(algorithm);
  auto key = protocol::DkimKey::from_pem(*pem);
  policy::DkimDomainConfig domain;
  domain.pattern = "bench.test";
  domain.signatures.push_back(
      {"s1", "k.pem", std::make_shared<const protocol::DkimKey>(std::move(*key))});
  return std::make_shared<const engine::DkimMessageSigner>(
      std::vector<policy::DkimDomainConfig>{domain});
}

void BM_PersonaliseMessage(benchmark::State& state) {
  engine::PreparedMessage campaign;
  campaign.campaign_seq = 7;
  campaign.campaign_id = "c7";
  campaign.mail_from = "bench@bench.test";
  auto compiled = protocol::compile_merge_template(bench_template());
  campaign.merge_template = std::make_shared<const protocol::MergeTemplate>(std::move(*compiled));
  if (state.range(0) == 1)
    campaign.dkim = signer(protocol::DkimAlgorithm::ed25519_sha256);
  if (state.range(0) == 2)
    campaign.dkim = signer(protocol::DkimAlgorithm::rsa_sha256);
  std::uint64_t seq = 0;
  for (auto _ : state) {
    auto message = engine::personalise_message(campaign, ++seq, R"({"name":"Recipient 12345"})");
    benchmark::DoNotOptimize(message);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PersonaliseMessage)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
