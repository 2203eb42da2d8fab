// Shell completion scripts for volleyctl (bash, zsh, fish), generated from the command table in
// volleyctl_usage.cpp so they complete exactly the commands, subcommands and options the parser
// accepts. Values: files for FILE/PATH options and arguments, campaign ids (by running
// `volleyctl campaign list --ids` with the endpoint options already typed) for ID, and fixed
// choices such as rsa|ed25519. Pure text generation; never runs a shell.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/cli_args.hpp"

namespace volley::tools {

enum class ValueKind { none, file, campaign_id, choices };

struct ValueCompletion {
  ValueKind kind = ValueKind::none;
  std::vector<std::string> choices; // for ValueKind::choices
};

// How the value of option `option_name` ("campaign") named value_name ("ID") completes; for a
// positional, option_name is "".
ValueCompletion value_completion(std::string_view option_name, std::string_view value_name);

// The positional argument names of a command, from its synopsis: "campaign add ID FILE.ndjson"
// -> {"ID", "FILE.ndjson"}; "queue [SITE|DOMAIN]" -> {"SITE|DOMAIN"}.
std::vector<std::string> positional_names(const CommandSpec& spec);

std::string bash_completion_script(const std::vector<CommandSpec>& commands,
                                   const std::vector<OptionSpec>& global_options);
// zsh runs the bash functions through bashcompinit (same behaviour, one implementation).
std::string zsh_completion_script(const std::vector<CommandSpec>& commands,
                                  const std::vector<OptionSpec>& global_options);
std::string fish_completion_script(const std::vector<CommandSpec>& commands,
                                   const std::vector<OptionSpec>& global_options);

} // namespace volley::tools
