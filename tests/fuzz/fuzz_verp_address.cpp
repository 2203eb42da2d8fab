// libFuzzer target for decode_verp / encode_verp: no crash, no UB; a decoded address re-encodes to
// the same address modulo case; any 12+ byte input, read as fields, round-trips. Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "protocol/verp_address.hpp"

namespace {

using volley::protocol::VerpFields;
using volley::protocol::VerpKey;

constexpr std::string_view kPrefix = "b";
constexpr std::string_view kDomain = "bounces.example.com";

void require(bool condition) {
  if (!condition)
    std::abort();
}

const VerpKey& fuzz_key() {
  static const VerpKey key = VerpKey::from_secret("fuzzing-secret-0123456789").value();
  return key;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void check_decode(std::string_view input) {
  const volley::Result<VerpFields> decoded =
      volley::protocol::decode_verp(fuzz_key(), kPrefix, kDomain, input);
  if (!decoded.ok()) {
    const std::string& code = decoded.error().code;
    require(code == volley::protocol::verp_error::not_verp ||
            code == volley::protocol::verp_error::malformed ||
            code == volley::protocol::verp_error::bad_signature);
    return;
  }
  std::string_view address = input;
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
    address = address.substr(1, address.size() - 2);
  const std::string again =
      volley::protocol::encode_verp(fuzz_key(), kPrefix, kDomain, decoded.value());
  const std::string_view local = address.substr(0, address.rfind('@'));
  require(lower(again.substr(0, again.find('@'))) == lower(local));
}

void check_round_trip(const std::uint8_t* data, std::size_t size) {
  if (size < 12)
    return;
  VerpFields fields;
  std::memcpy(&fields.campaign_seq, data, 4);
  std::memcpy(&fields.recipient_seq, data + 4, 8);
  const std::string address = volley::protocol::encode_verp(fuzz_key(), kPrefix, kDomain, fields);
  require(address.size() - kDomain.size() - 1 <= 64);
  const volley::Result<VerpFields> decoded =
      volley::protocol::decode_verp(fuzz_key(), kPrefix, kDomain, address);
  require(decoded.ok() && decoded.value() == fields);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_decode(std::string_view(reinterpret_cast<const char*>(data), size));
  check_round_trip(data, size);
  return 0;
}
