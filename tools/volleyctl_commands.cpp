// volleyctl's top level: help, usage errors, endpoint choice and dispatch to the command handlers.
// Never exits the process and never talks to volleyd for help or usage errors.
#include "tools/volleyctl_commands.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "tools/volleyctl_check_domain_command.hpp"
#include "tools/volleyctl_command_context.hpp"
#include "tools/volleyctl_policy_commands.hpp"
#include "tools/volleyctl_usage.hpp"

namespace volley::tools {
namespace {

using Handler = int (*)(CommandContext&);

const std::map<std::string_view, Handler>& handlers() {
  static const std::map<std::string_view, Handler> table{
      {"campaign create", run_campaign_create},
      {"campaign add", run_campaign_add},
      {"campaign status", run_campaign_status},
      {"campaign list", run_campaign_list},
      {"campaign pause", run_campaign_state_change},
      {"campaign resume", run_campaign_state_change},
      {"campaign cancel", run_campaign_state_change},
      {"campaign watch", run_campaign_watch},
      {"send", run_send},
      {"suppress", run_suppress},
      {"unsuppress", run_unsuppress},
      {"suppressions", run_suppressions},
      {"bounces", run_bounces},
      {"queue", run_queue},
      {"queues", run_queue},
      {"health", run_health},
      {"dkim keygen", run_dkim_keygen},
      {"check-domain", run_check_domain},
      {"policy check", run_policy_check},
      {"policy explain", run_policy_explain},
      {"completion", run_completion},
  };
  return table;
}

bool is_offline_command(std::string_view name) {
  return name == "dkim keygen" || name == "check-domain" || name.starts_with("policy ") ||
         name == "completion";
}

// Help for "" (everything), a group ("campaign") or a command; nullopt when the topic is unknown.
std::optional<std::string> help_text(const std::string& topic) {
  if (topic.empty())
    return volleyctl_general_help();
  if (is_command_group(volleyctl_commands(), topic))
    return volleyctl_group_help(topic);
  if (const CommandSpec* spec = find_command(volleyctl_commands(), topic)) {
    return volleyctl_command_help(*spec);
  }
  return std::nullopt;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words)
    out += (out.empty() ? "" : " ") + word;
  return out;
}

int print_help(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  std::string topic = args.command == "help" ? joined(args.positionals) : args.command;
  auto text = help_text(topic);
  if (!text) {
    err << "error: no help for `" << topic << "`: unknown command\n"
        << "run `volleyctl help` for the list of commands\n";
    return exit_usage;
  }
  out << *text;
  return exit_ok;
}

int print_usage_error(const ParseOutcome& parsed, std::ostream& err) {
  err << "error: " << parsed.error << "\n";
  const std::string& command = parsed.args.command;
  if (const CommandSpec* spec = find_command(volleyctl_commands(), command)) {
    err << volleyctl_usage_line(*spec) << "\n"
        << "run `volleyctl " << command << " --help` for options and examples\n";
  } else if (!command.empty() && is_command_group(volleyctl_commands(), command)) {
    err << volleyctl_group_help(command);
  } else {
    err << "usage: volleyctl [global options] COMMAND [arguments] [options]\n"
        << "run `volleyctl help` for the list of commands\n";
  }
  return exit_usage;
}

} // namespace

VolleyctlEnvironment process_environment(bool stdout_is_terminal, bool stderr_is_terminal,
                                         std::size_t terminal_columns) {
  VolleyctlEnvironment environment;
  environment.lookup = [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  environment.exists = [](const std::string& path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
  };
  environment.stderr_is_terminal = stderr_is_terminal;
  environment.stdout_is_terminal = stdout_is_terminal;
  environment.terminal_columns = terminal_columns;
  return environment;
}

TerminalStyle terminal_style(const VolleyctlEnvironment& environment) {
  auto variable = [&](const char* name) {
    auto value = environment.lookup ? environment.lookup(name) : std::nullopt;
    return value.value_or("");
  };
  TerminalStyle style;
  style.color =
      environment.stdout_is_terminal && variable("NO_COLOR").empty() && variable("TERM") != "dumb";
  style.width = environment.stdout_is_terminal ? environment.terminal_columns : 0;
  std::string columns = variable("COLUMNS");
  std::size_t from_variable = 0;
  auto [end, ec] = std::from_chars(columns.data(), columns.data() + columns.size(), from_variable);
  if (style.width == 0 && ec == std::errc{} && end == columns.data() + columns.size())
    style.width = from_variable;
  if (style.width != 0 && style.width < 40)
    style.width = 40; // narrower terminals wrap; cutting cells to nothing helps nobody
  return style;
}

int run_volleyctl(const std::vector<std::string>& arguments,
                  const VolleyctlEnvironment& environment, std::ostream& out, std::ostream& err) {
  if (arguments.empty()) {
    err << volleyctl_general_help();
    return exit_usage;
  }
  ParseOutcome parsed =
      parse_command_line(arguments, volleyctl_commands(), volleyctl_global_options());
  if (parsed.args.help || (parsed.error.empty() && parsed.args.command == "help")) {
    return print_help(parsed.args, out, err);
  }
  if (!parsed.error.empty())
    return print_usage_error(parsed, err);
  const CommandSpec& spec = *find_command(volleyctl_commands(), parsed.args.command);
  auto run = [&](ControlClient& client) {
    CommandContext context{parsed.args,
                           spec,
                           client,
                           out,
                           err,
                           parsed.args.has("json"),
                           environment.stderr_is_terminal,
                           environment.stdout_is_terminal,
                           terminal_style(environment)};
    return handlers().at(spec.name)(context);
  };
  if (is_offline_command(spec.name)) { // works without a reachable or configured volleyd
    ControlClient unused(ControlEndpoint{});
    return run(unused);
  }
  auto endpoint = choose_control_endpoint(parsed.args, environment.lookup, environment.exists);
  if (!endpoint) {
    err << "error: " << endpoint.error().message << "\n";
    if (endpoint.error().code != error_code::invalid_request)
      return exit_no_input;
    err << volleyctl_usage_line(spec) << "\n";
    return exit_usage;
  }
  ControlClient client(std::move(*endpoint));
  return run(client);
}

int run_volleyctl(int argc, char** argv, std::ostream& out, std::ostream& err) {
  std::vector<std::string> arguments;
  for (int i = 1; i < argc; ++i)
    arguments.emplace_back(argv[i]);
  bool out_terminal = &out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
  bool err_terminal = &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
  std::size_t columns = 0;
  winsize size{};
  if (out_terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
    columns = size.ws_col;
  return run_volleyctl(arguments, process_environment(out_terminal, err_terminal, columns), out,
                       err);
}

} // namespace volley::tools
