// volleyctl's command table and help texts: synopsis, options and examples for every command.
// Data only plus small renderers; never parses or runs anything.
#include "tools/volleyctl_usage.hpp"

namespace volley::tools {

const std::vector<OptionSpec>& volleyctl_global_options() {
  static const std::vector<OptionSpec> options{
      {"socket", "PATH"},     {"url", "URL"}, {"token", "TOKEN"},
      {"token-file", "FILE"}, {"json", ""},   {"timeout", "SECONDS"},
  };
  return options;
}

namespace {

std::vector<CommandSpec> campaign_command_specs() {
  return {
      {"campaign create",
       "campaign create --from ADDR --message FILE [--recipients FILE.ndjson] [--id ID] "
       "[--tag KEY=VALUE]... [--not-before RFC3339] [--expires-after DURATION]",
       "create a campaign, then upload its recipients",
       "  --from ADDR               envelope sender (MAIL FROM)\n"
       "  --message FILE            raw RFC 5322 message (headers + body); may hold {{name}} "
       "merge fields\n"
       "  --recipients FILE.ndjson  one {\"to\": ADDR, \"vars\"?: {...}, \"id\"?: ID} per line, "
       "streamed\n"
       "  --id ID                   your campaign id ([A-Za-z0-9._:-], up to 64); default: "
       "assigned\n"
       "  --tag KEY=VALUE           a tag echoed in events (repeatable)\n"
       "  --not-before RFC3339      do not deliver before, e.g. 2026-11-23T10:00:00Z\n"
       "  --expires-after DURATION  give up on a recipient after, e.g. 72h, 3d, 1h30m\n"
       "examples:\n"
       "  volleyctl campaign create --from news@example.com --message spring.eml \\\n"
       "      --recipients list.ndjson --tag list=spring\n"
       "  volleyctl campaign create --id spring-2026 --from news@example.com --message "
       "spring.eml\n",
       0,
       0,
       {{"from", "ADDR", false, true},
        {"message", "FILE", false, true},
        {"recipients", "FILE.ndjson"},
        {"id", "ID"},
        {"tag", "KEY=VALUE", true},
        {"not-before", "RFC3339"},
        {"expires-after", "DURATION"}}},
      {"campaign add",
       "campaign add ID FILE.ndjson",
       "upload more recipients to a campaign",
       "  FILE.ndjson  one {\"to\": ADDR, \"vars\"?: {...}, \"id\"?: ID} per line, streamed\n"
       "example:\n"
       "  volleyctl campaign add spring-2026 more.ndjson\n",
       2,
       2,
       {}},
      {"campaign status",
       "campaign status ID",
       "show a campaign's state and counts",
       "example:\n  volleyctl campaign status spring-2026\n",
       1,
       1,
       {}},
      {"campaign list",
       "campaign list [--ids]",
       "list campaigns with their counts",
       "  --ids  print only the campaign ids, one per line (for scripts and shell completion)\n"
       "example:\n  volleyctl campaign list\n  volleyctl --json campaign list | jq .\n",
       0,
       0,
       {{"ids", ""}}},
      {"campaign pause",
       "campaign pause ID",
       "stop starting deliveries for a campaign",
       "example:\n  volleyctl campaign pause spring-2026\n",
       1,
       1,
       {}},
      {"campaign resume",
       "campaign resume ID",
       "resume a paused campaign",
       "example:\n  volleyctl campaign resume spring-2026\n",
       1,
       1,
       {}},
      {"campaign cancel",
       "campaign cancel ID",
       "cancel a campaign: its undelivered recipients are not sent",
       "example:\n  volleyctl campaign cancel spring-2026\n",
       1,
       1,
       {}},
      {"campaign watch",
       "campaign watch ID [--interval SECONDS]",
       "follow a campaign live until nothing is left to send, then print a summary",
       "  --interval SECONDS  time between polls, 0.1 to 3600 (default 1)\n"
       "On a terminal one progress line is redrawn in place: done/total, delivered, deferred,\n"
       "bounced and suppressed counts, msgs/s over the last interval and an ETA. Otherwise one\n"
       "line per poll. Ends (exit 0) when nothing is queued, in flight or deferred, or the\n"
       "campaign is cancelled; Ctrl-C stops watching (exit 130), the campaign goes on.\n"
       "With --json: volleyd's campaign answer as one JSON line per poll.\n"
       "example:\n  volleyctl campaign watch spring-2026\n"
       "  volleyctl --json campaign watch spring-2026 --interval 5 >progress.ndjson\n",
       1,
       1,
       {{"interval", "SECONDS"}}},
  };
}

std::vector<CommandSpec> message_and_list_command_specs() {
  return {
      {"send",
       "send --from ADDR --to ADDR [--to ADDR]... --message FILE [--tag KEY=VALUE]...",
       "send one transactional message",
       "  --from ADDR      envelope sender\n"
       "  --to ADDR        a recipient (repeatable)\n"
       "  --message FILE   raw RFC 5322 message\n"
       "  --tag KEY=VALUE  a tag echoed in events (repeatable)\n"
       "example:\n"
       "  volleyctl send --from noreply@example.com --to ann@example.org --message reset.eml\n",
       0,
       0,
       {{"from", "ADDR", false, true},
        {"to", "ADDR", true, true},
        {"message", "FILE", false, true},
        {"tag", "KEY=VALUE", true}}},
      {"suppress",
       "suppress ADDR [--reason TEXT]",
       "add an address to the suppression list",
       "example:\n  volleyctl suppress ann+news@example.org --reason unsubscribe\n",
       1,
       1,
       {{"reason", "TEXT"}}},
      {"unsuppress",
       "unsuppress ADDR",
       "remove an address from the suppression list",
       "example:\n  volleyctl unsuppress ann+news@example.org\n",
       1,
       1,
       {}},
      {"suppressions",
       "suppressions [--after ADDR] [--limit N]",
       "list suppressed addresses",
       "  --after ADDR  continue after this address (the `next` of the previous page)\n"
       "  --limit N     at most N records (server default 100)\n"
       "example:\n  volleyctl suppressions --limit 50\n",
       0,
       0,
       {{"after", "ADDR"}, {"limit", "N"}}},
      {"bounces",
       "bounces [--campaign ID] [--after N] [--limit N] [--all]",
       "list bounce records",
       "  --campaign ID  only this campaign's bounces\n"
       "  --after N      continue after this cursor (the `next` of the previous page)\n"
       "  --limit N      at most N records per page (server default 100)\n"
       "  --all          follow the cursor to the end: every page in one table (with --json:\n"
       "                 one {\"records\": [...], \"next\": null} document)\n"
       "example:\n  volleyctl bounces --campaign spring-2026 --limit 20\n"
       "  volleyctl --json bounces --campaign spring-2026 --all | jq -r '.records[].recipient'\n",
       0,
       0,
       {{"campaign", "ID"}, {"after", "N"}, {"limit", "N"}, {"all", ""}}},
      {"queue",
       "queue [SITE|DOMAIN]",
       "show delivery per destination site, deepest queue first; or one site in detail",
       "  SITE|DOMAIN  a site name, an MX host or a domain routed to it: show that site only\n"
       "columns: site, domains, queued (waiting in memory), connections open/idle, rate and\n"
       "factor (below 1 while a throttle rule slows the site), state (ok, throttled by a rule,\n"
       "suspended for how long) and the last error\n"
       "example:\n  volleyctl queue\n  volleyctl queue gmail.com\n",
       0,
       1,
       {}},
      {"queues",
       "queues [SITE|DOMAIN]",
       "same as `queue`",
       "example:\n  volleyctl queues\n",
       0,
       1,
       {}},
      {"health",
       "health",
       "check that volleyd answers",
       "example:\n  volleyctl health\n",
       0,
       0,
       {}},
      {"dkim keygen",
       "dkim keygen --domain DOMAIN --selector NAME --out FILE [--algorithm rsa|ed25519] "
       "[--bits N] [--force]",
       "make a DKIM signing key and print its DNS TXT record (offline, no volleyd needed)",
       "  --domain DOMAIN          the signing domain (d=)\n"
       "  --selector NAME          the selector (s=): the record goes to NAME._domainkey.DOMAIN\n"
       "  --out FILE               where to write the private key (PEM, mode 0600)\n"
       "  --algorithm rsa|ed25519  rsa (default; rsa-sha256) or ed25519 (ed25519-sha256, RFC\n"
       "                           8463)\n"
       "  --bits N                 RSA key size, 1024-8192 (default 2048)\n"
       "  --force                  overwrite FILE if it exists\n"
       "with --json: {\"file\", \"algorithm\", \"bits\"?, \"dns_name\", \"txt\"} on stdout\n"
       "example:\n"
       "  volleyctl dkim keygen --domain example.org --selector s2026 --out keys/example.org.pem\n"
       "  volleyctl dkim keygen --domain example.org --selector e2026 --algorithm ed25519 \\\n"
       "      --out keys/example.org.ed25519.pem\n",
       0,
       0,
       {{"domain", "DOMAIN", false, true},
        {"selector", "NAME", false, true},
        {"out", "FILE", false, true},
        {"algorithm", "rsa|ed25519"},
        {"bits", "N"},
        {"force", ""}}},
      {"check-domain",
       "check-domain DOMAIN [--config FILE] [--dns HOST:PORT]... [--ip IP]...",
       "check a sending domain's SPF, DKIM, DMARC and bounce MX in DNS (offline)",
       "  --config FILE     volleyd.toml for source IPs, helo_name, [dns], [dkim] and [verp]\n"
       "                    (default: the embedded default configuration)\n"
       "  --dns HOST:PORT   ask this DNS server (repeatable; default: [dns] servers, else\n"
       "                    /etc/resolv.conf)\n"
       "  --ip IP           evaluate SPF for this source IP (repeatable; default: [delivery]\n"
       "                    source_ips)\n"
       "exit status: 0 no FAIL, 1 some FAIL, 64 usage, 69 DNS unreachable, 78 bad --config\n"
       "example:\n"
       "  volleyctl check-domain example.org --config volleyd.toml --ip 192.0.2.10\n",
       1,
       1,
       {{"config", "FILE"}, {"dns", "HOST:PORT", true}, {"ip", "IP", true}}},
  };
}

std::vector<CommandSpec> policy_command_specs() {
  return {
      {"policy check",
       "policy check FILE",
       "validate a rate policy file, as volleyd loads it (offline)",
       "  FILE  the policy file (TOML; see conf/policy.example.toml)\n"
       "exit status: 0 valid, 66 FILE cannot be read, 78 FILE has errors (all are listed, as\n"
       "             FILE:LINE:COLUMN: what — what to write instead)\n"
       "example:\n"
       "  volleyctl policy check /etc/volley/policy.toml\n",
       1,
       1,
       {}},
      {"policy explain",
       "policy explain DOMAIN [--mx HOST]... [--policy FILE] [--config FILE]",
       "show the limits a domain gets and which policy layer sets each one (offline)",
       "  --mx HOST      an MX host of the domain (repeatable); provider groups match these\n"
       "  --policy FILE  the policy file (default: [policy] file of the config)\n"
       "  --config FILE  volleyd.toml for [delivery], [routes] and [policy] (default: the\n"
       "                 embedded default configuration)\n"
       "exit status: 0 ok, 64 usage, 66 a file cannot be read, 78 a file has errors\n"
       "example:\n"
       "  volleyctl policy explain example.com --mx alt1.gmail-smtp-in.l.google.com \\\n"
       "      --config /etc/volley/volleyd.toml\n",
       1,
       1,
       {{"mx", "HOST", true}, {"policy", "FILE"}, {"config", "FILE"}}},
  };
}

std::vector<CommandSpec> shell_command_specs() {
  return {
      {"completion",
       "completion bash|zsh|fish",
       "print a shell completion script (commands, options, campaign ids)",
       "  bash: add to ~/.bashrc:    source <(volleyctl completion bash)\n"
       "  zsh:  add to ~/.zshrc:     source <(volleyctl completion zsh)\n"
       "  fish: volleyctl completion fish > ~/.config/fish/completions/volleyctl.fish\n"
       "Campaign ids are completed by running `volleyctl campaign list --ids` with the\n"
       "--socket/--url/--token options already on the command line (2 s timeout).\n"
       "example:\n  volleyctl completion bash > /etc/bash_completion.d/volleyctl\n",
       1,
       1,
       {}},
  };
}

} // namespace

const std::vector<CommandSpec>& volleyctl_commands() {
  static const std::vector<CommandSpec> commands = [] {
    std::vector<CommandSpec> all = campaign_command_specs();
    for (CommandSpec& spec : message_and_list_command_specs())
      all.push_back(std::move(spec));
    for (CommandSpec& spec : policy_command_specs())
      all.push_back(std::move(spec));
    for (CommandSpec& spec : shell_command_specs())
      all.push_back(std::move(spec));
    return all;
  }();
  return commands;
}

std::string volleyctl_usage_line(const CommandSpec& spec) {
  return "usage: volleyctl [global options] " + std::string(spec.synopsis);
}

std::string volleyctl_general_help() {
  std::string text =
      "volleyctl: command-line client for volleyd's control API\n"
      "usage: volleyctl [global options] COMMAND [arguments] [options]\n\ncommands:\n";
  for (const CommandSpec& spec : volleyctl_commands()) {
    std::string name(spec.name);
    name.resize(std::max<std::size_t>(name.size(), 18), ' ');
    text += "  " + name + "  " + std::string(spec.summary) + "\n";
  }
  text +=
      "  help [COMMAND]      this text, or a command's options and examples\n"
      "\nglobal options:\n"
      "  --socket PATH       talk to volleyd over this Unix socket (env VOLLEY_SOCKET)\n"
      "  --url URL           talk over TCP, e.g. http://127.0.0.1:8025 (env VOLLEY_URL)\n"
      "  --token TOKEN       bearer token for TCP (env VOLLEY_TOKEN)\n"
      "  --token-file FILE   read the token from FILE (default ./var/control.token)\n"
      "  --json              print volleyd's JSON answer unchanged: one document on stdout\n"
      "                      (`campaign watch`: one line per poll)\n"
      "  --timeout SECONDS   give up waiting for volleyd after this long (default 600)\n"
      "default endpoint: ./var/run/volley.sock if it exists, else http://127.0.0.1:8025\n"
      "output: tables for people; colours only on a terminal and when NO_COLOR is unset; long\n"
      "cells are cut to the terminal width (or $COLUMNS); errors go to stderr\n"
      "\nexit status:\n"
      "  0    ok\n"
      "  1    volleyd answered an error (e.g. 404 no such campaign, 401 wrong token), or the\n"
      "       site asked for is not in the queues\n"
      "  2    cannot reach volleyd (not running, wrong socket or URL, timeout, lost connection)\n"
      "  64   usage error (unknown command or option, missing argument)\n"
      "  66   an input file cannot be read\n"
      "  69   check-domain: no DNS server answered\n"
      "  78   a config or policy file is invalid\n"
      "  130  interrupted (Ctrl-C during campaign watch)\n"
      "\nexamples:\n"
      "  volleyctl campaign create --from news@example.com --message m.eml --recipients r.ndjson\n"
      "  volleyctl campaign watch c-1\n"
      "  volleyctl queue\n"
      "  volleyctl --json bounces --campaign c-1 --all\n"
      "  volleyctl --url http://127.0.0.1:8025 --token-file var/control.token health\n"
      "  source <(volleyctl completion bash)\n";
  return text;
}

std::string volleyctl_group_help(std::string_view group) {
  std::string text = "usage: volleyctl [global options] " + std::string(group) +
                     " SUBCOMMAND [arguments] [options]\n\n";
  for (const CommandSpec& spec : volleyctl_commands()) {
    if (spec.name.rfind(std::string(group) + " ", 0) != 0)
      continue;
    text += "  " + std::string(spec.synopsis) + "\n      " + std::string(spec.summary) + "\n";
  }
  return text + "\nrun `volleyctl " + std::string(group) + " SUBCOMMAND --help` for details\n";
}

std::string volleyctl_command_help(const CommandSpec& spec) {
  return volleyctl_usage_line(spec) + "\n" + std::string(spec.summary) + "\n\n" +
         std::string(spec.details);
}

} // namespace volley::tools
