// What every volleyctl command gets (parsed arguments, the control client, output streams) and the
// shared ways to finish: answer checking with exit codes, usage and input-file errors. Never exits
// the process; every path returns an exit code.
#pragma once

#include <boost/json/value.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "protocol/result.hpp"
#include "tools/cli_args.hpp"
#include "tools/cli_format.hpp"
#include "tools/control_client.hpp"

namespace volley::tools {

inline constexpr int exit_ok = 0;
inline constexpr int exit_server_error = 1; // volleyd answered non-2xx, or what was asked is absent
inline constexpr int exit_unreachable = 2;  // transport: cannot connect, lost connection, timeout
inline constexpr int exit_usage = 64;       // EX_USAGE
inline constexpr int exit_no_input = 66;    // EX_NOINPUT: a file named on the command line
inline constexpr int exit_interrupted = 130; // 128 + SIGINT: Ctrl-C during `campaign watch`

struct CommandContext {
  const ParsedArgs& args;
  const CommandSpec& spec;
  ControlClient& client;
  std::ostream& out;
  std::ostream& err;
  bool json = false;               // --json: print volleyd's answers as they are
  bool stderr_is_terminal = false; // draw upload progress bars
  bool stdout_is_terminal = false; // redraw `campaign watch` in place
  TerminalStyle style;             // colour and width for human output
};

struct CheckedAnswer {
  int exit_code = exit_ok;
  bool printed = false; // the body was already printed (--json, or 2xx that is not JSON)
  boost::json::value json;
};

// Whether check_answer prints the body of a --json answer itself (echo) or leaves it to the caller
// (hold: commands that combine several answers into one document).
enum class JsonEcho { echo, hold };

// Prints transport errors (exit 2 or 66) and error answers (exit 1) as one line on stderr and,
// with --json and JsonEcho::echo, every body on stdout.
CheckedAnswer check_answer(CommandContext& context, const Result<HttpAnswer>& answer,
                           JsonEcho echo = JsonEcho::echo);
// "error: ..." for an error answer: volleyd's code and message, or for 401 what to do about the
// token. One line, no newline.
std::string error_answer_line(const CommandContext& context, const HttpAnswer& answer);

// check_answer, then render(json) on stdout for a 2xx JSON answer in human mode.
template <class Render>
int print_answer(CommandContext& context, const Result<HttpAnswer>& answer, Render&& render) {
  CheckedAnswer checked = check_answer(context, answer);
  if (checked.exit_code == exit_ok && !checked.printed)
    context.out << render(checked.json);
  return checked.exit_code;
}

int report_usage_error(CommandContext& context, const std::string& message);
int report_input_error(CommandContext& context, const Error& error);

// Whole small input files (messages); errors name the file and the option.
Result<std::string> read_input_file(const std::string& path, const char* option);
// A file that will be streamed later: exists, is a regular file, can be opened.
Result<Unit> check_streamable_file(const std::string& path, const char* option);
// --tag KEY=VALUE values as a JSON object; usage errors for a missing "=" or a repeated key.
Result<boost::json::object> tags_object(const std::vector<std::string>& tags);
// --limit N: a positive integer (usage error otherwise); "" when not given.
Result<std::string> limit_value(const ParsedArgs& args);
// Milliseconds since 1970 (system clock), for ages such as "5m ago".
std::int64_t now_unix_ms();
// "word" or 'quoted word' for showing a value in a suggested command line.
std::string shell_quote(const std::string& text);

// Command handlers (volleyctl_campaign_commands.cpp, volleyctl_delivery_commands.cpp).
int run_campaign_create(CommandContext& context);
int run_campaign_add(CommandContext& context);
int run_campaign_status(CommandContext& context);
int run_campaign_list(CommandContext& context);
int run_campaign_state_change(CommandContext& context); // pause / resume / cancel
int run_send(CommandContext& context);
int run_suppress(CommandContext& context);
int run_unsuppress(CommandContext& context);
int run_suppressions(CommandContext& context);
int run_bounces(CommandContext& context);
int run_health(CommandContext& context);
int run_dkim_keygen(CommandContext& context);    // offline: never talks to volleyd
int run_campaign_watch(CommandContext& context); // volleyctl_watch_command.cpp
int run_queue(CommandContext& context);          // volleyctl_queue_command.cpp
int run_completion(CommandContext& context);     // offline: volleyctl_completion.cpp

} // namespace volley::tools
