// Generates volleyctl's bash and zsh completion (see volleyctl_completion.hpp); fish is in
// volleyctl_completion_fish.cpp. The bash functions stay within what zsh's bashcompinit runs too:
// no mapfile, no bash-completion helpers. Never embeds text from outside the command table.
#include "tools/volleyctl_completion.hpp"

#include <algorithm>
#include <set>

#include "tools/volleyctl_command_context.hpp"
#include "tools/volleyctl_usage.hpp"

namespace volley::tools {
namespace {

bool has_lower(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string words_of(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words)
    out += (out.empty() ? "" : " ") + word;
  return out;
}

// `a | b | c` as a case pattern list (each quoted: command names hold spaces).
std::string case_patterns(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items)
    out += (out.empty() ? "\"" : " | \"") + item + "\"";
  return out;
}

struct BashModel {
  std::vector<std::string> top_words, groups;
  std::vector<std::string> value_options, file_options, id_options;
  std::vector<std::pair<std::string, std::vector<std::string>>> choice_options;
  std::vector<std::string> id_positions, file_positions; // "campaign add:0"
  std::vector<std::pair<std::string, std::vector<std::string>>> choice_positions;
  std::vector<std::pair<std::string, std::string>> command_options; // command -> "--a --b"
  std::string global_options;
};

std::vector<std::string> subcommands(const std::vector<CommandSpec>& commands,
                                     const std::string& group) {
  std::vector<std::string> out;
  for (const CommandSpec& spec : commands) {
    if (spec.name.starts_with(group + " "))
      out.emplace_back(spec.name.substr(group.size() + 1));
  }
  return out;
}

void add_option(BashModel& model, const OptionSpec& option, std::set<std::string>& seen) {
  std::string name = "--" + std::string(option.name);
  if (option.value_name.empty() || !seen.insert(name).second)
    return;
  model.value_options.push_back(name);
  ValueCompletion value = value_completion(option.name, option.value_name);
  if (value.kind == ValueKind::file)
    model.file_options.push_back(name);
  else if (value.kind == ValueKind::campaign_id)
    model.id_options.push_back(name);
  else if (value.kind == ValueKind::choices)
    model.choice_options.emplace_back(name, value.choices);
}

BashModel bash_model(const std::vector<CommandSpec>& commands,
                     const std::vector<OptionSpec>& globals) {
  BashModel model;
  std::set<std::string> seen;
  for (const OptionSpec& option : globals) {
    model.global_options += "--" + std::string(option.name) + " ";
    add_option(model, option, seen);
  }
  model.global_options += "--help";
  for (const CommandSpec& spec : commands) {
    std::string name(spec.name), first = name.substr(0, name.find(' '));
    if (std::find(model.top_words.begin(), model.top_words.end(), first) == model.top_words.end())
      model.top_words.push_back(first);
    if (first != name &&
        std::find(model.groups.begin(), model.groups.end(), first) == model.groups.end())
      model.groups.push_back(first);
    std::string options;
    for (const OptionSpec& option : spec.options) {
      options += (options.empty() ? "--" : " --") + std::string(option.name);
      add_option(model, option, seen);
    }
    model.command_options.emplace_back(name, options);
    std::vector<std::string> positionals = positional_names(spec);
    for (std::size_t i = 0; i < positionals.size(); ++i) {
      std::string at = name + ":" + std::to_string(i);
      ValueCompletion value = value_completion("", positionals[i]);
      if (value.kind == ValueKind::file)
        model.file_positions.push_back(at);
      else if (value.kind == ValueKind::campaign_id)
        model.id_positions.push_back(at);
      else if (value.kind == ValueKind::choices)
        model.choice_positions.emplace_back(at, value.choices);
    }
  }
  model.top_words.push_back("help");
  return model;
}

// The shared helpers: reply from a word list, file names, campaign ids from volleyd, and COMP_WORDS
// glued back together where COMP_WORDBREAKS split "--url=http://h:1" into "--url", "=", "http"...
constexpr const char* bash_helpers = R"(_volleyctl_reply() {
  local IFS=$' \t\n'
  COMPREPLY=($(compgen -W "$1" -- "$2"))
}

_volleyctl_files() {
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$1"))
}

