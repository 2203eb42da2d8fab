// volleyctl campaign commands: create (+ recipient upload), add, status, list, pause/resume/cancel.
// Never creates a campaign before every input file has been checked, and never leaves the user
// guessing what to do when the upload after a successful create fails.
#include <boost/json.hpp>
#include <filesystem>

#include "tools/progress_bar.hpp"
#include "tools/url_encoding.hpp"
#include "tools/volleyctl_command_context.hpp"
#include "tools/volleyctl_output.hpp"

namespace volley::tools {
namespace {

namespace json = boost::json;

std::string campaign_target(const std::string& id) {
  return "/v1/campaigns/" + percent_encode(id);
}

std::string answer_id(const CheckedAnswer& answer, const std::string& fallback) {
  std::string id;
  if (const json::object* o = answer.json.if_object())
    id = json_field_text(o->if_contains("id"));
  return id.empty() ? fallback : id;
}

// Streams an NDJSON file to POST /v1/campaigns/{id}/recipients with a progress display.
CheckedAnswer upload_recipients(CommandContext& context, const std::string& id,
                                const std::string& path, JsonEcho echo = JsonEcho::echo) {
  UploadProgressBar bar(context.err, context.stderr_is_terminal,
                        std::filesystem::path(path).filename().string());
  auto answer = context.client.upload_file(
      "POST", campaign_target(id) + "/recipients", path, "application/x-ndjson",
      [&bar](std::uint64_t sent, std::uint64_t total) { bar.update(sent, total); });
  bar.finish(answer.ok() && answer->status >= 200 && answer->status < 300);
  return check_answer(context, answer, echo);
}

void print_upload_result(CommandContext& context, const CheckedAnswer& answer,
                         const std::string& prefix) {
  if (answer.printed || context.json)
    return;
  context.out << prefix << render_recipient_counts(answer.json) << "\n"
              << render_rejections(answer.json);
}

Result<json::object> campaign_create_body(CommandContext& context) {
  const ParsedArgs& args = context.args;
  auto tags = tags_object(args.values("tag"));
  if (!tags)
    return tags.error();
  auto message = read_input_file(args.value("message"), "--message");
  if (!message)
    return message.error();
  json::object body{{"from", args.value("from")}, {"message", std::move(*message)}};
  if (args.has("id"))
    body["id"] = args.value("id");
  if (!tags->empty())
    body["tags"] = std::move(*tags);
  if (args.has("not-before"))
    body["not_before"] = args.value("not-before");
  if (args.has("expires-after"))
    body["expires_after"] = args.value("expires-after");
  return body;
}

} // namespace

int run_campaign_create(CommandContext& context) {
  auto body = campaign_create_body(context);
  if (!body) {
    return body.error().code == error_code::invalid_request
               ? report_usage_error(context, body.error().message)
               : report_input_error(context, body.error());
  }
  std::string recipients = context.args.value("recipients");
  if (!recipients.empty()) {
    auto streamable = check_streamable_file(recipients, "--recipients");
    if (!streamable)
      return report_input_error(context, streamable.error());
  }
  // With --json and a recipients file the two answers become one document: the create answer
  // with the upload answer under "upload".
  JsonEcho echo = recipients.empty() ? JsonEcho::echo : JsonEcho::hold;
  CheckedAnswer created = check_answer(
      context, context.client.request("POST", "/v1/campaigns", json::serialize(*body)), echo);
  if (created.exit_code != exit_ok)
    return created.exit_code;
  std::string id = answer_id(created, context.args.value("id"));
  if (!context.json) {
    context.out << "campaign " << id << " created\n";
    if (recipients.empty()) {
      context.out << "no recipients yet: add them with `volleyctl campaign add " << shell_quote(id)
                  << " FILE.ndjson`\n";
    }
  }
  if (recipients.empty())
    return exit_ok;
  CheckedAnswer uploaded = upload_recipients(context, id, recipients, echo);
  if (context.json) {
    json::object document =
        created.json.is_object() ? created.json.as_object() : json::object{{"id", id}};
    document["upload"] = uploaded.json;
    context.out << json::serialize(document) << "\n";
  }
  if (uploaded.exit_code != exit_ok) {
    context.err << "the campaign " << id << " exists without these recipients; upload them with "
                << "`volleyctl campaign add " << shell_quote(id) << " " << shell_quote(recipients)
                << "`\n";
    return uploaded.exit_code;
  }
  print_upload_result(context, uploaded, "recipients: ");
  return exit_ok;
}

int run_campaign_add(CommandContext& context) {
  const std::string& id = context.args.positionals[0];
  const std::string& path = context.args.positionals[1];
  auto streamable = check_streamable_file(path, "recipients file");
  if (!streamable)
    return report_input_error(context, streamable.error());
  CheckedAnswer uploaded = upload_recipients(context, id, path);
  if (uploaded.exit_code != exit_ok)
    return uploaded.exit_code;
  print_upload_result(context, uploaded, "campaign " + id + ": ");
  return exit_ok;
}

int run_campaign_status(CommandContext& context) {
  auto answer = context.client.request("GET", campaign_target(context.args.positionals[0]));
  return print_answer(context, answer, [&](const json::value& json) {
    return render_campaign_status(json, context.style, now_unix_ms());
  });
}

int run_campaign_list(CommandContext& context) {
  auto answer = context.client.request("GET", "/v1/campaigns");
  if (context.args.has("ids")) { // plain ids even with --json: completion scripts read them
    CheckedAnswer checked = check_answer(context, answer, JsonEcho::hold);
    if (checked.exit_code == exit_ok)
      context.out << render_campaign_ids(checked.json);
    return checked.exit_code;
  }
  return print_answer(context, answer, [&](const json::value& json) {
    return render_campaign_table(json, context.style, now_unix_ms());
  });
}

int run_campaign_state_change(CommandContext& context) {
  std::string action = context.args.command.substr(context.args.command.rfind(' ') + 1);
  const std::string& id = context.args.positionals[0];
  auto answer = context.client.request("POST", campaign_target(id) + "/" + action);
  return print_answer(context, answer, [&](const json::value& json) {
    std::string state;
    if (const json::object* o = json.if_object())
      state = json_field_text(o->if_contains("state"));
    return "campaign " + id + " is now " + (state.empty() ? action : state) + "\n";
  });
}

} // namespace volley::tools
