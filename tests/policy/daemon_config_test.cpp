// Tests for volleyd's daemon configuration: the embedded default equals the struct defaults, every
// key is read, and every kind of error names the exact file:line:column. No network, no spool.
#include "policy/config_parsing.hpp"
#include "policy/daemon_config.hpp"

#include <gtest/gtest.h>

namespace volley::policy {
namespace {

using config_test::parse_error;
using config_test::parse_ok;

// The struct defaults plus the embedded file's only addition: routes for the RFC 2606 names to the
// demo's local sink. A config file without [routes] has no routes (EmptyFileMeansDefaults).
DaemonConfig embedded_expected(std::string source) {
  DaemonConfig expected;
  expected.source = std::move(source);
  expected.delivery.routes = {RouteConfig{".test", "127.0.0.1", 2525},
                              RouteConfig{".example", "127.0.0.1", 2525}};
  return expected;
}

TEST(DaemonConfig, EmbeddedDefaultEqualsTheStructDefaultsPlusDemoRoutes) {
  auto parsed = parse_daemon_config(embedded_default_config(), "<embedded default>", "");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  DaemonConfig expected = embedded_expected("<embedded default>");
  EXPECT_EQ(*parsed, expected);
  EXPECT_EQ(default_daemon_config(), expected);
}

TEST(DaemonConfig, EmbeddedDefaultWithBaseDirDiffersOnlyInPaths) {
  auto parsed = parse_daemon_config(embedded_default_config(), "volleyd.toml", "/srv/volley");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  DaemonConfig expected = embedded_expected("volleyd.toml");
  expected.spool.path = "/srv/volley/var/spool";
  expected.control.socket = "/srv/volley/var/run/volley.sock";
  expected.control.token_file = "/srv/volley/var/control.token";
  expected.verp.secret_file = "/srv/volley/var/verp.secret";
  expected.events.log_file = "/srv/volley/var/events/events.jsonl";
  expected.events.webhook_secret_file = "/srv/volley/var/webhook.secret";
  EXPECT_EQ(*parsed, expected);
}

TEST(DaemonConfig, EmptyFileMeansDefaults) {
  DaemonConfig expected;
  expected.source = "t.toml";
  EXPECT_EQ(parse_ok(""), expected);
  EXPECT_EQ(parse_ok("# only a comment\n[spool]\n[log]\n"), expected);
  EXPECT_EQ(parse_ok("[delivery]\n[delivery.tls_domains]\n[dns]\n[routes]\n"), expected);
  EXPECT_TRUE(parse_ok("").delivery.routes.empty());
}

TEST(DaemonConfig, ReadsEveryKey) {
  DaemonConfig config = parse_ok(R"([spool]
path = "/data/spool"
initial_size = 1048576
max_size = "2TiB"
max_batch = 1000000
durable = false
expires_after = "1d12h"
[control]
listen = "[::1]:9000"
socket = ""
token_file = "/etc/volley/token"
max_request_size = "100MB"
max_line_size = "1MiB"
threads = 64
[limits]
max_message_size = "50MiB"
max_vars_size = "1MiB"
max_inline_recipients = 0
[log]
level = "debug"
file = "/var/log/volleyd.log"
)");
  EXPECT_EQ(config.spool.path, "/data/spool");
  EXPECT_EQ(config.spool.initial_size, 1u << 20);
  EXPECT_EQ(config.spool.max_size, 2ull << 40);
  EXPECT_EQ(config.spool.max_batch, 1'000'000u);
  EXPECT_FALSE(config.spool.durable);
  EXPECT_EQ(config.spool.expires_after_s, 36 * 3600);
  EXPECT_EQ(config.control.listen, "[::1]:9000");
  EXPECT_EQ(config.control.socket, "");
  EXPECT_EQ(config.control.token_file, "/etc/volley/token");
  EXPECT_EQ(config.control.max_request_size, 100'000'000u);
  EXPECT_EQ(config.control.max_line_size, 1u << 20);
  EXPECT_EQ(config.control.threads, 64u);
  EXPECT_EQ(config.limits.max_message_size, 50u << 20);
  EXPECT_EQ(config.limits.max_vars_size, 1u << 20);
  EXPECT_EQ(config.limits.max_inline_recipients, 0u);
  EXPECT_EQ(config.log.level, "debug");
  EXPECT_EQ(config.log.file, "/var/log/volleyd.log");
}

TEST(DaemonConfig, PolicyFileIsOnlyAPathTheEngineLoads) {
  EXPECT_EQ(parse_ok("").policy_file, "");
  // Not read here: the engine loads it at start (and on reload), volleyd --check-config checks it.
  EXPECT_EQ(parse_ok("[policy]\nfile = \"missing/policy.toml\"\n").policy_file,
            "missing/policy.toml");
  EXPECT_EQ(parse_ok("[policy]\nfile = \"policy.toml\"\n", "/etc/volley").policy_file,
            "/etc/volley/policy.toml");
  EXPECT_EQ(parse_error("[policy]\nfile = true\n"),
            "t.toml:2:8: `policy.file` must be a string, got boolean — put the value in double "
            "quotes");
  EXPECT_EQ(parse_error("[policy]\npath = \"p.toml\"\n"),
            "t.toml:2:1: unknown key `path` in [policy] — `path` belongs in [spool]");
}

TEST(DaemonConfig, TcpCanBeDisabledAndLoopbackFormsAreAccepted) {
  EXPECT_EQ(parse_ok("[control]\nlisten = \"\"\ntoken_file = \"\"\n").control.listen, "");
  EXPECT_EQ(parse_ok("[control]\nlisten = \"localhost:8025\"\n").control.listen, "localhost:8025");
  EXPECT_EQ(parse_ok("[control]\nlisten = \"127.1.2.3:0\"\n").control.listen, "127.1.2.3:0");
}

TEST(DaemonConfig, UnknownSectionsAndKeys) {
  EXPECT_EQ(parse_error("[spol]\npath = \"x\"\n"),
            "t.toml:1:2: unknown section [spol] — did you mean [spool]?");
  EXPECT_EQ(parse_error("\n[database]\n"),
            "t.toml:2:2: unknown section [database] — valid sections: [spool], [control], "
            "[limits], [log], [policy], [delivery], [dns], [routes], [dkim], [verp], [headers], "
            "[events], [bounces], [submission]");
  EXPECT_EQ(parse_error("[spool]\n  max_sise = 5\n"),
            "t.toml:2:3: unknown key `max_sise` in [spool] — did you mean `max_size`?");
  EXPECT_EQ(parse_error("[spool]\nMax_Size = 5\n"),
            "t.toml:2:1: unknown key `Max_Size` in [spool] — did you mean `max_size`?");
  EXPECT_EQ(parse_error("[spool]\nthreads = 2\n"),
            "t.toml:2:1: unknown key `threads` in [spool] — `threads` belongs in [control]");
  EXPECT_EQ(parse_error("[log]\ncolour = true\n"),
            "t.toml:2:1: unknown key `colour` in [log] — valid keys in [log]: level, file");
  EXPECT_EQ(parse_error("max_size = 5\n"),
            "t.toml:1:1: unknown key `max_size` outside any section — `max_size` belongs in "
            "[spool]");
  EXPECT_EQ(parse_error("verbose = true\n"),
            "t.toml:1:1: unknown key `verbose` outside any section — settings belong in a "
            "section: [spool], [control], [limits], [log], [policy], [delivery], [dns], [routes], "
            "[dkim], [verp], [headers], [events], [bounces], [submission]");
  EXPECT_EQ(parse_error("spool = 5\n"),
            "t.toml:1:9: `spool` must be a section, got integer — write [spool] on its own line, "
            "followed by its keys");
  EXPECT_EQ(parse_error("[spool.extra]\nx = 1\n"),
            "t.toml:1:8: unknown key `extra` in [spool] — valid keys in [spool]: path, "
            "initial_size, max_size, max_batch, durable, expires_after");
}

TEST(DaemonConfig, WrongTypes) {
  EXPECT_EQ(parse_error("[spool]\nmax_batch = \"4096\"\n"),
            "t.toml:2:13: `spool.max_batch` must be an integer, got string — remove the quotes: "
            "max_batch = 4096");
  EXPECT_EQ(parse_error("[control]\nthreads = 1.5\n"),
            "t.toml:2:11: `control.threads` must be an integer, got floating-point number — write "
            "a whole number without quotes");
  EXPECT_EQ(parse_error("[spool]\ndurable = \"yes\"\n"),
            "t.toml:2:11: `spool.durable` must be a boolean, got string — write true or false, "
            "without quotes");
  EXPECT_EQ(parse_error("[spool]\nmax_size = 1.5\n"),
            "t.toml:2:12: `spool.max_size` must be a size, got floating-point number — write "
            "bytes as an integer or a string with a unit, e.g. \"64MiB\"");
  EXPECT_EQ(parse_error("[log]\nlevel = 3\n"),
            "t.toml:2:9: `log.level` must be a string, got integer — put the value in double "
            "quotes");
  EXPECT_EQ(parse_error("[spool]\nexpires_after = 72\n"),
            "t.toml:2:17: `spool.expires_after` must be a duration string, got integer — write "
            "the number with its unit in quotes, e.g. \"72h\", \"30m\", \"3d\" (a bare number "
            "would be ambiguous)");
  EXPECT_EQ(parse_error("[spool]\npath = [\"a\"]\n"),
            "t.toml:2:8: `spool.path` must be a string, got array — put the value in double "
            "quotes");
}

TEST(DaemonConfig, ImpossibleSpoolValues) {
  EXPECT_EQ(parse_error("[spool]\ninitial_size = \"1GiB\"\nmax_size = \"512MiB\"\n"),
            "t.toml:3:12: `spool.max_size` (512MiB) is smaller than `spool.initial_size` (1GiB) "
            "— raise max_size or lower initial_size; the map grows from initial_size up to "
            "max_size");
  EXPECT_EQ(parse_error("[spool]\ninitial_size = \"128GiB\"\n"),
            "t.toml:2:16: `spool.max_size` (64GiB) is smaller than `spool.initial_size` (128GiB) "
            "— raise max_size or lower initial_size; the map grows from initial_size up to "
            "max_size");
  EXPECT_EQ(parse_error("[spool]\nmax_batch = 0\n"),
            "t.toml:2:13: `spool.max_batch` = 0 is out of range — use 1 to 1000000 requests per "
            "group commit (default 4096)");
  EXPECT_EQ(parse_error("[spool]\nmax_batch = 1000001\n"),
            "t.toml:2:13: `spool.max_batch` = 1000001 is out of range — use 1 to 1000000 requests "
            "per group commit (default 4096)");
  EXPECT_EQ(parse_error("[spool]\ninitial_size = 0\n"),
            "t.toml:2:16: `spool.initial_size` must be more than 0 — the first LMDB map size, "
            "e.g. \"64MiB\"");
  EXPECT_EQ(parse_error("[spool]\npath = \"\"\n"),
            "t.toml:2:8: `spool.path` is empty — set the directory of the LMDB spool, e.g. "
            "\"./var/spool\"");
  EXPECT_EQ(parse_error("[spool]\nexpires_after = \"0s\"\n"),
            "t.toml:2:17: `spool.expires_after` = 0s is out of range — use 1s to 3650d, e.g. "
            "\"72h\"");
  EXPECT_NE(parse_error("[spool]\nexpires_after = \"3651d\"\n").find("t.toml:2:17: "),
            std::string::npos);
}

TEST(DaemonConfig, ImpossibleControlValues) {
  EXPECT_EQ(parse_error("[control]\nthreads = 0\n"),
            "t.toml:2:11: `control.threads` = 0 is out of range — use 1 to 64 io_context threads "
            "(default 1)");
  EXPECT_EQ(parse_error("[control]\nthreads = 65\n"),
            "t.toml:2:11: `control.threads` = 65 is out of range — use 1 to 64 io_context threads "
            "(default 1)");
  EXPECT_EQ(parse_error("[control]\nlisten = \"8025\"\n"),
            "t.toml:2:10: `control.listen`: \"8025\" has no host — write \"127.0.0.1:8025\"");
  EXPECT_EQ(parse_error("[control]\nlisten = \"127.0.0.1:70000\"\n"),
            "t.toml:2:10: `control.listen`: port 70000 is out of range — use 1-65535 (0 picks a "
            "free port)");
  EXPECT_EQ(parse_error("[control]\nlisten = \"0.0.0.0:8025\"\n"),
            "t.toml:2:10: `control.listen` host \"0.0.0.0\" is not a loopback address — the "
            "control API is loopback-only in this version: use 127.0.0.1 (any of 127.0.0.0/8), "
            "::1 or localhost, and reach it from elsewhere through an SSH tunnel");
  EXPECT_EQ(parse_error("[control]\nlisten = \"[2001:db8::1]:8025\"\n").substr(0, 60),
            "t.toml:2:10: `control.listen` host \"2001:db8::1\" is not a lo");
  EXPECT_EQ(parse_error("[control]\ntoken_file = \"\"\n"),
            "t.toml:2:14: `control.token_file` is empty but TCP is enabled — TCP clients need a "
            "bearer token: set a file, e.g. \"./var/control.token\", or disable TCP with listen "
            "= \"\"");
  std::string long_path(103, 'x');
  EXPECT_EQ(parse_error("[control]\nsocket = \"/run/" + long_path + "\"\n"),
            "t.toml:2:10: `control.socket` path is 108 bytes long (\"/run/" + long_path +
                "\") — Unix socket paths are limited to 107 bytes: use a shorter path");
  EXPECT_EQ(parse_error("[control]\nmax_line_size = 0\n"),
            "t.toml:2:17: `control.max_line_size` must be more than 0 — the longest NDJSON "
            "recipient line, e.g. \"64KiB\"");
}

TEST(DaemonConfig, SizeValueErrors) {
  EXPECT_EQ(parse_error("[control]\nmax_line_size = \"64k\"\n"),
            "t.toml:2:17: `control.max_line_size`: unknown size unit `k` in \"64k\" — it is "
            "ambiguous: write \"64KiB\" (powers of 1024) or \"64KB\" (powers of 1000)");
  EXPECT_EQ(parse_error("[limits]\nmax_message_size = -1\n"),
            "t.toml:2:20: `limits.max_message_size` must not be negative, got -1 — sizes are 0 or "
            "more bytes, e.g. \"64MiB\"");
  EXPECT_EQ(parse_error("[limits]\nmax_message_size = \"-1MiB\"\n"),
            "t.toml:2:20: `limits.max_message_size`: negative size \"-1MiB\" — sizes are 0 or "
            "more bytes");
  EXPECT_EQ(parse_error("[spool]\nmax_batch = -3\n"),
            "t.toml:2:13: `spool.max_batch` must not be negative, got -3 — write a whole number "
            "of 0 or more");
}

TEST(DaemonConfig, LimitsMustFitTheirCarriers) {
  EXPECT_EQ(parse_error("[limits]\nmax_message_size = \"100MiB\"\n"),
            "t.toml:2:20: `limits.max_message_size` (100MiB) is larger than "
            "`control.max_request_size` (64MiB) — a message travels inside a request body, so it "
            "could never be accepted: raise control.max_request_size or lower "
            "limits.max_message_size");
  EXPECT_EQ(parse_error("[control]\nmax_line_size = \"8KiB\"\n"),
            "t.toml:2:17: `limits.max_vars_size` (16KiB) is larger than `control.max_line_size` "
            "(8KiB) — merge-field variables travel inside one NDJSON line: raise "
            "control.max_line_size or lower limits.max_vars_size");
}

TEST(DaemonConfig, LogLevel) {
  EXPECT_EQ(parse_error("[log]\nlevel = \"warning\"\n"),
            "t.toml:2:9: unknown log level \"warning\" — did you mean \"warn\"? (levels: trace, "
            "debug, info, warn, error)");
  EXPECT_EQ(parse_error("[log]\nlevel = \"loud\"\n"),
            "t.toml:2:9: unknown log level \"loud\" — use one of trace, debug, info, warn, error");
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    EXPECT_EQ(parse_ok(std::string("[log]\nlevel = \"") + level + "\"\n").log.level, level);
  }
}

TEST(DaemonConfig, TomlSyntaxErrorsNameThePosition) {
  std::string message = parse_error("[spool]\nmax_size = \n");
  EXPECT_EQ(message.rfind("t.toml:2:12: invalid TOML: ", 0), 0u) << message;
  EXPECT_NE(message.find(" — fix the syntax here"), std::string::npos) << message;
  message = parse_error("[spool]\npath = \"a\"\npath = \"b\"\n");
  EXPECT_EQ(message.rfind("t.toml:3:", 0), 0u) << message;
}

TEST(DaemonConfig, ReportsAllErrorsInFileOrder) {
  EXPECT_EQ(parse_error("[spool]\nmax_batch = 0\n[log]\nlevel = \"loud\"\n[spool2]\n"),
            "t.toml:2:13: `spool.max_batch` = 0 is out of range — use 1 to 1000000 requests per "
            "group commit (default 4096)\n"
            "t.toml:4:9: unknown log level \"loud\" — use one of trace, debug, info, warn, error\n"
            "t.toml:5:2: unknown section [spool2] — did you mean [spool]?");
}

TEST(DaemonConfig, AnInvalidValueDoesNotCauseFollowUpErrors) {
  EXPECT_EQ(parse_error("[spool]\ninitial_size = \"128GiB\"\nmax_size = \"lots\"\n"),
            "t.toml:3:12: `spool.max_size`: \"lots\" is not a size — use B, KB, MB, GB, TB "
            "(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. \"64MiB\"");
}

} // namespace
} // namespace volley::policy
