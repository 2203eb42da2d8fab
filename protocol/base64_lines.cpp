// base64::decode / encode / encode_lines (see base64_lines.hpp).
// Must never: read past the input or emit a line over 76 characters.
#include "protocol/base64_lines.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace volley::protocol::base64 {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kLineChars = 76;
constexpr std::int8_t kSkip = -2;
constexpr std::int8_t kInvalid = -1;

constexpr std::array<std::int8_t, 256> make_decode_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& entry : table)
    entry = kInvalid;
  for (int i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  for (const char c : {' ', '\t', '\r', '\n'})
    table[static_cast<unsigned char>(c)] = kSkip;
  return table;
}
constexpr std::array<std::int8_t, 256> kDecodeTable = make_decode_table();

// Encodes 1..3 bytes as one padded group of four characters.
void encode_group(const unsigned char* bytes, std::size_t count, char* group) {
  const std::uint32_t value = (std::uint32_t{bytes[0]} << 16) |
                              (count > 1 ? std::uint32_t{bytes[1]} << 8 : 0) |
                              (count > 2 ? std::uint32_t{bytes[2]} : 0);
  group[0] = kAlphabet[(value >> 18) & 0x3F];
  group[1] = kAlphabet[(value >> 12) & 0x3F];
  group[2] = count > 1 ? kAlphabet[(value >> 6) & 0x3F] : '=';
  group[3] = count > 2 ? kAlphabet[value & 0x3F] : '=';
}

} // namespace

bool decode(std::string_view encoded, std::string& out) {
  std::uint32_t buffer = 0;
  int count = 0; // characters in the current group
  bool padded = false;
  for (const char c : encoded) {
    const std::int8_t value = kDecodeTable[static_cast<unsigned char>(c)];
    if (value == kSkip)
      continue;
    if (c == '=') {
      if (count < 2)
        return false;
      padded = true;
      continue;
    }
    if (value == kInvalid || padded)
      return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    if (++count == 4) {
      out += static_cast<char>(buffer >> 16);
      out += static_cast<char>(buffer >> 8);
      out += static_cast<char>(buffer);
      buffer = 0;
      count = 0;
    }
  }
  if (count == 1)
    return false;
  if (count == 2)
    out += static_cast<char>(buffer >> 4);
  if (count == 3) {
    out += static_cast<char>(buffer >> 10);
    out += static_cast<char>(buffer >> 2);
  }
  return true;
}

void encode(std::string_view bytes, std::string& out) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  char group[4];
  for (std::size_t pos = 0; pos < bytes.size(); pos += 3) {
    encode_group(data + pos, std::min<std::size_t>(3, bytes.size() - pos), group);
    out.append(group, 4);
  }
}

void encode_lines(std::string_view bytes, std::string_view eol, std::string& out) {
  constexpr std::size_t kLineBytes = kLineChars / 4 * 3;
  for (std::size_t pos = 0; pos < bytes.size(); pos += kLineBytes) {
    if (pos > 0)
      out.append(eol);
    encode(bytes.substr(pos, kLineBytes), out);
  }
}

} // namespace volley::protocol::base64
