// libFuzzer target for DKIM canonicalisation: no crash, no UB on arbitrary bytes; the body hash is
// the same however the input is split into chunks; relaxed header output never contains a bare CR
// or LF before its final CRLF. Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/dkim_canonical.hpp"

namespace {

using volley::protocol::DkimBodyHasher;
using volley::protocol::DkimCanonicalization;

void require(bool condition) {
  if (!condition)
    std::abort();
}

void check_body(std::string_view input, DkimCanonicalization canonicalization) {
  const std::string whole = volley::protocol::compute_body_hash(input, canonicalization).base64;
  DkimBodyHasher hasher(canonicalization);
  std::size_t step = input.empty() ? 1 : static_cast<unsigned char>(input[0]) % 7 + 1;
  for (std::size_t pos = 0; pos < input.size(); pos += step)
    hasher.feed(input.substr(pos, step));
  require(hasher.finish().base64 == whole);
}

void check_header(std::string_view input) {
  std::string out;
  volley::protocol::append_canonical_header(DkimCanonicalization::relaxed, input, out);
  require(out.size() >= 2 && out.ends_with("\r\n"));
  require(out.find_first_of("\r\n") == out.size() - 2);
  std::string simple;
  volley::protocol::append_canonical_header(DkimCanonicalization::simple, input, simple);
  require(simple.size() == input.size() + 2);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_body(input, DkimCanonicalization::simple);
  check_body(input, DkimCanonicalization::relaxed);
  check_header(input);
  return 0;
}
