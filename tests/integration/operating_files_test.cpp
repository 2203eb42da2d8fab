// Tests of the files ops install from conf/: the systemd unit passes `systemd-analyze verify` with
// no warning, and the production config example passes `volleyd --check-config` once its paths
// point at files that exist (a key from `volleyctl dkim keygen`, the example policy). Never starts
// systemd units or touches /etc, /var or /run: everything is rewritten into a temp dir.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "support/captured_command.hpp"

namespace volley {
namespace {

namespace fs = std::filesystem;
using testing_support::capture_command;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

class OperatingFilesTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("volley-operating-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  const std::string source_ = VOLLEY_SOURCE_DIR;
  const std::string bin_ = std::string(VOLLEY_BINARY_DIR) + "/bin/";
};

TEST_F(OperatingFilesTest, SystemdUnitVerifiesWithoutWarnings) {
  std::string unit = read_file(source_ + "/conf/volleyd.service");
  ASSERT_NE(unit.find("ExecStart=/usr/local/bin/volleyd --config /etc/volley/volleyd.toml"),
            std::string::npos);
  ASSERT_NE(unit.find("ExecReload=/bin/kill -HUP $MAINPID"), std::string::npos);
  // verify checks that ExecStart's program exists: point it at the binary built here.
  write_file(dir_ / "volleyd.service",
             replace_all(unit, "/usr/local/bin/volleyd", bin_ + "volleyd"));
  auto verified =
      capture_command({"/usr/bin/systemd-analyze", "verify", (dir_ / "volleyd.service").string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(verified.err, "") << "systemd-analyze warned about the unit";
  EXPECT_EQ(verified.out, "");

  // The check can fail: a broken directive is reported.
  write_file(dir_ / "broken.service",
             replace_all(read_file(dir_ / "volleyd.service"), "Type=exec", "Type=sometimes"));
  auto broken =
      capture_command({"/usr/bin/systemd-analyze", "verify", (dir_ / "broken.service").string()});
  EXPECT_NE(broken.err.find("sometimes"), std::string::npos) << broken.err;
}

TEST_F(OperatingFilesTest, ProductionConfigPassesCheckConfig) {
  std::string config = read_file(source_ + "/conf/volleyd.production.toml");
  auto keygen = capture_command({bin_ + "volleyctl", "dkim", "keygen", "--domain", "example.org",
                                 "--selector", "s2026", "--algorithm", "ed25519", "--out",
                                 (dir_ / "dkim.pem").string()});
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err << keygen.out;
  std::string state = (dir_ / "state").string();
  config = replace_all(config, "/var/lib/volley", state);
  config = replace_all(config, "/var/log/volley", (dir_ / "log").string());
  config = replace_all(config, "/run/volley", (dir_ / "run").string());
  config = replace_all(config, "/etc/volley/policy.toml", source_ + "/conf/policy.example.toml");
  config = replace_all(config, "/etc/volley/dkim/example.org.pem", (dir_ / "dkim.pem").string());
  for (const char* system_dir : {"\"/etc/", "\"/var/", "\"/run/"})
    ASSERT_EQ(config.find(system_dir), std::string::npos) << "a path was not rewritten";
  write_file(dir_ / "volleyd.toml", config);
  auto checked = capture_command(
      {bin_ + "volleyd", "--config", (dir_ / "volleyd.toml").string(), "--check-config"});
  EXPECT_EQ(checked.exit_code, 0) << checked.err << checked.out;

  // And it can fail: without the key file the same config is refused (exit 78, EX_CONFIG).
  fs::remove(dir_ / "dkim.pem");
  auto refused = capture_command(
      {bin_ + "volleyd", "--config", (dir_ / "volleyd.toml").string(), "--check-config"});
  EXPECT_EQ(refused.exit_code, 78);
  EXPECT_NE(refused.err.find("key_file"), std::string::npos) << refused.err;
}

} // namespace
} // namespace volley
