// dns_answer_ttl (see dns_answer_ttl.hpp): walks the header, the question section and the answer
// section of an RFC 1035 message. Must never follow compression pointers (only skips names) or
// trust a count or length without a bounds check.
#include "engine/dns_answer_ttl.hpp"

#include <algorithm>

namespace volley::engine {
namespace {

constexpr std::size_t kHeaderSize = 12;

std::uint16_t read16(const unsigned char* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}

std::uint32_t read32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Advances `at` past an encoded name; false if it runs past the end.
bool skip_name(const unsigned char* message, std::size_t length, std::size_t& at) {
  for (int labels = 0; labels < 128; ++labels) {
    if (at >= length)
      return false;
    unsigned char len = message[at];
    if ((len & 0xC0) == 0xC0) {
      at += 2;
      return at <= length;
    }
    if (len & 0xC0)
      return false; // reserved label types
    at += 1 + len;
    if (len == 0)
      return at <= length;
  }
  return false;
}

} // namespace

std::optional<std::uint32_t> dns_answer_ttl(const unsigned char* message, std::size_t length,
                                            std::uint16_t type) {
  if (!message || length < kHeaderSize)
    return std::nullopt;
  std::uint16_t questions = read16(message + 4);
  std::uint16_t answers = read16(message + 6);
  std::size_t at = kHeaderSize;
  for (std::uint16_t i = 0; i < questions; ++i) {
    if (!skip_name(message, length, at) || at + 4 > length)
      return std::nullopt;
    at += 4;
  }
  std::optional<std::uint32_t> smallest;
  for (std::uint16_t i = 0; i < answers; ++i) {
    if (!skip_name(message, length, at) || at + 10 > length)
      return std::nullopt;
    std::uint16_t rr_type = read16(message + at);
    std::uint32_t ttl = read32(message + at + 4);
    std::uint16_t rdlength = read16(message + at + 8);
    at += 10;
    if (at + rdlength > length)
      return std::nullopt;
    at += rdlength;
    if (rr_type != type)
      continue;
    if (ttl & 0x80000000u)
      ttl = 0;
    smallest = smallest ? std::min(*smallest, ttl) : ttl;
  }
  return smallest;
}

} // namespace volley::engine