_volleyctl_words() {
  _volleyctl_w=()
  _volleyctl_cword=0
  local i j=-1 glue=0 word
  for ((i = 0; i < ${#COMP_WORDS[@]}; i++)); do
    word=${COMP_WORDS[i]}
    if ((j >= 0)) && [[ $word == ":" || $word == "=" || $glue == 1 ]]; then
      _volleyctl_w[j]+=$word
      if [[ $word == ":" || $word == "=" ]]; then glue=1; else glue=0; fi
    else
      ((j += 1))
      _volleyctl_w[j]=$word
      glue=0
    fi
    if ((i == COMP_CWORD)); then _volleyctl_cword=$j; fi
  done
}

# Campaign ids from volleyd, asked with the --socket/--url/--token options already typed.
_volleyctl_campaign_ids() {
  local -a args
  local i word
  for ((i = 1; i < _volleyctl_cword; i++)); do
    word=${_volleyctl_w[i]}
    case $word in
      --socket | --url | --token | --token-file)
        args+=("$word" "${_volleyctl_w[i + 1]}")
        ((i += 1))
        ;;
      --socket=* | --url=* | --token=* | --token-file=*) args+=("$word") ;;
    esac
  done
  "${_volleyctl_w[0]}" "${args[@]}" --timeout 2 campaign list --ids 2>/dev/null
}
)";

std::string bash_value_cases(const BashModel& model) {
  std::string out = "  if [[ -n $opt ]]; then\n    case $opt in\n";
  if (!model.file_options.empty())
    out +=
        "      " + case_patterns(model.file_options) + ") _volleyctl_files \"$cur\"; return 0 ;;\n";
  if (!model.id_options.empty()) {
    out += "      " + case_patterns(model.id_options) +
           ") _volleyctl_reply \"$(_volleyctl_campaign_ids)\" \"$cur\"; return 0 ;;\n";
  }
  for (const auto& [option, choices] : model.choice_options) {
    out += "      \"" + option + "\") _volleyctl_reply \"" + words_of(choices) +
           "\" \"$cur\"; return 0 ;;\n";
  }
  out += "      " + case_patterns(model.value_options) + ") COMPREPLY=(); return 0 ;;\n";
  return out + "    esac\n  fi\n";
}

std::string bash_option_cases(const BashModel& model) {
  std::string out = "  if [[ $cur == -* ]]; then\n    local opts=\"" + model.global_options +
                    "\"\n    case $cmd in\n";
  for (const auto& [command, options] : model.command_options) {
    if (!options.empty())
      out += "      \"" + command + "\") opts+=\" " + options + "\" ;;\n";
  }
  return out + "    esac\n    _volleyctl_reply \"$opts\" \"$cur\"\n    return 0\n  fi\n";
}

std::string bash_word_cases(const BashModel& model, const std::vector<CommandSpec>& commands) {
  std::vector<std::string> topics = model.top_words;
  topics.pop_back(); // "help help" helps nobody
  std::string out = "  case $cmd in\n    \"\") _volleyctl_reply \"" + words_of(model.top_words) +
                    "\" \"$cur\" ;;\n";
  std::string help_groups;
  for (const std::string& group : model.groups) {
    std::string subs = words_of(subcommands(commands, group));
    out += "    \"" + group + "\") _volleyctl_reply \"" + subs + "\" \"$cur\" ;;\n";
    help_groups += "          \"" + group + "\") _volleyctl_reply \"" + subs + "\" \"$cur\" ;;\n";
  }
  out += "    help)\n      if ((${#pos[@]} == 0)); then\n        _volleyctl_reply \"" +
         words_of(topics) +
         "\" \"$cur\"\n      elif ((${#pos[@]} == 1)); then\n        case ${pos[0]} in\n" +
         help_groups +
         "        esac\n      fi\n      ;;\n    *)\n      case \"$cmd:${#pos[@]}\" in\n";
  if (!model.id_positions.empty()) {
    out += "        " + case_patterns(model.id_positions) +
           ") _volleyctl_reply \"$(_volleyctl_campaign_ids)\" \"$cur\" ;;\n";
  }
  if (!model.file_positions.empty())
    out += "        " + case_patterns(model.file_positions) + ") _volleyctl_files \"$cur\" ;;\n";
  for (const auto& [at, choices] : model.choice_positions)
    out += "        \"" + at + "\") _volleyctl_reply \"" + words_of(choices) + "\" \"$cur\" ;;\n";
  return out + "        *) COMPREPLY=() ;;\n      esac\n      ;;\n  esac\n";
}

