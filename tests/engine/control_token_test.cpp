// Unit tests of the control token file: generation with mode 0600, reuse, refusal of loose
// permissions, constant-time bearer comparison. Uses a private temp dir.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/control_token.hpp"
#include "engine/http_error.hpp"

using namespace volley::engine;

namespace {

std::filesystem::path temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "volley-token-XXXXXX").string();
  return ::mkdtemp(pattern.data());
}

TEST(ControlToken, GeneratedOnceWithPrivateModeThenReused) {
  auto dir = temp_dir();
  auto path = (dir / "sub" / "control.token").string();
  auto first = load_or_create_control_token(path);
  EXPECT_TRUE(first.generated);
  EXPECT_EQ(first.value.size(), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = load_or_create_control_token(path);
  EXPECT_FALSE(second.generated);
  EXPECT_EQ(second.value, first.value);
  std::filesystem::remove_all(dir);
}

TEST(ControlToken, LoosePermissionsAreRefused) {
  auto dir = temp_dir();
  auto path = (dir / "control.token").string();
  std::ofstream(path) << "secret\n";
  ::chmod(path.c_str(), 0644);
  EXPECT_THROW(load_or_create_control_token(path), std::runtime_error);
  ::chmod(path.c_str(), 0600);
  EXPECT_EQ(load_or_create_control_token(path).value, "secret");
  std::filesystem::remove_all(dir);
}

TEST(ControlToken, BearerComparison) {
  EXPECT_TRUE(bearer_matches("Bearer abc123", "abc123"));
  EXPECT_TRUE(bearer_matches("bearer abc123", "abc123"));
  EXPECT_FALSE(bearer_matches("Bearer abc124", "abc123"));
  EXPECT_FALSE(bearer_matches("Bearer abc1234", "abc123"));
  EXPECT_FALSE(bearer_matches("Basic abc123", "abc123"));
  EXPECT_FALSE(bearer_matches("", "abc123"));
  EXPECT_FALSE(bearer_matches("Bearer ", ""));
}

TEST(HttpError, StatusTable) {
  EXPECT_EQ(http_status_for({"bad_json", ""}), 400u);
  EXPECT_EQ(http_status_for({"too_large", ""}), 413u);
  EXPECT_EQ(http_status_for({"spool_full", ""}), 507u);
  EXPECT_EQ(http_status_for({"disk_full", ""}), 507u);
  EXPECT_EQ(http_status_for({"unavailable", ""}), 503u);
  EXPECT_EQ(http_status_for({"something-new", ""}), 500u);
  EXPECT_EQ(error_body({"not_found", "x \"y\""}), R"({"error":"not_found","message":"x \"y\""})");
}

} // namespace
