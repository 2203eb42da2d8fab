// Micro-benchmarks of per-recipient send-time work: VERP envelope encode/decode, and merge
// templates (compile + render of a ~20 KB multipart message with 3 fields in a QP HTML part and a
// plain part, render only, and a static ~20 KB message). Never part of ctest; inputs are synthetic.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "protocol/merge_template.hpp"
#include "protocol/merge_template_vars.hpp"
#include "protocol/verp_address.hpp"

namespace {

using namespace volley::protocol;

const VerpKey& bench_key() {
  static const VerpKey key = VerpKey::from_secret("bench-secret-0123456789abcdef").value();
  return key;
}

void BM_VerpEncode(benchmark::State& state) {
  std::uint64_t seq = 1000;
  for (auto _ : state) {
    std::string address = encode_verp(bench_key(), "b", "bounces.example.com", {42, seq++});
    benchmark::DoNotOptimize(address);
  }
}
BENCHMARK(BM_VerpEncode);

void BM_VerpDecode(benchmark::State& state) {
  std::vector<std::string> addresses;
  for (std::uint64_t i = 0; i < 1024; ++i)
    addresses.push_back(encode_verp(bench_key(), "b", "bounces.example.com", {42, 100000 + i}));
  std::size_t next = 0;
  for (auto _ : state) {
    auto decoded = decode_verp(bench_key(), "b", "bounces.example.com", addresses[next++ % 1024]);
    benchmark::DoNotOptimize(decoded);
  }
}
BENCHMARK(BM_VerpDecode);

// Roughly 20 KB: a text/plain part and a quoted-printable HTML part, 3 distinct fields.
std::string multipart_message(bool with_fields) {
  std::string plain, html;
  for (int i = 0; plain.size() < 7000; ++i)
    plain += "Paragraph " + std::to_string(i) + " of the newsletter text, plain and simple.\r\n";
  for (int i = 0; html.size() < 12000; ++i)
    html += "<tr><td style=3D\"padding:4px\">Row " + std::to_string(i) + " caf=C3=A9</td></tr>\r\n";
  const std::string f1 = with_fields ? "{{first_name}}" : "Jane";
  const std::string f2 = with_fields ? "{{city}}" : "Oslo";
  const std::string f3 = with_fields ? "{{unsubscribe_url}}" : "https://example.com/u";
  return "From: News <news@example.com>\r\nTo: " + f1 +
         " <jane@example.com>\r\nSubject: News for " + f1 +
         "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
         "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello " +
         f1 + " from " + f2 + "\r\n" + plain + "Unsubscribe: " + f3 +
         "\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>Hello " +
         f1 + " in " + f2 + "</p>\r\n<table>\r\n" + html + "</table><a href=3D\"" + f3 +
         "\">unsubscribe</a>\r\n--b1--\r\n";
}

MergeVars bench_vars() {
  MergeVars vars;
  vars.set("first_name", "J\xC3\xB6rg");
  vars.set("city", "M\xC3\xBCnchen");
  vars.set("unsubscribe_url", "https://example.com/u?r=8f3a9c1d2e&c=42");
  return vars;
}

void BM_MergeCompileAndRender(benchmark::State& state) {
  const std::string message = multipart_message(true);
  const MergeVars vars = bench_vars();
  std::string out;
  for (auto _ : state) {
    auto tmpl = compile_merge_template(message);
    out.clear();
    benchmark::DoNotOptimize(tmpl->render(vars, out));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}
BENCHMARK(BM_MergeCompileAndRender);

void BM_MergeRender(benchmark::State& state) {
  const std::string message = multipart_message(true);
  const auto tmpl = compile_merge_template(message);
  const MergeVars vars = bench_vars();
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(tmpl->render(vars, out));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}
BENCHMARK(BM_MergeRender);

void BM_MergeRenderStatic(benchmark::State& state) {
  const std::string message = multipart_message(false);
  const auto tmpl = compile_merge_template(message);
  const MergeVars vars;
  std::string out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(tmpl->render(vars, out));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * message.size()));
}
BENCHMARK(BM_MergeRenderStatic);

} // namespace

BENCHMARK_MAIN();
