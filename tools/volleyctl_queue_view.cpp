// Renderings of GET /v1/queues (engine/control_api_delivery.cpp names the fields). A field that is
// missing or of another type shows as empty; nothing here trusts the answer's shape.
#include "tools/volleyctl_queue_view.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <functional>

#include "tools/cli_table.hpp"
#include "tools/volleyctl_output.hpp"

namespace volley::tools {
namespace {

namespace json = boost::json;

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> domains_of(const json::value& site) {
  std::vector<std::string> out;
  const json::value* list = field(site, "domains");
  if (list && list->is_array()) {
    for (const json::value& name : list->as_array())
      out.push_back(json_field_text(&name));
  }
  return out;
}

// "mx:a,b" -> {"a", "b"}; "route:127.0.0.1:2525" -> {"127.0.0.1:2525"}.
std::vector<std::string> hosts_of(const std::string& site) {
  std::size_t colon = site.find(':');
  std::string rest = colon == std::string::npos ? site : site.substr(colon + 1);
  std::vector<std::string> out;
  if (site.rfind("mx:", 0) != 0)
    return {rest};
  for (std::size_t start = 0; start <= rest.size();) {
    std::size_t comma = std::min(rest.find(',', start), rest.size());
    if (comma > start)
      out.push_back(rest.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// "mx:first +2" for long MX sites; other names unchanged.
std::string short_site_name(const std::string& site) {
  if (site.rfind("mx:", 0) != 0)
    return site;
  return shortened_list(hosts_of(site), "mx:");
}

const json::array* sites_of(const json::value& answer) {
  const json::value* sites = field(answer, "sites");
  return sites ? sites->if_array() : nullptr;
}

std::string rate_text(const json::value& site) {
  std::string rate = text_of(site, "rate");
  const json::value* factor = field(site, "rate_factor");
  double value = factor && factor->is_number() ? factor->to_number<double>() : 1.0;
  if (rate.empty())
    return "unlimited";
  if (value < 1.0) {
    char text[32];
    std::snprintf(text, sizeof text, " ×%.2g", value);
    rate += text;
  }
  return rate;
}

TextColor state_color(const std::string& state) {
  if (state.rfind("suspended", 0) == 0)
    return TextColor::red;
  return state == "ok" ? TextColor::green : TextColor::yellow;
}

} // namespace

std::string shortened_list(const std::vector<std::string>& items, std::string_view prefix) {
  if (items.empty())
    return "";
  std::string text = std::string(prefix) + items.front();
  if (items.size() > 1)
    text += " +" + std::to_string(items.size() - 1);
  return text;
}

std::string site_state(const json::value& site, std::int64_t now_ms) {
  const json::value* until = field(site, "suspended_until_ms");
  if (until && until->is_number()) {
    auto at = until->to_number<double>();
    if (at > static_cast<double>(now_ms))
      return "suspended for " + format_duration((at - static_cast<double>(now_ms)) / 1000);
  }
  std::string throttle = text_of(site, "throttle");
  if (!throttle.empty())
    return "throttled by " + throttle;
  return "ok";
}

std::string render_queue_table(const json::value& answer, const TerminalStyle& style,
                               std::int64_t now_ms) {
  if (text_of(answer, "delivery") == "off")
    return "delivery is off in volleyd's config ([delivery] enabled = false)\n";
  const json::array* sites = sites_of(answer);
  std::string head =
      format_count(sites ? sites->size() : 0) + " site(s), " +
      format_count(json_field_count(answer, "jobs_in_memory")) + " recipient(s) in memory, " +
      format_count(json_field_count(answer, "connections_open")) + " connection(s) open\n";
  if (!sites || sites->empty())
    return head + "no destination sites yet: a site appears once mail for it is queued\n";
  std::vector<const json::value*> sorted;
  for (const json::value& site : *sites)
    sorted.push_back(&site);
  std::stable_sort(sorted.begin(), sorted.end(), [](const json::value* a, const json::value* b) {
    std::uint64_t qa = json_field_count(*a, "queued"), qb = json_field_count(*b, "queued");
    return qa != qb ? qa > qb : text_of(*a, "site") < text_of(*b, "site");
  });
  TextTable table({"SITE", "DOMAINS", "QUEUED", "CONN", "RATE", "STATE", "DELIVERED", "DEFERRED",
                   "BOUNCED", "LAST ERROR"});
  for (std::size_t c : {2, 3, 6, 7, 8})
    table.align_right(c);
  table.limit_width(0, 40);
  table.limit_width(1, 30);
  table.limit_width(9, 100);
  table.fit_to_width(9, style.width, 20);
  for (const json::value* site : sorted) {
    std::string state = site_state(*site, now_ms);
    table.add_row({short_site_name(text_of(*site, "site")), shortened_list(domains_of(*site)),
                   format_count(json_field_count(*site, "queued")),
                   format_count(json_field_count(*site, "connections")) + "/" +
                       format_count(json_field_count(*site, "idle_connections")),
                   rate_text(*site), paint(state, state_color(state), style.color),
                   format_count(json_field_count(*site, "delivered")),
                   format_count(json_field_count(*site, "deferred")),
                   format_count(json_field_count(*site, "bounced")), text_of(*site, "last_error")});
  }
  return head + table.render();
}

std::string render_site_detail(const json::value& site, const TerminalStyle& style,
                               std::int64_t now_ms) {
  std::string state = site_state(site, now_ms);
  std::string domains;
  for (const std::string& domain : domains_of(site))
    domains += (domains.empty() ? "" : ", ") + domain;
  std::string group = text_of(site, "group");
  std::vector<std::pair<std::string, std::string>> lines{
      {"site", text_of(site, "site")},
      {"state", paint(state, state_color(state), style.color)},
      {"domains", domains.empty() ? "(none seen yet)" : domains},
      {"group", group.empty() ? "(none)" : group},
      {"tls", text_of(site, "tls")},
      {"queued", format_count(json_field_count(site, "queued"))},
      {"connections", format_count(json_field_count(site, "connections")) + " open, " +
                          format_count(json_field_count(site, "idle_connections")) + " idle"},
      {"rate", rate_text(site)},
      {"delivered", format_count(json_field_count(site, "delivered"))},
      {"deferred", format_count(json_field_count(site, "deferred"))},
      {"bounced", format_count(json_field_count(site, "bounced"))}};
  std::string throttle = text_of(site, "throttle");
  if (!throttle.empty())
    lines.emplace_back("throttle rule", throttle);
  std::string error = text_of(site, "last_error");
  lines.emplace_back("last error", error.empty() ? "(none)" : error);
  return render_key_values(lines);
}

std::vector<const json::value*> find_sites(const json::value& answer, std::string_view query) {
  const json::array* sites = sites_of(answer);
  if (!sites)
    return {};
  std::string wanted = lower(query);
  if (!wanted.empty() && wanted.back() == '.')
    wanted.pop_back();
  auto matching = [&](auto&& matches) {
    std::vector<const json::value*> out;
    for (const json::value& site : *sites) {
      if (matches(site))
        out.push_back(&site);
    }
    return out;
  };
  auto in = [&](const std::vector<std::string>& items) {
    return std::any_of(items.begin(), items.end(),
                       [&](const std::string& item) { return lower(item) == wanted; });
  };
  std::vector<std::function<bool(const json::value&)>> tiers{
      [&](const json::value& s) { return lower(text_of(s, "site")) == wanted; },
      [&](const json::value& s) { return in(domains_of(s)); },
      [&](const json::value& s) { return in(hosts_of(text_of(s, "site"))); },
      [&](const json::value& s) {
        return lower(text_of(s, "site")).find(wanted) != std::string::npos;
      }};
  for (const auto& tier : tiers) {
    auto found = matching(tier);
    if (!found.empty())
      return found;
  }
  return {};
}

std::vector<std::string> site_names(const json::value& answer) {
  std::vector<std::string> out;
  if (const json::array* sites = sites_of(answer)) {
    for (const json::value& site : *sites)
      out.push_back(text_of(site, "site"));
  }
  return out;
}

} // namespace volley::tools
