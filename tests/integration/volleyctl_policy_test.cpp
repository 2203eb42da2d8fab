// The built volleyctl's `policy check` and `policy explain`, and `volleyd --check-config` with a
// [policy] file, run as processes: exit codes (0, 66, 78), the "FILE: ok (...)" line, every error
// as FILE:LINE:COLUMN, and explain's table of values and layers. Never starts volleyd's daemon and
// never writes outside its temporary directory.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace volley::tools {
namespace {

namespace fs = std::filesystem;

struct ProcessResult {
  int exit_code = -1;
  std::string out; // stdout
  std::string err; // stderr
};

// Runs a command line through the shell, capturing stdout and stderr separately.
ProcessResult run(const std::string& command, const fs::path& dir) {
  fs::path err_path = dir / "stderr.txt";
  ProcessResult result;
  FILE* pipe = ::popen((command + " 2>'" + err_path.string() + "'").c_str(), "r");
  if (!pipe)
    return result;
  std::array<char, 4096> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  return result;
}

// The cells of the table line that starts with setting (columns are 2+ spaces apart).
std::vector<std::string> table_row(const std::string& out, const std::string& setting) {
  std::size_t at = out.find("\n" + setting + " ");
  if (at == std::string::npos)
    return {};
  std::string line = out.substr(at + 1, out.find('\n', at + 1) - at - 1);
  std::vector<std::string> cells;
  std::size_t start = 0;
  while (start < line.size()) {
    std::size_t gap = line.find("  ", start);
    cells.push_back(line.substr(start, gap == std::string::npos ? gap : gap - start));
    if (gap == std::string::npos)
      break;
    start = line.find_first_not_of(' ', gap);
  }
  return cells;
}

std::string volleyctl() {
  return std::string(VOLLEY_BINARY_DIR) + "/bin/volleyctl";
}

std::string volleyd() {
  return std::string(VOLLEY_BINARY_DIR) + "/bin/volleyd";
}

const char* const policy_text = R"([defaults]
max_connections = 20
rate = "100/s"

[group.gmail]
mx = ["*.google.com"]
max_connections = 10
rate = {limit = "6000/min", burst = 200}

[domain."example.com"]
rate = "10/min"

[pool.warmup]
ips = ["127.0.0.2"]
warmup = {start = "2026-11-01", daily = [500, 1000]}

[[throttle]]
name = "gmail-rate-limit"
code = 421
status = "4.7.28"
groups = ["gmail"]
action = "suspend"
duration = "15m"
)";

class VolleyctlPolicyTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "volleyctl-policy-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  ProcessResult run_in_dir(const std::string& command) { return run(command, dir_); }
  fs::path dir_;
};

TEST_F(VolleyctlPolicyTest, CheckAcceptsAValidFile) {
  std::string path = write("policy.toml", policy_text);
  ProcessResult check = run_in_dir(volleyctl() + " policy check '" + path + "'");
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, path + ": ok (1 group, 1 domain, 1 pool, 1 throttle rule)\n");
  EXPECT_EQ(check.err, "");
}

TEST_F(VolleyctlPolicyTest, CheckAcceptsTheShippedExample) {
  std::string path = std::string(VOLLEY_SOURCE_DIR) + "/conf/policy.example.toml";
  ProcessResult check = run_in_dir(volleyctl() + " policy check '" + path + "'");
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, path + ": ok (3 groups, 2 domains, 2 pools, 5 throttle rules)\n");
}

TEST_F(VolleyctlPolicyTest, CheckListsEveryErrorAndExits78) {
  std::string path = write("bad.toml", "[defaults]\nrate = \"5/week\"\n[group.gmail]\n"
                                       "mx = [\".google.com\"]\n[[throttle]]\ncode = 421\n"
                                       "action = \"pause\"\n");
  ProcessResult check = run_in_dir(volleyctl() + " policy check '" + path + "'");
  EXPECT_EQ(check.exit_code, 78);
  EXPECT_EQ(check.out, "");
  EXPECT_EQ(check.err,
            path +
                ":2:8: [defaults] `rate`: unknown period \"/week\" in \"5/week\" — use /s, "
                "/min, /h or /d\n" +
                path +
                ":4:7: [group.gmail] `mx` entry 1: \".google.com\" is not an MX pattern "
                "— write \"*.google.com\" for every host under google.com\n" +
                path +
                ":7:10: [[throttle]] #1 `action`: unknown action \"pause\" — use "
                "suspend, slow_down or bounce\n");
}

TEST_F(VolleyctlPolicyTest, CheckOfAMissingFileExits66AndUsageErrorsExit64) {
  ProcessResult missing =
      run_in_dir(volleyctl() + " policy check '" + (dir_ / "none.toml").string() + "'");
  EXPECT_EQ(missing.exit_code, 66);
  EXPECT_EQ(missing.err.rfind("error: cannot read policy file " + (dir_ / "none.toml").string(), 0),
            0u)
      << missing.err;
  ProcessResult usage = run_in_dir(volleyctl() + " policy check");
  EXPECT_EQ(usage.exit_code, 64);
  EXPECT_NE(usage.err.find("usage: volleyctl [global options] policy check FILE"),
            std::string::npos)
      << usage.err;
}

