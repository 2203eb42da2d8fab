// The human views of GET /v1/queues for `volleyctl queue`: a table of destination sites, deepest
// queue first, and one site in detail; plus finding the sites a SITE, MX host or domain names.
// Pure (JSON and the current time in, text out); never throws on answers of an unexpected shape.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tools/cli_format.hpp"

namespace volley::tools {

// SITE DOMAINS QUEUED CONN RATE STATE DELIVERED DEFERRED BOUNCED LAST ERROR, sorted by queued
// (then by name), under a line of totals; the last error is cut to the style's width.
std::string render_queue_table(const boost::json::value& answer, const TerminalStyle& style,
                               std::int64_t now_ms);
// Every field of one site as "key  value" lines, the last error in full.
std::string render_site_detail(const boost::json::value& site, const TerminalStyle& style,
                               std::int64_t now_ms);
// The sites `query` names, best kind of match first: the site name, a domain routed to it, one of
// its MX hosts or its route, else every site whose name contains it (case-insensitive).
std::vector<const boost::json::value*> find_sites(const boost::json::value& answer,
                                                  std::string_view query);
// All site names of the answer, for "known sites: ..." hints.
std::vector<std::string> site_names(const boost::json::value& answer);
// "ok", "throttled by RULE", "suspended for 42s" (plain text; callers colour it).
std::string site_state(const boost::json::value& site, std::int64_t now_ms);
// "mx:a.example +2", "gmail.com +3": the first item of a list and how many more there are.
std::string shortened_list(const std::vector<std::string>& items, std::string_view prefix = "");

} // namespace volley::tools
