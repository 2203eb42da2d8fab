// volleyctl's commands (names, options, positionals) and their help texts. Data only; the command
// table here is what the parser accepts and what `volleyctl help` shows, so they cannot drift
// apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/cli_args.hpp"

namespace volley::tools {

const std::vector<OptionSpec>& volleyctl_global_options();
const std::vector<CommandSpec>& volleyctl_commands();

std::string volleyctl_usage_line(const CommandSpec& spec);
std::string volleyctl_general_help();
std::string volleyctl_group_help(std::string_view group);
std::string volleyctl_command_help(const CommandSpec& spec);

} // namespace volley::tools
