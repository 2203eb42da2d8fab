// volleyctl commands outside campaigns: send (transactional), suppress / unsuppress / suppressions,
// bounces (one page, or every page with --all) and health. Never builds a request target without
// percent-encoding user input, and never follows a cursor that does not move.
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
    return render_suppressions(j, context.style) + next_page_hint(j, "suppressions", *limit);
  });
}

namespace {

std::string bounces_target(const std::string& campaign, const std::string& after,
                           const std::string& limit) {
  return "/v1/bounces" + query_string({{"campaign", campaign}, {"after", after}, {"limit", limit}});
}

// With no bounces for --campaign ID: exit 1 and volleyd's "does not exist" when there is no such
// campaign (a typo would otherwise look like a clean campaign); exit 0 otherwise.
int check_campaign_exists(CommandContext& context, const std::string& campaign) {
  auto answer = context.client.request("GET", "/v1/campaigns/" + percent_encode(campaign));
  if (answer.ok() && answer->status == 404) {
    context.err << error_answer_line(context, *answer) << "\n";
    return exit_server_error;
  }
  return exit_ok;
}

// --all: every page from --after on, as one table or one JSON document.
int print_all_bounces(CommandContext& context, const std::string& campaign,
                      const std::string& limit) {
  json::array records;
  std::string after = context.args.value("after");
  for (;;) {
    CheckedAnswer page =
        check_answer(context, context.client.request("GET", bounces_target(campaign, after, limit)),
                     JsonEcho::hold);
    if (page.exit_code != exit_ok)
      return page.exit_code;
    if (const json::value* list =
            page.json.is_object() ? page.json.as_object().if_contains("records") : nullptr;
        list && list->is_array()) {
      for (const json::value& record : list->as_array())
        records.push_back(record);
    }
    auto next = json_next_cursor(page.json);
    if (!next || *next == after)
      break;
    after = *next;
  }
  if (context.json) {
    context.out << json::serialize(json::object{{"records", records}, {"next", nullptr}}) << "\n";
    return exit_ok;
  }
  context.out << render_bounces(json::value(records), context.style, campaign.empty());
  if (records.empty() && !campaign.empty())
    return check_campaign_exists(context, campaign);
  if (!records.empty())
    context.out << format_count(records.size()) << " bounce record(s)\n";
  return exit_ok;
}

} // namespace

int run_bounces(CommandContext& context) {
  auto limit = limit_value(context.args);
  if (!limit)
    return report_usage_error(context, limit.error().message);
  std::string campaign = context.args.value("campaign");
  if (context.args.has("all"))
    return print_all_bounces(context, campaign, *limit);
  std::string target = bounces_target(campaign, context.args.value("after"), *limit);
  std::string command_line = "bounces";
  if (!campaign.empty())
    command_line += " --campaign " + shell_quote(campaign);
  bool empty = false;
  int status =
      print_answer(context, context.client.request("GET", target), [&](const json::value& j) {
        const json::object* o = j.if_object();
        const json::value* list = o ? o->if_contains("records") : nullptr;
        empty = !list || !list->is_array() || list->as_array().empty();
        return render_bounces(j, context.style, campaign.empty()) +
               next_page_hint(j, command_line, *limit);
      });
  if (status == exit_ok && empty && !campaign.empty() && context.args.value("after").empty())
    return check_campaign_exists(context, campaign);
  return status;
}

int run_health(CommandContext& context) {
  return print_answer(context, context.client.request("GET", "/healthz"),
                      [&](const json::value& j) { return render_health(j, context.style); });
}

} // namespace volley::tools
