// Generates volleyctl's fish completion (see volleyctl_completion.hpp): `complete -c volleyctl`
// lines with descriptions from the command table, conditions from two small fish functions that
// find the command words typed so far. Never embeds text from outside the command table.
#include <algorithm>
#include <set>

#include "tools/volleyctl_completion.hpp"

namespace volley::tools {
namespace {

// 'text' for fish: backslashes and single quotes escaped.
std::string fish_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'')
      out += '\\';
    out += c;
  }
  return out + "'";
}

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const std::string& word : words)
    out += (out.empty() ? "" : std::string(separator)) + word;
  return out;
}

// __volleyctl_words: command words and positionals typed so far (options and values skipped).
// __volleyctl_at WORDS... N: completing argument N after exactly these command words.
std::string fish_functions(const std::vector<std::string>& value_options,
                           const std::vector<std::string>& groups) {
  return "function __volleyctl_words\n"
         "    set -l skip 0\n"
         "    for token in (commandline -opc)[2..-1]\n"
         "        if test $skip = 1\n"
         "            set skip 0\n"
         "            continue\n"
         "        end\n"
         "        switch $token\n"
         "            case '--*=*'\n"
         "            case " +
         joined(value_options, " ") +
         "\n"
         "                set skip 1\n"
         "            case '-*'\n"
         "            case '*'\n"
         "                echo $token\n"
         "        end\n"
         "    end\n"
         "end\n\n"
         "function __volleyctl_command\n"
         "    set -l words (__volleyctl_words)\n"
         "    if contains -- \"$words[1]\" " +
         joined(groups, " ") +
         "; and test (count $words) -ge 2\n"
         "        echo \"$words[1] $words[2]\"\n"
         "    else if test (count $words) -ge 1\n"
         "        echo $words[1]\n"
         "    end\n"
         "end\n\n"
         "function __volleyctl_is\n"
         "    set -l command (__volleyctl_command)\n"
         "    test \"$command\" = \"$argv[1]\"\n"
         "end\n\n"
         "# true when the command is $argv[1] (\"\" = none yet) and $argv[2] arguments follow it\n"
         "function __volleyctl_at\n"
         "    set -l words (__volleyctl_words)\n"
         "    set -l command (__volleyctl_command)\n"
         "    test \"$command\" = \"$argv[1]\"; or return 1\n"
         "    set -l used (count (string split ' ' -- $command))\n"
         "    test -z \"$command\"; and set used 0\n"
         "    test (math (count $words) - $used) -eq $argv[2]\n"
         "end\n\n"
         "function __volleyctl_campaign_ids\n"
         "    set -l tokens (commandline -opc)\n"
         "    set -l args\n"
         "    for i in (seq 2 (count $tokens))\n"
         "        switch $tokens[$i]\n"
         "            case --socket --url --token --token-file\n"
         "                set -a args $tokens[$i] $tokens[(math $i + 1)]\n"
         "            case '--socket=*' '--url=*' '--token=*' '--token-file=*'\n"
         "                set -a args $tokens[$i]\n"
         "        end\n"
         "    end\n"
         "    $tokens[1] $args --timeout 2 campaign list --ids 2>/dev/null\n"
         "end\n\n";
}

// How an option's value completes: " -r -F" (files), " -x -a '(__volleyctl_campaign_ids)'",
// " -x -a 'rsa ed25519'" or " -x" (a value, nothing to offer). -x = -r plus no file names.
std::string fish_value_flags(const ValueCompletion& value) {
  switch (value.kind) {
  case ValueKind::file:
    return " -r -F";
  case ValueKind::campaign_id:
    return " -x -a '(__volleyctl_campaign_ids)'";
  case ValueKind::choices:
    return " -x -a " + fish_quote(joined(value.choices, " "));
  case ValueKind::none:
    break;
  }
  return " -x";
}

std::string fish_option(const std::string& condition, const OptionSpec& option) {
  std::string line = "complete -c volleyctl" + condition + " -l " + std::string(option.name);
  if (!option.value_name.empty()) {
    line += fish_value_flags(value_completion(option.name, option.value_name)) + " -d " +
            fish_quote(option.value_name);
  }
  return line + "\n";
}

} // namespace

std::string fish_completion_script(const std::vector<CommandSpec>& commands,
                                   const std::vector<OptionSpec>& global_options) {
  std::vector<std::string> groups, value_options;
  std::set<std::string> seen;
  auto note_option = [&](const OptionSpec& option) {
    if (!option.value_name.empty() && seen.insert(std::string(option.name)).second)
      value_options.push_back("--" + std::string(option.name));
  };
  for (const OptionSpec& option : global_options)
    note_option(option);
  std::string words, options, arguments;
  std::set<std::string> top_seen;
  for (const CommandSpec& spec : commands) {
    std::string name(spec.name), first = name.substr(0, name.find(' '));
    bool grouped = first != name;
    if (grouped && std::find(groups.begin(), groups.end(), first) == groups.end())
      groups.push_back(first);
    if (top_seen.insert(first).second) {
      words += "complete -c volleyctl -n '__volleyctl_at \"\" 0' -a " + first + " -d " +
               fish_quote(grouped ? first + " commands" : std::string(spec.summary)) + "\n";
    }
    if (grouped) {
      words += "complete -c volleyctl -n '__volleyctl_at " + first + " 0' -a " +
               name.substr(first.size() + 1) + " -d " + fish_quote(spec.summary) + "\n";
    }
    // Options of a command apply after its words, whatever the argument count.
    std::string condition = " -n " + fish_quote("__volleyctl_is \"" + name + "\"");
    for (const OptionSpec& option : spec.options) {
      note_option(option);
      options += fish_option(condition, option);
    }
    std::vector<std::string> positionals = positional_names(spec);
    for (std::size_t i = 0; i < positionals.size(); ++i) {
      ValueCompletion value = value_completion("", positionals[i]);
      if (value.kind == ValueKind::none)
        continue;
      std::string at = " -n " + fish_quote("__volleyctl_at \"" + name + "\" " + std::to_string(i));
      std::string flags = fish_value_flags(value);
      arguments += "complete -c volleyctl" + at + flags.substr(3) + "\n"; // no -r/-x: arguments
    }
  }
  words += "complete -c volleyctl -n '__volleyctl_at \"\" 0' -a help -d 'a command\\'s options and "
           "examples'\n";
  std::string globals;
  for (const OptionSpec& option : global_options)
    globals += fish_option("", option);
  globals += "complete -c volleyctl -s h -l help -d 'this help'\n";
  return "# fish completion for volleyctl, generated by `volleyctl completion fish`; do not edit.\n"
         "# Install: volleyctl completion fish > ~/.config/fish/completions/volleyctl.fish\n\n"
         "complete -c volleyctl -f\n\n" +
         fish_functions(value_options, groups) + words + "\n" + globals + options + arguments;
}

} // namespace volley::tools