TEST_F(VolleyctlPolicyTest, ExplainShowsEachValueAndTheLayerThatSetIt) {
  std::string path = write("policy.toml", policy_text);
  ProcessResult explain = run_in_dir(volleyctl() +
                                     " policy explain Example.COM --mx "
                                     "alt1.aspmx.l.google.com --policy '" +
                                     path + "'");
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  const std::string& out = explain.out;
  EXPECT_NE(out.find("domain    example.com\n"), std::string::npos) << out;
  EXPECT_NE(out.find("group     gmail\n"), std::string::npos) << out;
  EXPECT_NE(out.find("policy    " + path + "\n"), std::string::npos) << out;
  using Row = std::vector<std::string>;
  EXPECT_EQ(table_row(out, "max_connections"), (Row{"max_connections", "10", "[group.gmail]"}));
  EXPECT_EQ(table_row(out, "site_rate"),
            (Row{"site_rate", "6000/min (burst 200)", "[group.gmail]"}));
  EXPECT_EQ(table_row(out, "domain_rate"),
            (Row{"domain_rate", "10/min", "[domain.\"example.com\"]"}));
  EXPECT_EQ(table_row(out, "max_messages_per_connection"),
            (Row{"max_messages_per_connection", "1000", "[delivery]"}));
  EXPECT_EQ(table_row(out, "expires_after"), (Row{"expires_after", "3d", "[spool]"}));
  EXPECT_EQ(table_row(out, "pool"), (Row{"pool", "(none: [delivery] source_ips)", "[delivery]"}));
  EXPECT_NE(out.find("  gmail-rate-limit: code 421, status 4.7.28 -> suspend 15m\n"),
            std::string::npos)
      << out;
}

TEST_F(VolleyctlPolicyTest, ExplainFindsThePolicyThroughTheConfig) {
  write("policy.toml", policy_text);
  std::string config = write("volleyd.toml", "[policy]\nfile = \"policy.toml\"\n"
                                             "[delivery]\nmax_connections_per_site = 7\n");
  ProcessResult explain =
      run_in_dir(volleyctl() + " policy explain other.org --config '" + config + "'");
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find("policy    " + (dir_ / "policy.toml").string() + "\n"),
            std::string::npos)
      << explain.out;
  EXPECT_NE(explain.out.find("group     (none)\n"), std::string::npos) << explain.out;
  EXPECT_EQ(table_row(explain.out, "max_connections"),
            (std::vector<std::string>{"max_connections", "20", "[defaults]"}))
      << explain.out;
  EXPECT_NE(explain.out.find("note: groups match a site's MX hosts"), std::string::npos)
      << explain.out;

  std::string bare = write("bare.toml", "[delivery]\nmax_connections_per_site = 7\n");
  ProcessResult without =
      run_in_dir(volleyctl() + " policy explain other.org --config '" + bare + "'");
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_EQ(table_row(without.out, "max_connections"),
            (std::vector<std::string>{"max_connections", "7", "[delivery]"}))
      << without.out;
  EXPECT_NE(without.out.find("policy    none"), std::string::npos) << without.out;
}

TEST_F(VolleyctlPolicyTest, ExplainWithABadPolicyExits78) {
  std::string path = write("bad.toml", "[defaults]\nrate = 5\n");
  ProcessResult explain =
      run_in_dir(volleyctl() + " policy explain example.com --policy '" + path + "'");
  EXPECT_EQ(explain.exit_code, 78);
  EXPECT_EQ(explain.err.rfind(path + ":2:8: [defaults] `rate` must be a rate", 0), 0u)
      << explain.err;
}

TEST_F(VolleyctlPolicyTest, VolleydCheckConfigAlsoChecksThePolicyFile) {
  std::string policy = write("policy.toml", policy_text);
  std::string config = write("volleyd.toml", "[policy]\nfile = \"policy.toml\"\n");
  ProcessResult good = run_in_dir(volleyd() + " --check-config --config '" + config + "'");
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find("volleyd: policy file " + policy +
                          " is valid (1 group, 1 domain, 1 pool, 1 throttle rule)"),
            std::string::npos)
      << good.out;

  write("policy.toml", "[group.gmail]\nmx = []\n");
  ProcessResult bad = run_in_dir(volleyd() + " --check-config --config '" + config + "'");
  EXPECT_EQ(bad.exit_code, 78);
  EXPECT_NE(bad.err.find("volleyd: " + policy + ":2:6: [group.gmail] `mx` is empty"),
            std::string::npos)
      << bad.err;

  fs::remove(policy);
  ProcessResult missing = run_in_dir(volleyd() + " --check-config --config '" + config + "'");
  EXPECT_EQ(missing.exit_code, 78);
  EXPECT_NE(missing.err.find("cannot read policy file " + policy), std::string::npos)
      << missing.err;
}

} // namespace
} // namespace volley::tools
