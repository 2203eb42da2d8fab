// Micro-benchmarks of the control API hot paths: decode_recipient_line (runs for every uploaded
// recipient), parse_mailbox, NdjsonLineSplitter over a 10 MB upload, decode_campaign_create.
// Never part of ctest; inputs are synthetic but shaped like real CRM uploads.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "protocol/address.hpp"
#include "protocol/api_requests.hpp"
#include "protocol/ndjson_line_splitter.hpp"

namespace {

using namespace volley::protocol;
using volley::Result;

constexpr int kDistinctInputs = 1024;

std::string address_for(int i) {
  static const char* const domains[] = {"example.com", "mail.example.org", "gmx.de",
                                        "b\xC3\xBC"
                                        "cher.example",
                                        "sub.example.co.uk"};
  return "first.last" + std::to_string(i) + "+news@" + domains[i % 5];
}

std::vector<std::string> recipient_lines(bool with_vars) {
  std::vector<std::string> lines;
  for (int i = 0; i < kDistinctInputs; ++i) {
    std::string line =
        R"({"to":")" + address_for(i) + R"(","id":")" + std::to_string(900000 + i) + "\"";
    if (with_vars) {
      line += R"(,"vars":{"first_name":"Jane","last_name":"Doe)" + std::to_string(i) +
              R"(","city":"M\u00fcnchen","plan":"premium","score":)" + std::to_string(i % 100) +
              "}";
    }
    lines.push_back(line + "}");
  }
  return lines;
}

void run_recipient_lines(benchmark::State& state, bool with_vars) {
  const std::vector<std::string> lines = recipient_lines(with_vars);
  const DecodeLimits limits;
  std::size_t next = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string& line = lines[next++ % lines.size()];
    Result<RecipientInput> decoded = decode_recipient_line(line, limits);
    if (!decoded.ok())
      state.SkipWithError(decoded.error().message.c_str());
    benchmark::DoNotOptimize(decoded);
    bytes += line.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void BM_DecodeRecipientLine(benchmark::State& state) {
  run_recipient_lines(state, false);
}
void BM_DecodeRecipientLineWithVars(benchmark::State& state) {
  run_recipient_lines(state, true);
}

void BM_ParseMailbox(benchmark::State& state) {
  std::vector<std::string> addresses;
  for (int i = 0; i < kDistinctInputs; ++i)
    addresses.push_back(address_for(i));
  std::size_t next = 0;
  for (auto _ : state) {
    Result<Mailbox> parsed = parse_mailbox(addresses[next++ % addresses.size()]);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_NdjsonLineSplitter(benchmark::State& state) {
  const std::vector<std::string> lines = recipient_lines(true);
  std::string upload;
  for (std::size_t i = 0; upload.size() < 10 * 1024 * 1024; ++i) {
    upload += lines[i % lines.size()];
    upload += i % 3 == 0 ? "\r\n" : "\n";
  }
  constexpr std::size_t kChunk = 64 * 1024;
  for (auto _ : state) {
    NdjsonLineSplitter splitter(64 * 1024);
    std::size_t seen = 0;
    auto count = [&seen](std::uint64_t, std::string_view line, bool) { seen += line.size(); };
    for (std::size_t pos = 0; pos < upload.size(); pos += kChunk) {
      splitter.feed(std::string_view(upload).substr(pos, kChunk), count);
    }
    splitter.finish(count);
    benchmark::DoNotOptimize(seen);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * upload.size()));
}

void BM_DecodeCampaignCreate1000Recipients(benchmark::State& state) {
  const std::vector<std::string> lines = recipient_lines(true);
  std::string body = R"({"from":"news@example.com","message":"Subject: hi\r\n\r\n)" +
                     std::string(20000, 'x') + R"(","recipients":[)";
  for (int i = 0; i < 1000; ++i)
    body += (i ? "," : "") + lines[i];
  body += "]}";
  for (auto _ : state) {
    Result<CampaignCreateRequest> decoded = decode_campaign_create(body, DecodeLimits{});
    if (!decoded.ok())
      state.SkipWithError(decoded.error().message.c_str());
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(state.iterations() * 1000);
}

} // namespace

BENCHMARK(BM_DecodeRecipientLine);
BENCHMARK(BM_DecodeRecipientLineWithVars);
BENCHMARK(BM_ParseMailbox);
BENCHMARK(BM_NdjsonLineSplitter)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DecodeCampaignCreate1000Recipients)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
