// Parses volleyctl's command line against the command table: command words, positionals, global
// and command options (--name VALUE, --name=VALUE, flags). Never accepts an option it does not know
// and always says which command's usage applies to an error.
#include "tools/cli_args.hpp"

#include <algorithm>

#include "policy/config_diagnostics.hpp"

namespace volley::tools {
namespace {

struct ParserState {
  const std::vector<CommandSpec>& commands;
  const std::vector<OptionSpec>& globals;
  ParseOutcome outcome;
  const CommandSpec* command = nullptr;
  bool in_group = false; // saw "campaign", waiting for its subcommand
  bool help_topic = false;

  bool resolved() const { return command != nullptr || help_topic; }
  ParsedArgs& args() { return outcome.args; }
  void fail(std::string message) {
    if (outcome.error.empty())
      outcome.error = std::move(message);
  }
};

const OptionSpec* find_option(const std::vector<OptionSpec>& options, std::string_view name) {
  auto it = std::find_if(options.begin(), options.end(),
                         [&](const OptionSpec& o) { return o.name == name; });
  return it == options.end() ? nullptr : &*it;
}

std::vector<std::string_view> subcommands_of(const std::vector<CommandSpec>& commands,
                                             std::string_view group) {
  std::vector<std::string_view> out;
  for (const CommandSpec& spec : commands) {
    if (spec.name.size() > group.size() && spec.name.substr(0, group.size()) == group &&
        spec.name[group.size()] == ' ') {
      out.push_back(spec.name.substr(group.size() + 1));
    }
  }
  return out;
}

std::vector<std::string_view> top_level_words(const std::vector<CommandSpec>& commands) {
  std::vector<std::string_view> out{"help"};
  for (const CommandSpec& spec : commands) {
    std::string_view word = spec.name.substr(0, spec.name.find(' '));
    if (std::find(out.begin(), out.end(), word) == out.end())
      out.push_back(word);
  }
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& known,
                         std::string_view prefix) {
  std::string closest = policy::closest_name(word, known);
  return closest.empty() ? "" : " — did you mean `" + std::string(prefix) + closest + "`?";
}

void take_command_word(ParserState& state, const std::string& word) {
  if (state.in_group) {
    std::string name = state.args().command + " " + word;
    state.command = find_command(state.commands, name);
    if (!state.command) {
      auto subs = subcommands_of(state.commands, state.args().command);
      std::string hint = did_you_mean(word, subs, state.args().command + " ");
      state.fail("unknown command `" + name + "`" +
                 (hint.empty()
                      ? " — " + state.args().command + " commands: " + policy::join_names(subs)
                      : hint));
      return;
    }
    state.args().command = name;
    state.in_group = false;
    return;
  }
  state.args().command = word;
  if (word == "help") {
    state.help_topic = true;
  } else if (is_command_group(state.commands, word)) {
    state.in_group = true;
  } else if (!(state.command = find_command(state.commands, word))) {
    state.args().command.clear();
    std::string hint = did_you_mean(word, top_level_words(state.commands), "");
    state.fail("unknown command `" + word + "`" +
               (hint.empty() ? " — run `volleyctl help` for the list of commands" : hint));
  }
}

std::string unknown_option_message(const ParserState& state, std::string_view name) {
  std::vector<std::string_view> known;
  for (const OptionSpec& o : state.globals)
    known.push_back(o.name);
  if (state.command) {
    for (const OptionSpec& o : state.command->options)
      known.push_back(o.name);
  }
  std::string message = "unknown option --" + std::string(name);
  if (state.command)
    message += " for `" + std::string(state.command->name) + "`";
  std::string hint = did_you_mean(name, known, "--");
  if (!hint.empty())
    return message + hint;
  if (!state.command) {
    for (const CommandSpec& spec : state.commands) {
      if (find_option(spec.options, name)) {
        return message + " — put command options after the command";
      }
    }
  }
  return message;
}

// Reads the option at arguments[i] (and its value); advances i past a separate value.
void take_option(ParserState& state, const std::vector<std::string>& arguments, std::size_t& i) {
  std::string_view token = std::string_view(arguments[i]).substr(2);
  std::size_t equals = token.find('=');
  std::string_view name = token.substr(0, equals);
  const OptionSpec* spec = find_option(state.globals, name);
  if (!spec && state.command)
    spec = find_option(state.command->options, name);
  if (!spec)
    return state.fail(unknown_option_message(state, name));
  std::string option = "--" + std::string(name);
  std::string value;
  if (spec->value_name.empty()) {
    if (equals != std::string_view::npos)
      return state.fail(option + " takes no value");
  } else if (equals != std::string_view::npos) {
    value = std::string(token.substr(equals + 1));
  } else if (i + 1 < arguments.size()) {
    value = arguments[++i];
  } else {
    return state.fail(option + " needs a value (" + std::string(spec->value_name) + ")");
  }
  auto& values = state.args().options[std::string(name)];
  if (!values.empty() && !spec->repeatable) {
    return state.fail(option + " is given more than once");
  }
  values.push_back(std::move(value));
}

void check_complete(ParserState& state) {
  ParsedArgs& args = state.args();
  if (args.help || !state.outcome.error.empty() || state.help_topic)
    return;
  if (args.command.empty())
    return state.fail("no command given");
  if (state.in_group) {
    return state.fail("`" + args.command + "` needs a subcommand: " +
                      policy::join_names(subcommands_of(state.commands, args.command)));
  }
  const CommandSpec& spec = *state.command;
  if (args.positionals.size() < spec.min_positionals) {
    return state.fail("`" + args.command + "` is missing an argument");
  }
  if (args.positionals.size() > spec.max_positionals) {
    return state.fail("unexpected argument `" + args.positionals[spec.max_positionals] + "` for `" +
                      args.command + "`");
  }
  for (const OptionSpec& option : spec.options) {
    if (option.required && !args.has(option.name)) {
      return state.fail("`" + args.command + "` needs --" + std::string(option.name) + " " +
                        std::string(option.value_name));
    }
  }
}

} // namespace

bool ParsedArgs::has(std::string_view name) const {
  return options.count(std::string(name)) > 0;
}

std::string ParsedArgs::value(std::string_view name) const {
  auto it = options.find(std::string(name));
  return it == options.end() || it->second.empty() ? "" : it->second.back();
}

const std::vector<std::string>& ParsedArgs::values(std::string_view name) const {
  static const std::vector<std::string> none;
  auto it = options.find(std::string(name));
  return it == options.end() ? none : it->second;
}

const CommandSpec* find_command(const std::vector<CommandSpec>& commands, std::string_view name) {
  auto it = std::find_if(commands.begin(), commands.end(),
                         [&](const CommandSpec& spec) { return spec.name == name; });
  return it == commands.end() ? nullptr : &*it;
}

bool is_command_group(const std::vector<CommandSpec>& commands, std::string_view word) {
  return !subcommands_of(commands, word).empty();
}

ParseOutcome parse_command_line(const std::vector<std::string>& arguments,
                                const std::vector<CommandSpec>& commands,
                                const std::vector<OptionSpec>& global_options) {
  ParserState state{commands, global_options, {}};
  bool only_positionals = false;
  for (std::size_t i = 0; i < arguments.size() && state.outcome.error.empty(); ++i) {
    const std::string& token = arguments[i];
    bool option_like = !only_positionals && token.size() > 1 && token[0] == '-';
    if (option_like && token == "--") {
      only_positionals = true;
    } else if (option_like && (token == "-h" || token == "--help")) {
      state.args().help = true;
    } else if (option_like && token.rfind("--", 0) == 0) {
      take_option(state, arguments, i);
    } else if (option_like) {
      state.fail("unknown option " + token + " — volleyctl options are long: --name VALUE");
    } else if (!state.resolved()) {
      take_command_word(state, token);
    } else {
      state.args().positionals.push_back(token);
    }
  }
  check_complete(state);
  return std::move(state.outcome);
}

} // namespace volley::tools
