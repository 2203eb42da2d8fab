// Shared finishing steps of volleyctl commands: exit codes for transport errors, error answers and
// bad input files; reading message files; --tag and --limit values. Never prints to stdout except
// the answer itself.
#include "tools/volleyctl_command_context.hpp"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

#include "tools/volleyctl_output.hpp"
#include "tools/volleyctl_usage.hpp"

namespace volley::tools {
namespace {

constexpr std::size_t max_message_file_bytes = 1ull << 30;

Error file_error(const std::string& path, const char* option, const std::string& why) {
  return make_error(error_code::not_found,
                    std::string("cannot read ") + option + " " + path + ": " + why);
}

Result<Unit> check_regular_file(const std::string& path, const char* option) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    return file_error(path, option, std::strerror(errno));
  if (!S_ISREG(info.st_mode))
    return file_error(path, option, "not a regular file");
  if (static_cast<std::uint64_t>(info.st_size) > max_message_file_bytes &&
      std::string_view(option) == "--message") {
    return file_error(path, option, "larger than 1 GiB — volleyd would refuse it anyway");
  }
  return Unit{};
}

// One line for 401: where, which token (or none) and what to do.
std::string unauthorized_line(const ControlEndpoint& endpoint) {
  std::string where = "volleyd at " + describe_endpoint(endpoint);
  if (!endpoint.unix_socket.empty())
    return "error: " + where + " refused the request (401 unauthorized) — check its log";
  std::string fix = "pass the token from volleyd's control.token_file (default "
                    "./var/control.token in volleyd's directory) with --token-file FILE or "
                    "VOLLEY_TOKEN, or use the Unix socket (--socket PATH)";
  if (endpoint.token.empty())
    return "error: " + where + " wants a bearer token (401 unauthorized) and none was sent — " +
           fix;
  return "error: " + where + " refused the bearer token from " +
         (endpoint.token_source.empty() ? std::string("--token") : endpoint.token_source) +
         " (401 unauthorized) — it is not the one volleyd uses; " + fix;
}

void print_body(std::ostream& out, const std::string& body) {
  out << body;
  if (!body.empty() && body.back() != '\n')
    out << "\n";
}

} // namespace

std::string error_answer_line(const CommandContext& context, const HttpAnswer& answer) {
  if (answer.status == 401)
    return unauthorized_line(context.client.endpoint());
  return render_error_answer(answer.status, answer.body);
}

CheckedAnswer check_answer(CommandContext& context, const Result<HttpAnswer>& answer,
                           JsonEcho echo) {
  CheckedAnswer checked;
  if (!answer.ok()) {
    context.err << "error: " << answer.error().message << "\n";
    checked.exit_code =
        answer.error().code == error_code::unavailable ? exit_unreachable : exit_no_input;
    return checked;
  }
  const HttpAnswer& http = *answer;
  bool success = http.status >= 200 && http.status < 300;
  if (context.json && echo == JsonEcho::echo) {
    // An empty 2xx body still gives scripts one JSON document.
    print_body(context.out, http.body.empty() && success ? std::string("{}") : http.body);
    checked.printed = true;
  }
  boost::json::error_code ec;
  checked.json = boost::json::parse(http.body, ec);
  if (!success) {
    context.err << error_answer_line(context, http) << "\n";
    checked.exit_code = exit_server_error;
    return checked;
  }
  if (ec && !checked.printed && echo == JsonEcho::echo) {
    print_body(context.out, http.body);
    checked.printed = true;
  }
  return checked;
}

int report_usage_error(CommandContext& context, const std::string& message) {
  context.err << "error: " << message << "\n" << volleyctl_usage_line(context.spec) << "\n";
  return exit_usage;
}

int report_input_error(CommandContext& context, const Error& error) {
  context.err << "error: " << error.message << "\n";
  return exit_no_input;
}

Result<std::string> read_input_file(const std::string& path, const char* option) {
  auto regular = check_regular_file(path, option);
  if (!regular)
    return regular.error();
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return file_error(path, option, std::strerror(errno));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad())
    return file_error(path, option, "read error");
  return text.str();
}

Result<Unit> check_streamable_file(const std::string& path, const char* option) {
  auto regular = check_regular_file(path, option);
  if (!regular)
    return regular.error();
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return file_error(path, option, std::strerror(errno));
  return Unit{};
}

Result<boost::json::object> tags_object(const std::vector<std::string>& tags) {
  boost::json::object object;
  for (const std::string& tag : tags) {
    std::size_t equals = tag.find('=');
    if (equals == std::string::npos || equals == 0) {
      return make_error(error_code::invalid_request,
                        "--tag \"" + tag + "\" is not KEY=VALUE, e.g. --tag list=spring");
    }
    std::string key = tag.substr(0, equals);
    if (object.contains(key)) {
      return make_error(error_code::invalid_request, "--tag " + key + " is given more than once");
    }
    object[key] = tag.substr(equals + 1);
  }
  return object;
}

Result<std::string> limit_value(const ParsedArgs& args) {
  if (!args.has("limit"))
    return std::string();
  std::string text = args.value("limit");
  unsigned long number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end != text.data() + text.size() || number == 0) {
    return make_error(error_code::invalid_request,
                      "--limit must be a positive whole number, got \"" + text + "\"");
  }
  return text;
}

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string shell_quote(const std::string& text) {
  bool plain = !text.empty() &&
               text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
                                      "pqrstuvwxyz0123456789@%+=:,./_-") == std::string::npos;
  if (plain)
    return text;
  std::string quoted = "'";
  for (char c : text)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

} // namespace volley::tools
