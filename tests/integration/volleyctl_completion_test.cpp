// `volleyctl completion bash|zsh|fish` from the built binary: the bash script is valid (bash -n)
// and, sourced in a bash subprocess with COMP_WORDS/COMP_CWORD set, completes commands,
// subcommands, options, option values and campaign ids asked from a real volleyd; zsh and fish
// scripts are checked with their shells when those are installed. Plus the parts the scripts are
// generated from: positional names from every synopsis. Never uses a non-loopback address.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "integration/volleyctl_ux_harness.hpp"
#include "tools/volleyctl_completion.hpp"
#include "tools/volleyctl_usage.hpp"

namespace {

using namespace volley::testing_support;
namespace fs = std::filesystem;

class VolleyctlCompletion : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("volleyctl-completion-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    CapturedCommand script = volleyctl_raw({"completion", "bash"});
    ASSERT_EQ(script.exit_code, 0) << script.err;
    std::ofstream(dir_ / "volleyctl.bash") << script.out;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // COMPREPLY, one per line, after completing `words` (the last one is being typed).
  std::vector<std::string> complete(const std::vector<std::string>& words) {
    std::string array;
    for (const std::string& word : words)
      array += " '" + word + "'";
    std::string program = "cd '" + dir_.string() + "' && source ./volleyctl.bash && COMP_WORDS=(" +
                          array + ") && COMP_CWORD=" + std::to_string(words.size() - 1) +
                          " && { _volleyctl; printf '%s\\n' \"${COMPREPLY[@]}\"; }";
    CapturedCommand run = capture_command({"/bin/bash", "--norc", "-c", program});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    auto lines = output_lines(run.out);
    std::sort(lines.begin(), lines.end());
    lines.erase(std::remove(lines.begin(), lines.end(), ""), lines.end());
    return lines;
  }

  fs::path dir_;
};

using Words = std::vector<std::string>;

TEST_F(VolleyctlCompletion, BashScriptIsValidAndCompletesCommandsAndSubcommands) {
  CapturedCommand syntax = capture_command({"/bin/bash", "-n", (dir_ / "volleyctl.bash").string()});
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  EXPECT_EQ(complete({"volleyctl", "camp"}), Words{"campaign"});
  EXPECT_EQ(complete({"volleyctl", "campaign", "w"}), Words{"watch"});
  EXPECT_EQ(complete({"volleyctl", "qu"}), (Words{"queue", "queues"}));
  EXPECT_EQ(complete({"volleyctl", "--json", "campaign", "st"}), Words{"status"});
  EXPECT_EQ(complete({"volleyctl", "--socket", "/x.sock", "campaign", "p"}), Words{"pause"});
  EXPECT_EQ(complete({"volleyctl", "completion", ""}), (Words{"bash", "fish", "zsh"}));
  EXPECT_EQ(complete({"volleyctl", "help", "campaign", "cr"}), Words{"create"});
}

TEST_F(VolleyctlCompletion, BashCompletesOptionsAndTheirValues) {
  EXPECT_EQ(complete({"volleyctl", "campaign", "watch", "c-1", "--int"}), Words{"--interval"});
  EXPECT_EQ(complete({"volleyctl", "bounces", "--a"}), (Words{"--after", "--all"}));
  EXPECT_EQ(complete({"volleyctl", "--js"}), Words{"--json"});
  EXPECT_EQ(complete({"volleyctl", "dkim", "keygen", "--algorithm", ""}),
            (Words{"ed25519", "rsa"}));
  EXPECT_EQ(complete({"volleyctl", "dkim", "keygen", "--algorithm", "=", "ed"}), Words{"ed25519"});
  std::ofstream(dir_ / "spring.eml") << "Subject: x\r\n\r\nx\r\n";
  EXPECT_EQ(complete({"volleyctl", "campaign", "create", "--message", "spr"}), Words{"spring.eml"});
  EXPECT_EQ(complete({"volleyctl", "send", "--from", ""}), Words{}); // an address: no guesses
}

TEST_F(VolleyctlCompletion, BashCompletesCampaignIdsFromVolleyd) {
  VolleyctlUxPeers peers;
  auto client = peers.daemon->client();
  ASSERT_EQ(create_campaign(client, "spring-2026", {"a@fast.test"}), 1u);
  ASSERT_EQ(create_campaign(client, "summer-2026", {"b@fast.test"}), 1u);
  std::string ctl = volleyctl_binary();
  EXPECT_EQ(complete({ctl, "--socket", peers.socket(), "campaign", "watch", "sp"}),
            Words{"spring-2026"});
  EXPECT_EQ(complete({ctl, "--socket", peers.socket(), "campaign", "status", ""}),
            (Words{"spring-2026", "summer-2026"}));
  EXPECT_EQ(complete({ctl, "--socket", peers.socket(), "bounces", "--campaign", "su"}),
            Words{"summer-2026"});
  // Over TCP with the token typed on the command line, split by COMP_WORDBREAKS at "=" and ":".
  EXPECT_EQ(complete({ctl, "--url", "=", "http", ":", "//127.0.0.1", ":",
                      std::to_string(peers.daemon->port()), "--token", peers.daemon->token(),
                      "campaign", "pause", "sum"}),
            Words{"summer-2026"});
  // volleyd not there: nothing offered, nothing printed.
  EXPECT_EQ(complete({ctl, "--socket", (dir_ / "none.sock").string(), "campaign", "status", ""}),
            Words{});
}

TEST_F(VolleyctlCompletion, ZshAndFishScriptsParseWhenTheShellsAreInstalled) {
  for (const std::string shell : {"zsh", "fish"}) {
    CapturedCommand script = volleyctl_raw({"completion", shell});
    ASSERT_EQ(script.exit_code, 0) << script.err;
    EXPECT_NE(script.out.find("campaign"), std::string::npos);
    fs::path path = dir_ / ("volleyctl." + shell);
    std::ofstream(path) << script.out;
    fs::path program = "/usr/bin/" + shell;
    if (!fs::exists(program))
      continue;
    CapturedCommand syntax = capture_command({program.string(), "-n", path.string()});
    EXPECT_EQ(syntax.exit_code, 0) << shell << ": " << syntax.err;
  }
  if (fs::exists("/usr/bin/fish")) {
    CapturedCommand run =
        capture_command({"/usr/bin/fish", "--no-config", "-c",
                         "source " + (dir_ / "volleyctl.fish").string() +
                             "; complete -C 'volleyctl camp'; complete -C 'volleyctl campaign w'"});
    EXPECT_NE(run.out.find("campaign\t"), std::string::npos) << run.out << run.err;
    EXPECT_NE(run.out.find("watch\t"), std::string::npos) << run.out << run.err;
  }
  CapturedCommand bad = volleyctl_raw({"completion", "tcsh"});
  EXPECT_EQ(bad.exit_code, 64);
  EXPECT_EQ(bad.err.rfind("error: no completion for shell \"tcsh\": choose bash, zsh or fish\n", 0),
            0u)
      << bad.err;
}

TEST(VolleyctlCompletionModel, PositionalNamesMatchEveryCommandsArgumentCount) {
  using namespace volley::tools;
  for (const CommandSpec& spec : volleyctl_commands())
    EXPECT_EQ(positional_names(spec).size(), spec.max_positionals) << spec.name;
  EXPECT_EQ(positional_names(*find_command(volleyctl_commands(), "campaign add")),
            (std::vector<std::string>{"ID", "FILE.ndjson"}));
  EXPECT_EQ(value_completion("", "ID").kind, ValueKind::campaign_id);
  EXPECT_EQ(value_completion("id", "ID").kind, ValueKind::none); // a new id
  EXPECT_EQ(value_completion("message", "FILE").kind, ValueKind::file);
  EXPECT_EQ(value_completion("", "bash|zsh|fish").choices,
            (std::vector<std::string>{"bash", "zsh", "fish"}));
  EXPECT_EQ(value_completion("", "SITE|DOMAIN").kind, ValueKind::none);
  // An option takes a value in every command or in none: the scripts skip values by name.
  std::map<std::string, bool> takes_value;
  for (const OptionSpec& option : volleyctl_global_options())
    takes_value[std::string(option.name)] = !option.value_name.empty();
  for (const CommandSpec& spec : volleyctl_commands()) {
    for (const OptionSpec& option : spec.options) {
      auto [it, fresh] = takes_value.emplace(std::string(option.name), !option.value_name.empty());
      EXPECT_EQ(it->second, !option.value_name.empty()) << spec.name << " --" << option.name;
    }
  }
}

} // namespace