std::string bash_functions(const std::vector<CommandSpec>& commands,
                           const std::vector<OptionSpec>& globals) {
  BashModel model = bash_model(commands, globals);
  std::string out = bash_helpers;
  out += "\n_volleyctl() {\n"
         "  local -a _volleyctl_w pos\n"
         "  local _volleyctl_cword cmd=\"\" opt=\"\" word i\n"
         "  _volleyctl_words\n"
         "  local cur=${_volleyctl_w[_volleyctl_cword]}\n"
         "  # the command words (\"campaign watch\") and positionals typed so far\n"
         "  for ((i = 1; i < _volleyctl_cword; i++)); do\n"
         "    word=${_volleyctl_w[i]}\n"
         "    case $word in\n"
         "      --*=*) ;;\n"
         "      " +
         case_patterns(model.value_options) +
         ") ((i += 1)) ;;\n"
         "      -*) ;;\n"
         "      *)\n"
         "        if [[ -z $cmd ]]; then\n"
         "          cmd=$word\n"
         "        elif ((${#pos[@]} == 0)) && [[ \" " +
         words_of(model.groups) +
         " \" == *\" $cmd \"* ]]; then\n"
         "          cmd=\"$cmd $word\"\n"
         "        else\n"
         "          pos+=(\"$word\")\n"
         "        fi\n"
         "        ;;\n"
         "    esac\n"
         "  done\n"
         "  if [[ $cur == --*=* ]]; then\n"
         "    opt=${cur%%=*}\n"
         "    cur=${cur#*=}\n"
         "  elif ((_volleyctl_cword > 1)); then\n"
         "    opt=${_volleyctl_w[_volleyctl_cword - 1]}\n"
         "  fi\n";
  out += bash_value_cases(model) + bash_option_cases(model) + bash_word_cases(model, commands);
  return out + "  return 0\n}\n";
}

} // namespace

ValueCompletion value_completion(std::string_view option_name, std::string_view value_name) {
  if (option_name == "id") // a new campaign's id: nothing to complete
    return {};
  if (value_name.find('|') != std::string_view::npos && has_lower(value_name)) {
    ValueCompletion out{ValueKind::choices, {}};
    for (std::size_t start = 0; start <= value_name.size();) {
      std::size_t bar = std::min(value_name.find('|', start), value_name.size());
      out.choices.emplace_back(value_name.substr(start, bar - start));
      start = bar + 1;
    }
    return out;
  }
  if (value_name.find("FILE") != std::string_view::npos || value_name == "PATH")
    return {ValueKind::file, {}};
  if (value_name == "ID")
    return {ValueKind::campaign_id, {}};
  return {};
}

std::vector<std::string> positional_names(const CommandSpec& spec) {
  std::vector<std::string> out;
  std::string_view rest = spec.synopsis.substr(std::min(spec.name.size(), spec.synopsis.size()));
  while (!rest.empty()) {
    std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos)
      break;
    rest.remove_prefix(start);
    std::string_view token = rest.substr(0, rest.find(' '));
    rest.remove_prefix(token.size());
    if (token.starts_with("--") || token.starts_with("[--"))
      break;
    while (!token.empty() && (token.front() == '['))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ']' || token.back() == '.'))
      token.remove_suffix(1);
    if (!token.empty())
      out.emplace_back(token);
  }
  return out;
}

std::string bash_completion_script(const std::vector<CommandSpec>& commands,
                                   const std::vector<OptionSpec>& global_options) {
  return "# bash completion for volleyctl, generated by `volleyctl completion bash`; do not edit.\n"
         "# Load it with: source <(volleyctl completion bash)\n\n" +
         bash_functions(commands, global_options) + "\ncomplete -F _volleyctl volleyctl\n";
}

std::string zsh_completion_script(const std::vector<CommandSpec>& commands,
                                  const std::vector<OptionSpec>& global_options) {
  return "# zsh completion for volleyctl, generated by `volleyctl completion zsh`; do not edit.\n"
         "# Load it from ~/.zshrc: source <(volleyctl completion zsh)\n"
         "# It runs the bash completion functions through zsh's bashcompinit.\n"
         "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }\n"
         "autoload -U +X bashcompinit && bashcompinit\n\n" +
         bash_functions(commands, global_options) + "\ncomplete -F _volleyctl volleyctl\n";
}

int run_completion(CommandContext& context) {
  const std::string& shell = context.args.positionals.at(0);
  const auto& commands = volleyctl_commands();
  const auto& globals = volleyctl_global_options();
  if (shell == "bash")
    context.out << bash_completion_script(commands, globals);
  else if (shell == "zsh")
    context.out << zsh_completion_script(commands, globals);
  else if (shell == "fish")
    context.out << fish_completion_script(commands, globals);
  else
    return report_usage_error(context, "no completion for shell \"" + shell +
                                           "\": choose bash, zsh or fish");
  return exit_ok;
}

} // namespace volley::tools
