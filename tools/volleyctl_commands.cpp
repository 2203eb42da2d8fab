// volleyctl's top level: help, usage errors, endpoint choice and dispatch to the command handlers.
// Never exits the process and never talks to volleyd for help or usage errors.
#include "tools/volleyctl_commands.hpp"

#include <unistd.h>

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
      {"send", run_send},
      {"suppress", run_suppress},
      {"unsuppress", run_unsuppress},
      {"suppressions", run_suppressions},
      {"bounces", run_bounces},
      {"queues", run_queues},
      {"health", run_health},
      {"dkim keygen", run_dkim_keygen},
      {"check-domain", run_check_domain},
      {"policy check", run_policy_check},
      {"policy explain", run_policy_explain},
  };
  return table;
}

bool is_offline_command(std::string_view name) {
  return name == "dkim keygen" || name == "check-domain" || name.starts_with("policy ");
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

VolleyctlEnvironment process_environment(bool stderr_is_terminal) {
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
  return environment;
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
  if (is_offline_command(spec.name)) { // works without a reachable or configured volleyd
    ControlClient unused(ControlEndpoint{});
    CommandContext context{parsed.args,
                           spec,
                           unused,
                           out,
                           err,
                           parsed.args.has("json"),
                           environment.stderr_is_terminal};
    return handlers().at(spec.name)(context);
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
  CommandContext context{
      parsed.args, spec, client, out, err, parsed.args.has("json"), environment.stderr_is_terminal};
  return handlers().at(spec.name)(context);
}

int run_volleyctl(int argc, char** argv, std::ostream& out, std::ostream& err) {
  std::vector<std::string> arguments;
  for (int i = 1; i < argc; ++i)
    arguments.emplace_back(argv[i]);
  bool terminal = &err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
  return run_volleyctl(arguments, process_environment(terminal), out, err);
}

} // namespace volley::tools
