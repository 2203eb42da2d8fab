// Command-line parsing for volleyctl-style tools: "[global options] COMMAND [SUBCOMMAND] [args]
// [options]" against a table of command specs. Pure (strings in, ParsedArgs or a usage error out);
// never prints, never exits, never reads the environment.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace volley::tools {

struct OptionSpec {
  std::string_view name;       // without dashes: "from"
  std::string_view value_name; // "ADDR"; empty = a flag without value
  bool repeatable = false;
  bool required = false;
};

struct CommandSpec {
  std::string_view name;     // "campaign create"
  std::string_view synopsis; // "campaign create --from ADDR --message FILE [...]"
  std::string_view summary;  // one line for the command list
  std::string_view details;  // options and examples for `COMMAND --help`
  std::size_t min_positionals = 0;
  std::size_t max_positionals = 0;
  std::vector<OptionSpec> options;
};

struct ParsedArgs {
  std::string command;                  // "campaign create"; "help"; "" when none was given
  std::vector<std::string> positionals; // arguments after the command words
  std::map<std::string, std::vector<std::string>> options; // global and command options
  bool help = false;                                       // --help / -h anywhere

  bool has(std::string_view name) const;
  // The last value given for an option, or "" when absent.
  std::string value(std::string_view name) const;
  const std::vector<std::string>& values(std::string_view name) const;
};

struct ParseOutcome {
  ParsedArgs args;
  std::string error; // "" = parsed; else what was wrong (args.command says which usage to show)
};

ParseOutcome parse_command_line(const std::vector<std::string>& arguments,
                                const std::vector<CommandSpec>& commands,
                                const std::vector<OptionSpec>& global_options);

// The spec for a command name, or nullptr.
const CommandSpec* find_command(const std::vector<CommandSpec>& commands, std::string_view name);
// "campaign" -> true when some command is "campaign <sub>".
bool is_command_group(const std::vector<CommandSpec>& commands, std::string_view word);

} // namespace volley::tools
