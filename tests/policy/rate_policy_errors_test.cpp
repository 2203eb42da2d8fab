// Tests for the rate policy file's error messages: a table of bad files, one problem each, with the
// exact "file:line:column: what — hint" they produce, and several problems reported at once in
// file order. Parses text only; never reads a file.
#include <gtest/gtest.h>

#include "policy/rate_policy_loader.hpp"

namespace volley::policy {
namespace {

std::string parse_error(std::string_view text) {
  auto policy = parse_rate_policy(text, "p.toml");
  EXPECT_FALSE(policy.ok()) << "parsed without error:\n" << text;
  if (policy.ok())
    return "";
  EXPECT_EQ(policy.error().code, error_code::invalid_request);
  return policy.error().message;
}

struct BadFile {
  const char* text;
  const char* message;
};

// One problem per file, with the exact message.
const BadFile bad_files[] = {
    {"[defualts]\n", "p.toml:1:2: unknown section [defualts] — did you mean [defaults]?"},
    {"[throttles]\n", "p.toml:1:2: unknown section [throttles] — did you mean [[throttle]]?"},
    {"[database]\n",
     "p.toml:1:2: unknown section [database] — valid sections: [defaults], [group.NAME], "
     "[domain.\"pattern\"], [pool.NAME], [campaign.\"pattern\"], [tenant.NAME], [[throttle]]"},
    {"[spool]\n",
     "p.toml:1:2: unknown section [spool] — [spool] belongs in volleyd.toml, not in the policy "
     "file (its sections: [defaults], [group.NAME], [domain.\"pattern\"], [pool.NAME], "
     "[campaign.\"pattern\"], [tenant.NAME], [[throttle]])"},
    {"rate = \"1/s\"\n", "p.toml:1:1: unknown key `rate` outside any section — settings for "
                         "every site belong in [defaults]"},
    {"[defaults]\nmax_conections = 2\n",
     "p.toml:2:1: unknown key `max_conections` in [defaults] — did you mean `max_connections`?"},
    {"[defaults]\nmx = [\"*.x.com\"]\n",
     "p.toml:2:1: unknown key `mx` in [defaults] — `mx` belongs in a [group.NAME] table: groups "
     "match sites by their MX hosts"},
    {"[defaults]\nidle_timeout = \"5s\"\n",
     "p.toml:2:1: unknown key `idle_timeout` in [defaults] — `idle_timeout` is set for all sites "
     "in volleyd.toml [delivery]"},
    {"[defaults]\nmax_connections = \"20\"\n",
     "p.toml:2:19: [defaults] `max_connections` must be an integer, got string — remove the "
     "quotes: max_connections = 20"},
    {"[defaults]\nmax_connections = 0\n",
     "p.toml:2:19: [defaults] `max_connections` = 0 is out of range — use 1 to 1000000 "
     "connections to one site at a time, e.g. 20"},
    {"[defaults]\nmax_recipients_per_transaction = 0\n",
     "p.toml:2:34: [defaults] `max_recipients_per_transaction` = 0 is out of range — use 1 or "
     "more RCPT TO per message, e.g. 50 (servers must accept 100)"},
    {"[defaults]\nrate = \"0.5/s\"\n", "p.toml:2:8: [defaults] `rate`: \"0.5/s\" is not a whole "
                                       "number of messages — write \"30/min\""},
    {"[defaults]\nrate = 100\n",
     "p.toml:2:8: [defaults] `rate` must be a rate, got integer — write messages per period in "
     "quotes, e.g. rate = \"100/s\", or rate = {limit = \"6000/min\", burst = 200}"},
    {"[defaults]\nrate = {burst = 5}\n", "p.toml:2:8: [defaults] `rate` has no `limit` — write "
                                         "rate = {limit = \"6000/min\", burst = 200}"},
    {"[defaults]\nrate = {limit = \"1/s\", bust = 5}\n",
     "p.toml:2:24: unknown key `rate.bust` in [defaults] — did you mean `burst`?"},
    {"[defaults]\nrate = {limit = \"1/s\", burst = 0}\n",
     "p.toml:2:32: [defaults] `rate.burst` = 0 is out of range — use 1 or more messages that may "
     "go at once after a quiet spell; leave it out for one second's worth"},
    {"[defaults]\nconnect_timeout = \"25h\"\n",
     "p.toml:2:19: [defaults] `connect_timeout` = 25h is out of range — use 1ms to 24h for the "
     "TCP connection to an MX host, e.g. \"30s\""},
    {"[defaults]\ndata_timeout = 600\n",
     "p.toml:2:16: [defaults] `data_timeout` must be a duration string, got integer — write the "
     "number with its unit in quotes, e.g. \"30s\", \"5m\", \"500ms\" (a bare number would be "
     "ambiguous)"},
    {"[defaults]\nexpires_after = \"500ms\"\n",
     "p.toml:2:17: [defaults] `expires_after`: duration \"500ms\" is not a whole number of "
     "seconds — this setting counts seconds, e.g. \"1s\" or \"30s\""},
    {"[defaults]\ntls = \"may\"\n",
     "p.toml:2:7: [defaults] `tls`: unknown TLS mode \"may\" — did you mean \"opportunistic\"? "
     "(modes: off, opportunistic, require, verify)"},
    {"[defaults]\nretry_schedule = []\n",
     "p.toml:2:18: [defaults] `retry_schedule` is empty — list at least one delay, e.g. [\"5m\", "
     "\"1h\"]; the last one repeats until the recipient expires"},
    {"[defaults]\nretry_schedule = [\"1h\", \"5m\"]\n",
     "p.toml:2:25: [defaults] `retry_schedule` entry 2 (5m) is shorter than the one before (1h) "
     "— delays must not decrease; the last one repeats"},
    {"[defaults]\npool = \"warmpu\"\n[pool.warmup]\nips = [\"127.0.0.2\"]\n",
     "p.toml:2:8: [defaults] `pool`: there is no [pool.warmpu] — did you mean \"warmup\"?"},
    {"[group.gmail]\nmx = [\"*.google.com\"]\npool = \"x\"\n",
     "p.toml:3:8: [group.gmail] `pool`: there is no [pool.x] — define it: [pool.x] with ips = "
     "[...]; or write pool = \"\" for [delivery] source_ips"},
    {"[group.gmail]\nrate = \"1/s\"\n",
     "p.toml:1:1: [group.gmail] has no `mx` — list the MX hosts of the provider's sites, e.g. mx "
     "= [\"*.google.com\", \"*.googlemail.com\"]"},
    {"[group.gmail]\nmx = []\n",
     "p.toml:2:6: [group.gmail] `mx` is empty — a group without MX patterns matches no site: "
     "e.g. mx = [\"*.google.com\", \"*.googlemail.com\"]"},
    {"[group.gmail]\nmx = [\".google.com\"]\n",
     "p.toml:2:7: [group.gmail] `mx` entry 1: \".google.com\" is not an MX pattern — write "
     "\"*.google.com\" for every host under google.com"},
    {"[group.gmail]\nmx = [\"mx*.google.com\"]\n",
     "p.toml:2:7: [group.gmail] `mx` entry 1: \"mx*.google.com\" has a '*' inside — the only "
     "wildcard is a leading \"*.\" (any host under a domain), e.g. \"*.google.com\""},
    {"[group.gmail]\nmx = [\"*\"]\n", "p.toml:2:7: [group.gmail] `mx` entry 1: \"*\" would match "
                                      "every host — put settings for every site in [defaults]"},
    {"[group.gmail]\nmx = [\"mx.google.com.\"]\n",
     "p.toml:2:7: [group.gmail] `mx` entry 1: \"mx.google.com.\" ends with a dot — write "
     "\"mx.google.com\""},
    {"[group.gmail]\nmx = [\"*.google.com\", \"*.Google.com\"]\n",
     "p.toml:2:23: [group.gmail] `mx` entry 2 \"*.Google.com\" is listed twice — patterns are "
     "case-insensitive: list each once"},
    {"[group.\"g mail\"]\nmx = [\"*.google.com\"]\n",
     "p.toml:1:8: group name \"g mail\" contains a space — name groups with letters, digits, '-' "
     "and '_', e.g. [group.gmail]"},
    {"[group.gmail]\nmx = [\"*.google.com\"]\n[group.Gmail]\nmx = [\"*.googlemail.com\"]\n",
     "p.toml:3:8: [group.Gmail] repeats the name of [group.gmail] (line 1) — group names are "
     "case-insensitive: merge the two tables or rename one"},
    {"[group.gmail]\nmx = [\"*.google.com\"]\n[group.gmail]\nmx = [\"*.googlemail.com\"]\n",
     "p.toml:3:1: invalid TOML: Error while parsing table header: cannot redefine existing table "
     "'group.gmail' — each table appears once: merge the repeated table into the first one"},
    {"[group.google]\nmx = [\"*.google.com\"]\n[group.gmail]\nmx = [\"*.l.google.com\"]\n",
     "p.toml:4:7: [group.gmail] mx pattern \"*.l.google.com\" can never match: [group.google] "
     "(line 1) has \"*.google.com\" and comes first — a site belongs to the first group that "
     "matches one of its MX hosts: remove the pattern, or move this group above [group.google]"},
    {"[group]\nmx = [\"*.google.com\"]\n",
     "p.toml:2:1: [group] entry `mx` must be a table, got array — name each provider group: "
     "[group.gmail] with mx = [\"*.google.com\"] and the group's settings"},
    {"[[group]]\nmx = [\"*.google.com\"]\n",
     "p.toml:1:3: `group` must be a section, got array — write [group.NAME] tables (single "
     "brackets, a name after the dot)"},
    {"[domain.example.com]\nrate = \"1/s\"\n",
     "p.toml:1:17: unknown key `com` in [domain.\"example\"] — quote names that contain dots, "
     "e.g. [domain.\"example.com\"], or TOML reads them as nested tables"},
    {"[domain.\"*\"]\nrate = \"1/s\"\n", "p.toml:1:9: [domain.\"*\"] would match every domain — "
                                         "put settings for every site in [defaults]"},
    {"[domain.\"*.example.com\"]\n",
     "p.toml:1:9: [domain] pattern \"*.example.com\" is not supported — write \".example.com\" "
     "for the domain and all its subdomains"},
    {"[domain.\"exa mple.com\"]\n", "p.toml:1:9: [domain] pattern \"exa mple.com\" contains a "
                                    "space — remove the spaces"},
    {"[domain.\"Example.com\"]\n[domain.\"example.COM\"]\n",
     "p.toml:2:9: [domain.\"example.COM\"] repeats the pattern of line 1 — patterns are "
     "case-insensitive: keep one table"},
    {"[domain.\".example.com\"]\n[domain.\".mail.example.com\"]\n",
     "p.toml:2:9: [domain.\".mail.example.com\"] can never match: [domain.\".example.com\"] (line "
     "1) matches all its domains and comes first — move this table above the other one (the "
     "first matching \".parent\" pattern wins)"},
    {"[pool.main]\nrate_per_ip = \"1/s\"\n",
     "p.toml:1:1: [pool.main] has no `ips` — list the source addresses of the pool, e.g. ips = "
     "[\"127.0.0.2\", \"127.0.0.3\"]"},
    {"[pool.main]\nips = []\n", "p.toml:2:7: [pool.main] `ips` is empty — list at least one "
                                "source address, e.g. ips = [\"127.0.0.2\"]"},
    {"[pool.main]\nips = [\"mail.example.com\"]\n",
     "p.toml:2:8: [pool.main] `ips`: \"mail.example.com\" is not an IP address — a pool binds "
     "outgoing connections to addresses of this machine: write IPv4 or IPv6 literals without a "
     "port, e.g. \"127.0.0.2\" or \"::1\""},
    {"[pool.main]\nips = [\"[::1]\"]\n",
     "p.toml:2:8: [pool.main] `ips`: \"[::1]\" has brackets — write the bare address: \"::1\""},
    {"[pool.main]\nips = [\"127.0.0.2\", \"127.0.0.2\"]\n",
     "p.toml:2:21: [pool.main] `ips`: \"127.0.0.2\" is listed twice — list each address once"},
    {"[pool.a]\nips = [\"::1\"]\n[pool.b]\nips = [\"0:0::1\"]\n",
     "p.toml:4:8: [pool.b] `ips`: \"0:0::1\" is already in [pool.a] (line 2) — an address "
     "belongs to one pool: its rate and warm-up cap are the pool's"},
    {"[pool.main]\nips = [\"127.0.0.2\"]\nrate = \"1/s\"\n",
     "p.toml:3:1: unknown key `rate` in [pool.main] — did you mean `rate_per_ip`?"},
    {"[pool.main]\nips = [\"127.0.0.2\"]\nwarmup = {start = \"2026-02-30\", daily = [1]}\n",
     "p.toml:3:19: [pool.main] `warmup.start`: \"2026-02-30\" is not a date — 2026-02 has 28 days"},
    {"[pool.main]\nips = [\"127.0.0.2\"]\nwarmup = {daily = [1]}\n",
     "p.toml:3:10: [pool.main] `warmup` has no `start` — add start = \"2026-11-01\": the first day "
     "of the warm-up (UTC)"},
    {"[pool.main]\nips = [\"127.0.0.2\"]\nwarmup = {start = \"2026-11-01\", daily = []}\n",
     "p.toml:3:41: [pool.main] `warmup.daily` is empty — add daily = [500, 1000, 2500, 5000]: "
     "messages per address on the first days; after the last day the address is warm"},
    {"[pool.main]\nips = [\"127.0.0.2\"]\nwarmup = {start = \"2026-11-01\", daily = [500, 500]}\n",
     "p.toml:3:47: [pool.main] `warmup.daily` entry 2 (500) is not larger than the day before "
     "(500) — a warm-up sends more each day; the address is warm after the last entry"},
    {"[pool.main]\nips = [\"127.0.0.2\"]\nwarmup = {start = \"2026-11-01\", daily = [0]}\n",
     "p.toml:3:42: [pool.main] `warmup.daily` entry 1 = 0 is not positive — write each day's cap "
     "per address as a whole number of messages, e.g. 500"},
    {"[campaign.\"spring?\"]\nrate = \"1/s\"\n",
     "p.toml:1:11: campaign pattern \"spring?\" uses '?': the only wildcard is '*' — write a "
     "campaign id, or one with '*' for any characters, e.g. [campaign.\"spring-*\"] (ids use A-Z "
     "a-z 0-9 . _ : -)"},
    {"[campaign.\"spring-*\"]\n",
     "p.toml:1:1: [campaign.\"spring-*\"] sets neither `rate` nor `pool` — add rate = \"1000/h\" "
     "and/or pool = \"NAME\" (the source addresses to send from)"},
    {"[tenant.acme]\nrate = \"1/s\"\nmax_connections = 3\n",
     "p.toml:3:1: unknown key `max_connections` in [tenant.acme] — `max_connections` is a "
     "per-site setting: set it in [defaults], [group.NAME] or [domain.\"...\"]; campaigns and "
     "tenants take rate and pool"},
    {"[tenant.acme]\npool = \"x\"\n",
     "p.toml:2:8: [tenant.acme] `pool`: there is no [pool.x] — define it: [pool.x] with ips = "
     "[...]; or write pool = \"\" for [delivery] source_ips"},
    {"[campaign.spring-*]\n",
     "p.toml:1:18: invalid TOML: Error while parsing table header: expected ']', saw '*' — fix "
     "the syntax here; strings need double quotes (rate = \"100/s\"), and so do names with dots "
     "or '*': [domain.\"example.com\"], [campaign.\"spring-*\"]"},
    {"[throttle]\ncode = 421\n",
     "p.toml:1:1: `throttle` must be an array of tables, got table — write each rule under its "
     "own [[throttle]] line (double brackets)"},
    {"[[throttle]]\nname = \"r\"\naction = \"suspend\"\nduration = \"1m\"\n",
     "p.toml:1:1: [[throttle]] \"r\" has no condition — add code (421, or 4 for any 4xx), status "
     "(\"4.7.28\") and/or text (a regex): a rule without one would act on every reply"},
    {"[[throttle]]\ncode = 421\n",
     "p.toml:1:1: [[throttle]] #1 has no `action` — add action = \"suspend\" (stop sending to the "
     "site for duration), \"slow_down\" (multiply its rate by factor) or \"bounce\""},
    {"[[throttle]]\ncode = 421\naction = \"pause\"\n",
     "p.toml:3:10: [[throttle]] #1 `action`: unknown action \"pause\" — use suspend, slow_down or "
     "bounce"},
    {"[[throttle]]\ncode = 421\naction = \"slowdown\"\n",
     "p.toml:3:10: [[throttle]] #1 `action`: unknown action \"slowdown\" — did you mean "
     "\"slow_down\"? (actions: suspend, slow_down, bounce)"},
    {"[[throttle]]\ncode = 250\naction = \"bounce\"\n",
     "p.toml:2:8: [[throttle]] #1 `code` = 250 is out of range — use a reply code from 400 to "
     "599, or 4 (any 4xx) or 5 (any 5xx)"},
    {"[[throttle]]\ncode = \"4xx\"\naction = \"bounce\"\n",
     "p.toml:2:8: [[throttle]] #1 `code` = \"4xx\" is not a number — write code = 4 for any 4xx "
     "reply"},
    {"[[throttle]]\nstatus = \"4.7.x\"\naction = \"bounce\"\n",
     "p.toml:2:10: [[throttle]] #1 `status` \"4.7.x\" is not an enhanced status code — write "
     "class.subject.detail (RFC 3463) or its start: \"4.7.28\", \"4.7\" or \"5\""},
    {"[[throttle]]\ncode = 421\nstatus = \"5.7.1\"\naction = \"suspend\"\nduration = \"1m\"\n",
     "p.toml:3:10: [[throttle]] #1 `status` \"5.7.1\" can never match code 421 — a reply's "
     "enhanced status has the class of its code: 4.x.x for 4xx replies"},
    {"[[throttle]]\ntext = \"(unclosed\"\naction = \"bounce\"\n",
     "p.toml:2:8: [[throttle]] #1 `text` is not a valid regular expression: Mismatched '(' and "
     "')' in regular expression — ECMAScript syntax, case-insensitive; a literal dot or "
     "parenthesis is \\\\. or \\\\( inside \"...\" (\\. or \\( inside '...')"},
    {"[[throttle]]\ntext = \"\"\naction = \"bounce\"\n",
     "p.toml:2:8: [[throttle]] #1 `text` is empty — write a regular expression for the reply "
     "text, e.g. \"rate limit|try again later\", or leave text out"},
    {"[group.gmail]\nmx = [\"*.google.com\"]\n[[throttle]]\ncode = 421\ngroups = [\"gmial\"]\n"
     "action = \"bounce\"\n",
     "p.toml:5:11: [[throttle]] #1 `groups`: there is no [group.gmial] — did you mean \"gmail\"?"},
    {"[[throttle]]\ncode = 421\ngroups = []\naction = \"bounce\"\n",
     "p.toml:3:10: [[throttle]] #1 `groups` is empty — name the [group.NAME] tables the rule is "
     "for, or leave groups out for every site"},
    {"[[throttle]]\ncode = 421\naction = \"suspend\"\n",
     "p.toml:1:1: [[throttle]] #1 has action suspend but no `duration` — add duration = \"15m\": "
     "how long the site stays suspended"},
    {"[[throttle]]\ncode = 421\naction = \"slow_down\"\nduration = \"5m\"\n",
     "p.toml:1:1: [[throttle]] #1 has action slow_down but no `factor` — add factor = 0.5: the "
     "site's rate is multiplied by it on each matching reply"},
    {"[[throttle]]\ncode = 421\naction = \"slow_down\"\nduration = \"5m\"\nfactor = 1\n",
     "p.toml:5:10: [[throttle]] #1 `factor` = 1 is out of range — use a number between 0 and 1: "
     "the site's rate is multiplied by it, e.g. 0.5 halves it"},
    {"[[throttle]]\ncode = 421\naction = \"suspend\"\nduration = \"5m\"\nfactor = 0.5\n",
     "p.toml:5:10: [[throttle]] #1 `factor` has no use with suspend — remove it, or use action = "
     "\"slow_down\""},
    {"[[throttle]]\ncode = 421\naction = \"bounce\"\nduration = \"5m\"\n",
     "p.toml:4:12: [[throttle]] #1 `duration` has no use with bounce — remove it: only suspend "
     "and slow_down last a while"},
    {"[[throttle]]\ncode = 550\naction = \"bounce\"\n",
     "p.toml:3:10: [[throttle]] #1 bounces 5xx replies, which bounce already — bounce turns "
     "temporary (4xx) replies that really mean \"never\" into hard bounces: match a 4xx code or "
     "status"},
    {"[[throttle]]\nname = \"a\"\ncode = 4\naction = \"bounce\"\n[[throttle]]\nname = \"a\"\n"
     "code = 5\naction = \"suspend\"\nduration = \"1h\"\n",
     "p.toml:6:8: [[throttle]] \"a\" repeats the name of line 2 — give each rule its own name: "
     "logs and metrics tell rules apart by it"},
};

TEST(RatePolicyLoader, BadFilesNameTheProblemAndTheFix) {
  for (const BadFile& bad : bad_files)
    EXPECT_EQ(parse_error(bad.text), bad.message) << bad.text;
}

TEST(RatePolicyLoader, EveryProblemIsReportedAtOnceInFileOrder) {
  std::string message = parse_error("[[throttle]]\ncode = 42\naction = \"bounce\"\n"
                                    "[defaults]\nrate = \"fast\"\ntls = \"secure\"\n"
                                    "[pool.p]\nips = [\"x\"]\n");
  EXPECT_EQ(message,
            "p.toml:2:8: [[throttle]] #1 `code` = 42 is out of range — use a reply code from 400 "
            "to 599, or 4 (any 4xx) or 5 (any 5xx)\n"
            "p.toml:5:8: [defaults] `rate`: \"fast\" is not a rate — write a whole number of "
            "messages per period: \"100/s\", \"6000/min\", \"20000/h\" or \"500000/d\"\n"
            "p.toml:6:7: [defaults] `tls`: unknown TLS mode \"secure\" — did you mean \"verify\"? "
            "(modes: off, opportunistic, require, verify)\n"
            "p.toml:8:8: [pool.p] `ips`: \"x\" is not an IP address — a pool binds outgoing "
            "connections to addresses of this machine: write IPv4 or IPv6 literals without a "
            "port, e.g. \"127.0.0.2\" or \"::1\"");
}

} // namespace
} // namespace volley::policy
