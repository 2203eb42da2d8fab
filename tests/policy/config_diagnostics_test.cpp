// Tests for configuration error reporting: edit distance, "did you mean" choices and the ordering
// and format of collected errors. Pure; no files.
#include "policy/config_diagnostics.hpp"

#include <gtest/gtest.h>

namespace volley::policy {
namespace {

TEST(ConfigDiagnostics, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("max_size", "max_size"), 0u);
  EXPECT_EQ(edit_distance("max_sise", "max_size"), 1u);
  EXPECT_EQ(edit_distance("maxsize", "max_size"), 1u);
  EXPECT_EQ(edit_distance("max_szie", "max_size"), 1u); // adjacent swap
  EXPECT_EQ(edit_distance("MAX_SIZE", "max_size"), 0u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ConfigDiagnostics, ClosestNameOnlySuggestsPlausibleTypos) {
  std::vector<std::string_view> keys{"path", "initial_size", "max_size", "max_batch"};
  EXPECT_EQ(closest_name("max_sise", keys), "max_size");
  EXPECT_EQ(closest_name("pth", keys), "path");
  EXPECT_EQ(closest_name("max_btach", keys), "max_batch");
  EXPECT_EQ(closest_name("initial", keys), "initial_size");
  EXPECT_EQ(closest_name("colour", keys), "");
  EXPECT_EQ(closest_name("x", keys), "");
  EXPECT_EQ(closest_name("size", keys), "");
}

TEST(ConfigDiagnostics, ErrorsAreSortedByPositionAndJoinedByNewlines) {
  ConfigDiagnostics diagnostics("f.toml");
  EXPECT_TRUE(diagnostics.empty());
  diagnostics.add({7, 3}, "late", "fix it");
  diagnostics.add({2, 9}, "early", "");
  diagnostics.add({2, 1}, "earliest", "hint");
  EXPECT_FALSE(diagnostics.empty());
  Error error = diagnostics.to_error();
  EXPECT_EQ(error.code, error_code::invalid_request);
  EXPECT_EQ(error.message,
            "f.toml:2:1: earliest — hint\nf.toml:2:9: early\nf.toml:7:3: late — fix it");
}

} // namespace
} // namespace volley::policy
