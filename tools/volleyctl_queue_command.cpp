// volleyctl queue [SITE|DOMAIN] (alias: queues): GET /v1/queues as a table of destination sites,
// deepest queue first, or the sites one name matches in detail. With --json the answer is printed
// unchanged, filtered to the matching sites when a name is given. Never changes anything.
#include <boost/json.hpp>

#include "tools/volleyctl_command_context.hpp"
#include "tools/volleyctl_output.hpp"
#include "tools/volleyctl_queue_view.hpp"

namespace volley::tools {
namespace {

namespace json = boost::json;

int report_no_site(CommandContext& context, const std::string& query, const json::value& answer) {
  std::vector<std::string> names = site_names(answer);
  std::string known;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i)
    known += (known.empty() ? "" : ", ") + names[i];
  if (names.size() > 5)
    known += ", …";
  context.err << "error: no destination site matches \"" << query
              << "\" — a site is listed once mail for one of its domains is queued"
              << (known.empty() ? std::string(" (none yet)") : "; known sites: " + known)
              << " (run `volleyctl queue`)\n";
  return exit_server_error;
}

int print_matching_sites(CommandContext& context, const std::string& query,
                         const json::value& answer) {
  auto found = find_sites(answer, query);
  if (found.empty())
    return report_no_site(context, query, answer);
  if (context.json) {
    json::object filtered = answer.as_object();
    json::array sites;
    for (const json::value* site : found)
      sites.push_back(*site);
    filtered["sites"] = std::move(sites);
    context.out << json::serialize(filtered) << "\n";
    return exit_ok;
  }
  std::int64_t now = now_unix_ms();
  for (std::size_t i = 0; i < found.size(); ++i)
    context.out << (i > 0 ? "\n" : "") << render_site_detail(*found[i], context.style, now);
  return exit_ok;
}

} // namespace

int run_queue(CommandContext& context) {
  auto answer = context.client.request("GET", "/v1/queues");
  if (context.args.positionals.empty()) {
    return print_answer(context, answer, [&](const json::value& json) {
      return render_queue_table(json, context.style, now_unix_ms());
    });
  }
  CheckedAnswer checked = check_answer(context, answer, JsonEcho::hold);
  if (checked.exit_code != exit_ok)
    return checked.exit_code;
  if (!checked.json.is_object()) {
    context.err << "error: volleyd's /v1/queues answer is not a JSON object — is it a volleyd "
                   "of this version?\n";
    return exit_server_error;
  }
  return print_matching_sites(context, context.args.positionals[0], checked.json);
}

} // namespace volley::tools
