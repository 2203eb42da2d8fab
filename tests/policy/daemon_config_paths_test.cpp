// Tests for path resolution in the daemon configuration and for loading it from a file: relative
// paths follow base_dir / the file's directory. Writes only inside a fresh temporary directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "policy/daemon_config.hpp"

namespace volley::policy {
namespace {

namespace fs = std::filesystem;

const char* const paths_config = R"([spool]
path = "spool"
[control]
socket = "../run/volley.sock"
token_file = "/etc/volley/control.token"
[log]
file = "./log/volleyd.log"
[policy]
file = "policy.toml"
)";

class ConfigFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "volley-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    fs::path path = fs::path(dir_) / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string dir_;
};

TEST(DaemonConfigPaths, ResolvedAgainstBaseDir) {
  auto config = parse_daemon_config(paths_config, "t.toml", "/srv/volley/conf");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->spool.path, "/srv/volley/conf/spool");
  EXPECT_EQ(config->control.socket, "/srv/volley/run/volley.sock");
  EXPECT_EQ(config->control.token_file, "/etc/volley/control.token");
  EXPECT_EQ(config->log.file, "/srv/volley/conf/log/volleyd.log");
  EXPECT_EQ(config->policy_file, "/srv/volley/conf/policy.toml");
}

TEST(DaemonConfigPaths, KeptRelativeWithoutBaseDir) {
  auto config = parse_daemon_config(paths_config, "t.toml", "");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->spool.path, "spool");
  EXPECT_EQ(config->control.socket, "../run/volley.sock");
  EXPECT_EQ(config->log.file, "./log/volleyd.log");
  EXPECT_EQ(config->policy_file, "policy.toml");
}

TEST(DaemonConfigPaths, EmptyPathsStayEmpty) {
  auto config =
      parse_daemon_config("[control]\nsocket = \"\"\n[log]\nfile = \"\"\n", "t.toml", "/x");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->control.socket, "");
  EXPECT_EQ(config->log.file, "");
}

TEST(DaemonConfigPaths, SocketLengthIsCheckedAfterResolution) {
  std::string base = "/" + std::string(100, 'd');
  auto config = parse_daemon_config("[control]\nsocket = \"volley.sock\"\n", "t.toml", base);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message.rfind("t.toml:2:10: `control.socket` path is 113 bytes", 0), 0u)
      << config.error().message;
}

TEST_F(ConfigFileTest, LoadResolvesAgainstTheFilesDirectory) {
  std::string path = write("volleyd.toml", paths_config);
  auto config = load_daemon_config_file(path);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->source, path);
  EXPECT_EQ(config->spool.path, (fs::path(dir_) / "spool").string());
  EXPECT_EQ(config->control.socket, (fs::path(dir_).parent_path() / "run/volley.sock").string());
  EXPECT_EQ(config->log.file, (fs::path(dir_) / "log/volleyd.log").string());
}

TEST_F(ConfigFileTest, LoadWithARelativePathStillResolvesAbsolutely) {
  write("volleyd.toml", paths_config);
  fs::path previous = fs::current_path();
  fs::current_path(dir_);
  auto config = load_daemon_config_file("volleyd.toml");
  fs::current_path(previous);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->source, "volleyd.toml");
  EXPECT_EQ(config->spool.path, (fs::path(dir_) / "spool").string());
}

TEST_F(ConfigFileTest, ErrorsNameTheFileAsGiven) {
  std::string path = write("bad.toml", "[spool]\nmax_batch = 0\n");
  auto config = load_daemon_config_file(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message.rfind(path + ":2:13: `spool.max_batch` = 0 is out of range", 0),
            0u)
      << config.error().message;
}

TEST_F(ConfigFileTest, MissingFileIsNotFound) {
  std::string path = dir_ + "/missing.toml";
  auto config = load_daemon_config_file(path);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, error_code::not_found);
  EXPECT_EQ(config.error().message,
            "cannot read config file " + path +
                ": No such file or directory — check the --config path (`volleyd "
                "--print-default-config > " +
                path + "` writes a starting point)");
}

TEST_F(ConfigFileTest, DirectoryIsAnError) {
  auto config = load_daemon_config_file(dir_);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("cannot read config file"), std::string::npos);
}

} // namespace
} // namespace volley::policy
