// volleyctl commands outside campaigns: send (transactional), suppress / unsuppress / suppressions,
// bounces, queues and health. Never builds a request target without percent-encoding user input.
#include <boost/json.hpp>

#include "tools/url_encoding.hpp"
#include "tools/volleyctl_command_context.hpp"
#include "tools/volleyctl_output.hpp"

namespace volley::tools {
namespace {

namespace json = boost::json;

std::string field_text(const json::value& answer, std::string_view key) {
  const json::object* o = answer.if_object();
  return o ? json_field_text(o->if_contains(key)) : "";
}

// "more: volleyctl COMMAND --after NEXT [--limit N]" when the answer has a next cursor.
std::string next_page_hint(const json::value& answer, const std::string& command_line,
                           const std::string& limit) {
  auto next = json_next_cursor(answer);
  if (!next)
    return "";
  std::string line = "more: volleyctl " + command_line + " --after " + shell_quote(*next);
  if (!limit.empty())
    line += " --limit " + limit;
  return line + "\n";
}

} // namespace

int run_send(CommandContext& context) {
  const ParsedArgs& args = context.args;
  auto tags = tags_object(args.values("tag"));
  if (!tags)
    return report_usage_error(context, tags.error().message);
  auto message = read_input_file(args.value("message"), "--message");
  if (!message)
    return report_input_error(context, message.error());
  json::array to;
  for (const std::string& address : args.values("to"))
    to.emplace_back(address);
  json::object body{{"from", args.value("from")}, {"to", std::move(to)}, {"message", *message}};
  if (!tags->empty())
    body["tags"] = std::move(*tags);
  auto answer = context.client.request("POST", "/v1/messages", json::serialize(body));
  return print_answer(context, answer, [](const json::value& json) {
    std::string text = "message " + field_text(json, "id") + " accepted";
    if (json.is_object() && json.as_object().contains("accepted")) {
      text += " for " + std::to_string(json_field_count(json, "accepted")) + " recipient(s)";
    }
    std::uint64_t suppressed = json_field_count(json, "suppressed");
    if (suppressed > 0) {
      text += "; " + std::to_string(suppressed) + " suppressed address(es) will not be sent to";
    }
    return text + "\n";
  });
}

int run_suppress(CommandContext& context) {
  const std::string& address = context.args.positionals[0];
  json::object body{{"reason", context.args.value("reason")}};
  auto answer = context.client.request("PUT", "/v1/suppressions/" + percent_encode(address),
                                       json::serialize(body));
  return print_answer(context, answer, [&](const json::value& json) {
    std::string stored = field_text(json, "address");
    return (stored.empty() ? address : stored) + " is on the suppression list\n";
  });
}

int run_unsuppress(CommandContext& context) {
  const std::string& address = context.args.positionals[0];
  auto answer = context.client.request("DELETE", "/v1/suppressions/" + percent_encode(address));
  return print_answer(context, answer, [&](const json::value&) {
    return address + " removed from the suppression list\n";
  });
}

int run_suppressions(CommandContext& context) {
  auto limit = limit_value(context.args);
  if (!limit)
    return report_usage_error(context, limit.error().message);
  std::string target = "/v1/suppressions" +
                       query_string({{"after", context.args.value("after")}, {"limit", *limit}});
  return print_answer(context, context.client.request("GET", target), [&](const json::value& j) {
    return render_suppressions(j) + next_page_hint(j, "suppressions", *limit);
  });
}

int run_bounces(CommandContext& context) {
  auto limit = limit_value(context.args);
  if (!limit)
    return report_usage_error(context, limit.error().message);
  std::string campaign = context.args.value("campaign");
  std::string target = "/v1/bounces" + query_string({{"campaign", campaign},
                                                     {"after", context.args.value("after")},
                                                     {"limit", *limit}});
  std::string command_line = "bounces";
  if (!campaign.empty())
    command_line += " --campaign " + shell_quote(campaign);
  return print_answer(context, context.client.request("GET", target), [&](const json::value& j) {
    return render_bounces(j) + next_page_hint(j, command_line, *limit);
  });
}

int run_queues(CommandContext& context) {
  return print_answer(context, context.client.request("GET", "/v1/queues"), render_queues);
}

int run_health(CommandContext& context) {
  return print_answer(context, context.client.request("GET", "/healthz"), render_flat_object);
}

} // namespace volley::tools
