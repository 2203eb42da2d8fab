// utf8 helpers: strict decoding (overlong, surrogate, out-of-range, truncated sequences) and
// truncation on character boundaries.
#include <gtest/gtest.h>

#include <string>

#include "protocol/utf8.hpp"

namespace volley::protocol {
namespace {

struct Utf8Case {
  std::string text;
  std::size_t first_invalid; // npos = valid
};

class Utf8ValidityTest : public testing::TestWithParam<Utf8Case> {};

TEST_P(Utf8ValidityTest, FindsFirstInvalidByte) {
  EXPECT_EQ(utf8::find_invalid(GetParam().text), GetParam().first_invalid);
}

constexpr std::size_t kValid = std::string::npos;

INSTANTIATE_TEST_SUITE_P(Sequences, Utf8ValidityTest,
                         testing::Values(Utf8Case{"plain ascii", kValid},
                                         Utf8Case{"J\xC3\xB6rg", kValid},
                                         Utf8Case{"\xE4\xBE\x8B", kValid},
                                         Utf8Case{"\xF0\x9F\x98\x80", kValid},
                                         Utf8Case{"\xF4\x8F\xBF\xBF", kValid}, // U+10FFFF
                                         Utf8Case{"\xEF\xBF\xBF", kValid},     // U+FFFF
                                         Utf8Case{"a\x80", 1},                 // lone continuation
                                         Utf8Case{"a\xC3", 1},                 // truncated at end
                                         Utf8Case{"\xC3\x28", 0},              // bad continuation
                                         Utf8Case{"\xC1\xBF", 0},              // overlong 2-byte
                                         Utf8Case{"\xE0\x9F\xBF", 0},          // overlong 3-byte
                                         Utf8Case{"\xF0\x8F\xBF\xBF", 0},      // overlong 4-byte
                                         Utf8Case{"ok\xED\xBF\xBF", 2},        // surrogate U+DFFF
                                         Utf8Case{"\xF4\x90\x80\x80", 0},      // above U+10FFFF
                                         Utf8Case{"\xF8\x88\x80\x80\x80", 0},  // 5-byte form
                                         Utf8Case{"\xFF", 0}));

TEST(Utf8Truncate, NeverSplitsACharacter) {
  const std::string text = "a\xC3\xA9\xE4\xBE\x8B"; // a, U+00E9 (2), U+4F8B (3)
  EXPECT_EQ(utf8::truncate(text, 10), text);
  EXPECT_EQ(utf8::truncate(text, 6), text);
  EXPECT_EQ(utf8::truncate(text, 5), "a\xC3\xA9");
  EXPECT_EQ(utf8::truncate(text, 4), "a\xC3\xA9");
  EXPECT_EQ(utf8::truncate(text, 3), "a\xC3\xA9");
  EXPECT_EQ(utf8::truncate(text, 2), "a");
  EXPECT_EQ(utf8::truncate(text, 1), "a");
  EXPECT_EQ(utf8::truncate(text, 0), "");
}

} // namespace
} // namespace volley::protocol
