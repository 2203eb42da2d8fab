// NdjsonLineSplitter: the same lines whatever the chunking (every split point, byte by byte,
// random), CRLF, blank lines, too-long lines at the limit +-1, final line without newline, and
// zero-copy delivery of lines inside one chunk.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/ndjson_line_splitter.hpp"

namespace volley::protocol {
namespace {

struct Line {
  std::uint64_t index;
  std::string text;
  bool too_long;
  bool operator==(const Line&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Line& line) {
  return os << "{" << line.index << ", " << testing::PrintToString(line.text) << ", "
            << line.too_long << "}";
}

// Feeds stream cut at the given offsets (ascending), then finishes.
std::vector<Line> split(std::string_view stream, std::size_t max_line,
                        const std::vector<std::size_t>& cuts) {
  NdjsonLineSplitter splitter(max_line);
  std::vector<Line> lines;
  auto collect = [&lines](std::uint64_t index, std::string_view text, bool too_long) {
    lines.push_back({index, std::string(text), too_long});
  };
  std::size_t start = 0;
  for (std::size_t cut : cuts) {
    splitter.feed(stream.substr(start, cut - start), collect);
    start = cut;
  }
  splitter.feed(stream.substr(start), collect);
  splitter.finish(collect);
  return lines;
}

struct SplitCase {
  std::string name;
  std::string stream;
  std::size_t max_line;
  std::vector<Line> lines;
  std::uint64_t lines_seen;
};

void PrintTo(const SplitCase& c, std::ostream* os) {
  *os << c.name;
}

class SplitterTest : public testing::TestWithParam<SplitCase> {};

TEST_P(SplitterTest, WholeStreamInOneChunk) {
  EXPECT_EQ(split(GetParam().stream, GetParam().max_line, {}), GetParam().lines);
}

TEST_P(SplitterTest, TwoChunksCutAtEveryPosition) {
  const SplitCase& c = GetParam();
  for (std::size_t cut = 0; cut <= c.stream.size(); ++cut) {
    EXPECT_EQ(split(c.stream, c.max_line, {cut}), c.lines) << "cut at " << cut;
  }
}

TEST_P(SplitterTest, ThreeChunksCutAtEveryPairOfPositions) {
  const SplitCase& c = GetParam();
  for (std::size_t first = 0; first <= c.stream.size(); ++first) {
    for (std::size_t second = first; second <= c.stream.size(); ++second) {
      ASSERT_EQ(split(c.stream, c.max_line, {first, second}), c.lines)
          << "cuts at " << first << ", " << second;
    }
  }
}

TEST_P(SplitterTest, OneByteChunksAndLineCount) {
  const SplitCase& c = GetParam();
  std::vector<std::size_t> cuts;
  for (std::size_t pos = 1; pos < c.stream.size(); ++pos)
    cuts.push_back(pos);
  EXPECT_EQ(split(c.stream, c.max_line, cuts), c.lines);
  NdjsonLineSplitter splitter(c.max_line);
  auto ignore = [](std::uint64_t, std::string_view, bool) {};
  splitter.feed(c.stream, ignore);
  splitter.finish(ignore);
  EXPECT_EQ(splitter.lines_seen(), c.lines_seen);
}

INSTANTIATE_TEST_SUITE_P(
    Streams, SplitterTest,
    testing::Values(
        SplitCase{"LfLines",
                  "{\"a\":1}\n{\"b\":2}\n",
                  64,
                  {{0, "{\"a\":1}", false}, {1, "{\"b\":2}", false}},
                  2},
        SplitCase{"CrLfLines", "ab\r\ncd\r\n", 64, {{0, "ab", false}, {1, "cd", false}}, 2},
        SplitCase{"BlankLinesCountButAreSkipped",
                  "a\n\n \t \n\r\nb\n",
                  64,
                  {{0, "a", false}, {4, "b", false}},
                  5},
        SplitCase{"FinalLineWithoutNewline", "a\nbc", 64, {{0, "a", false}, {1, "bc", false}}, 2},
        SplitCase{"FinalLineWithoutNewlineEndingInCr",
                  "a\nbc\r",
                  64,
                  {{0, "a", false}, {1, "bc", false}},
                  2},
        SplitCase{"InteriorCrIsKept", "a\rb\n", 64, {{0, "a\rb", false}}, 1},
        SplitCase{"EmptyStream", "", 64, {}, 0}, SplitCase{"OnlyNewlines", "\n\n\n", 64, {}, 3},
        SplitCase{"LineExactlyAtLimit", "abcd\nxy\n", 4, {{0, "abcd", false}, {1, "xy", false}}, 2},
        SplitCase{"LineOneOverLimit", "abcde\nxy\n", 4, {{0, "abcd", true}, {1, "xy", false}}, 2},
        SplitCase{
            "LineFarOverLimit", "abcdefghij\nxy", 4, {{0, "abcd", true}, {1, "xy", false}}, 2},
        SplitCase{"CrLfLineAtLimitIsNotTooLong",
                  "abcd\r\nxy\r\n",
                  4,
                  {{0, "abcd", false}, {1, "xy", false}},
                  2},
        SplitCase{
            "CrLfLineOneOverLimit", "abcde\r\nxy\r\n", 4, {{0, "abcd", true}, {1, "xy", false}}, 2},
        SplitCase{"FinalLineOverLimit", "ab\nabcdef", 4, {{0, "ab", false}, {1, "abcd", true}}, 2},
        SplitCase{"TooLongBlankLineIsReported",
                  "      \nx\n",
                  4,
                  {{0, "    ", true}, {1, "x", false}},
                  2}));

TEST(Splitter, LineInsideOneChunkIsNotCopied) {
  const std::string chunk = "{\"to\":\"a@example.com\"}\n{\"to\":\"b@example.com\"}\n";
  NdjsonLineSplitter splitter(1024);
  int seen = 0;
  splitter.feed(chunk, [&](std::uint64_t, std::string_view line, bool) {
    EXPECT_GE(line.data(), chunk.data());
    EXPECT_LE(line.data() + line.size(), chunk.data() + chunk.size());
    ++seen;
  });
  EXPECT_EQ(seen, 2);
}

TEST(Splitter, FinishTwiceReportsNothingNew) {
  NdjsonLineSplitter splitter(16);
  std::vector<std::string> lines;
  auto collect = [&](std::uint64_t, std::string_view line, bool) { lines.emplace_back(line); };
  splitter.feed("a\nb", collect);
  splitter.finish(collect);
  splitter.finish(collect);
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(splitter.lines_seen(), 2u);
}

TEST(Splitter, RandomStreamsMatchAReferenceSplit) {
  std::mt19937 random(20261123);
  for (int round = 0; round < 200; ++round) {
    std::string stream;
    std::vector<Line> expected;
    const std::size_t max_line = 1 + random() % 40;
    const int line_count = random() % 30;
    for (int i = 0; i < line_count; ++i) {
      std::string text(random() % 60, 'x');
      for (char& c : text)
        c = "ab {}\":,"[random() % 8];
      if (text.find_first_not_of(' ') == std::string::npos)
        text = "z";
      const bool crlf = random() % 2 == 0;
      stream += text + (crlf ? "\r\n" : "\n");
      const bool too_long = text.size() > max_line;
      expected.push_back({std::uint64_t(i), too_long ? text.substr(0, max_line) : text, too_long});
    }
    std::vector<std::size_t> cuts;
    for (std::size_t pos = random() % 50; pos < stream.size(); pos += 1 + random() % 50) {
      cuts.push_back(pos);
    }
    ASSERT_EQ(split(stream, max_line, cuts), expected) << "round " << round;
  }
}

} // namespace
} // namespace volley::protocol
