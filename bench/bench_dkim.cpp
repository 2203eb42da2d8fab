// Micro-benchmarks of DKIM signing: whole-message signing (body hash + header hash + key operation)
// at 2 KB, 20 KB and 200 KB bodies for rsa-sha256 (2048), ed25519-sha256 and dual signing; the
// per-recipient cost when the body is shared (sign_headers with a precomputed body hash); and the
// body hash alone. Compare with `openssl speed rsa2048 ed25519`. Never part of ctest.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "protocol/dkim_signer.hpp"

namespace {

using namespace volley::protocol;

std::shared_ptr<const DkimKey> make_key(DkimAlgorithm algorithm) {
  return std::make_shared<const DkimKey>(
      DkimKey::from_pem(generate_dkim_key(algorithm, 2048).value()).value());
}

const std::shared_ptr<const DkimKey>& rsa_key() {
  static const auto key = make_key(DkimAlgorithm::rsa_sha256);
  return key;
}
const std::shared_ptr<const DkimKey>& ed25519_key() {
  static const auto key = make_key(DkimAlgorithm::ed25519_sha256);
  return key;
}

DkimSignerConfig config(const std::shared_ptr<const DkimKey>& key, const char* selector) {
  DkimSignerConfig c;
  c.domain = "example.com";
  c.selector = selector;
  c.key = key;
  return c;
}

const std::string kHeaders = "From: Example News <news@example.com>\r\n"
                             "To: recipient-000123@example.org\r\n"
                             "Subject: Your weekly digest for November\r\n"
                             "Date: Sun, 29 Nov 2026 16:00:00 +0000\r\n"
                             "Message-ID: <c42.r123@example.com>\r\n"
                             "MIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=utf-8\r\n"
                             "Content-Transfer-Encoding: quoted-printable\r\n"
                             "List-Unsubscribe: <https://example.com/u/42/123>, "
                             "<mailto:u-42-123@example.com>\r\n"
                             "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                             "Feedback-ID: 42:campaign:volley\r\n\r\n";

std::string body_of(std::size_t size) {
  std::string body;
  while (body.size() < size)
    body += "Lorem ipsum dolor sit amet,  consectetur adipiscing elit, sed do eiusmod\t \r\n";
  body.resize(size);
  return body;
}

std::vector<DkimSignerConfig> configs_for(int which) {
  if (which == 0)
    return {config(rsa_key(), "rsa")};
  if (which == 1)
    return {config(ed25519_key(), "ed")};
  return {config(rsa_key(), "rsa"), config(ed25519_key(), "ed")};
}

// Arguments: body bytes, signer (0 = rsa-2048, 1 = ed25519, 2 = dual).
void BM_DkimSignMessage(benchmark::State& state) {
  const std::string message = kHeaders + body_of(static_cast<std::size_t>(state.range(0)));
  const std::vector<DkimSignerConfig> configs = configs_for(static_cast<int>(state.range(1)));
  for (auto _ : state) {
    auto signed_message = sign_message(configs, message, 1700000000);
    benchmark::DoNotOptimize(signed_message);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(message.size()));
}
BENCHMARK(BM_DkimSignMessage)
    ->ArgsProduct({{2 << 10, 20 << 10, 200 << 10}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond);

// Per-recipient cost with a shared body: header canonicalisation + header hash + signature.
void BM_DkimSignHeadersSharedBody(benchmark::State& state) {
  const std::vector<DkimSignerConfig> configs = configs_for(static_cast<int>(state.range(0)));
  const DkimBodyHash body_hash =
      compute_body_hash(body_of(20 << 10), DkimCanonicalization::relaxed);
  for (auto _ : state)
    for (const DkimSignerConfig& c : configs) {
      auto field = sign_headers(c, kHeaders, body_hash, 1700000000);
      benchmark::DoNotOptimize(field);
    }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DkimSignHeadersSharedBody)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// Body canonicalisation + SHA-256 alone (arguments: bytes, 0 = simple, 1 = relaxed).
void BM_DkimBodyHash(benchmark::State& state) {
  const std::string body = body_of(static_cast<std::size_t>(state.range(0)));
  const auto canonicalization =
      state.range(1) == 0 ? DkimCanonicalization::simple : DkimCanonicalization::relaxed;
  for (auto _ : state) {
    auto hash = compute_body_hash(body, canonicalization);
    benchmark::DoNotOptimize(hash);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_DkimBodyHash)
    ->ArgsProduct({{2 << 10, 200 << 10}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();
