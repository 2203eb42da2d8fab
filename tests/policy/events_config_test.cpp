// [events]: defaults, values read (paths resolved), the webhook URL parser, and the refusals with
// their file:line:column (bad URL, webhook without a log, unknown kinds, out-of-range values).
// Never reads files.
#include <gtest/gtest.h>

#include "policy/webhook_url.hpp"
#include "tests/policy/config_parsing.hpp"

namespace volley::policy {
namespace {

using config_test::parse_error;
using config_test::parse_ok;

TEST(EventsConfig, DefaultsLogEverythingAndSendNothing) {
  DaemonConfig config = default_daemon_config();
  EXPECT_EQ(config.events, EventsConfig{});
  EXPECT_EQ(config.events.log_file, "./var/events/events.jsonl");
  EXPECT_EQ(config.events.rotate_size, 64u << 20);
  EXPECT_EQ(config.events.keep, 10u);
  EXPECT_EQ(config.events.webhook, "");
  EXPECT_EQ(config.events.webhook_secret_file, "./var/webhook.secret");
  EXPECT_EQ(config.events.webhook_ca_file, "");
  EXPECT_EQ(config.events.batch_size, 500u);
  EXPECT_EQ(config.events.batch_delay_ms, 1000);
  EXPECT_EQ(config.events.retry_min_ms, 1000);
  EXPECT_EQ(config.events.retry_max_ms, 300000);
  EXPECT_EQ(config.events.timeout_ms, 10000);
  EXPECT_EQ(config.events.kinds, (std::vector<std::string>{"delivered", "deferred", "bounced",
                                                           "expired", "suppressed", "complaint"}));
}

TEST(EventsConfig, ValuesAreReadAndPathsResolved) {
  DaemonConfig config =
      parse_ok("[events]\nlog_file = \"ev/events.jsonl\"\nrotate_size = "
               "\"1MiB\"\nkeep = 3\nwebhook = \"https://crm.example.org/hook\"\n"
               "webhook_secret_file = \"keys/hook\"\nwebhook_ca_file = \"ca.pem\"\n"
               "batch_size = 20\n"
               "batch_delay = \"0s\"\nretry_min = \"250ms\"\nretry_max = \"1m\"\n"
               "timeout = \"3s\"\nkinds = [\"bounced\", \"complaint\"]\n",
               "/etc/volley");
  EXPECT_EQ(config.events.log_file, "/etc/volley/ev/events.jsonl");
  EXPECT_EQ(config.events.rotate_size, 1u << 20);
  EXPECT_EQ(config.events.keep, 3u);
  EXPECT_EQ(config.events.webhook, "https://crm.example.org/hook");
  EXPECT_EQ(config.events.webhook_secret_file, "/etc/volley/keys/hook");
  EXPECT_EQ(config.events.webhook_ca_file, "/etc/volley/ca.pem");
  EXPECT_EQ(config.events.batch_size, 20u);
  EXPECT_EQ(config.events.batch_delay_ms, 0);
  EXPECT_EQ(config.events.retry_min_ms, 250);
  EXPECT_EQ(config.events.retry_max_ms, 60000);
  EXPECT_EQ(config.events.timeout_ms, 3000);
  EXPECT_EQ(config.events.kinds, (std::vector<std::string>{"bounced", "complaint"}));
  EXPECT_EQ(parse_ok("[events]\nlog_file = \"\"\n").events.log_file, "");
  EXPECT_TRUE(parse_ok("[events]\nkinds = []\n").events.kinds.empty());
}

TEST(EventsConfig, RefusalsNameTheKeyAndSayWhatToDo) {
  EXPECT_EQ(parse_error("[events]\nwebhook = \"ftp://crm\"\n"),
            "t.toml:2:11: `events.webhook`: \"ftp://crm\" is not an http:// or https:// URL — "
            "write e.g. \"http://127.0.0.1:8080/volley/events\"");
  EXPECT_EQ(parse_error("[events]\nlog_file = \"\"\nwebhook = \"http://127.0.0.1:9/\"\n"),
            "t.toml:3:11: `events.webhook` is set but `events.log_file` is \"\" — the webhook "
            "sends what the event log holds: set log_file, e.g. \"./var/events/events.jsonl\", "
            "or webhook = \"\"");
  EXPECT_EQ(parse_error("[events]\nkinds = [\"delivered\", \"bounce\"]\n"),
            "t.toml:2:23: `events.kinds`: unknown event \"bounce\" — did you mean \"bounced\"? "
            "(events: delivered, deferred, bounced, expired, suppressed, complaint)");
  EXPECT_EQ(parse_error("[events]\nretry_min = \"10m\"\n"),
            "t.toml:2:13: `events.retry_min` (10m) is larger than `events.retry_max` (5m) — "
            "retries start at retry_min and double up to retry_max");
  EXPECT_EQ(parse_error("[events]\nbatch_size = 0\n"),
            "t.toml:2:14: `events.batch_size` = 0 is out of range — send 1 to 100000 events per "
            "POST (default 500)");
  EXPECT_EQ(parse_error("[events]\nrotate_size = 100\n"),
            "t.toml:2:15: `events.rotate_size` is smaller than 4KiB — rotate the event log at a "
            "size such as \"64MiB\"");
  EXPECT_EQ(parse_error("[events]\nwebhok = \"x\"\n"),
            "t.toml:2:1: unknown key `webhok` in [events] — did you mean `webhook`?");
}

TEST(EventsConfig, TheCrmIntegrationExampleIsAValidConfig) {
  auto config = load_daemon_config_file(VOLLEY_SOURCE_DIR "/conf/crm-integration.example.toml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->events.webhook, "https://crm.example.org/civicrm/volley/events");
  EXPECT_EQ(config->verp.bounce_domain, "bounces.example.org");
  EXPECT_EQ(config->headers.feedback_id_sender, "examplecrm");
}

TEST(WebhookUrl, SplitsSchemeHostPortAndTarget) {
  auto plain = parse_webhook_url("http://127.0.0.1:8080/volley/events?site=2");
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_FALSE(plain->tls);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 8080);
  EXPECT_EQ(plain->target, "/volley/events?site=2");
  EXPECT_EQ(plain->host_header(), "127.0.0.1:8080");
  auto secure = parse_webhook_url("HTTPS://crm.example.org");
  ASSERT_TRUE(secure.ok());
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, 443);
  EXPECT_EQ(secure->target, "/");
  EXPECT_EQ(secure->host_header(), "crm.example.org");
  auto v6 = parse_webhook_url("http://[::1]:9000?x=1");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->target, "/?x=1");
  EXPECT_EQ(v6->host_header(), "[::1]:9000");
  for (const char* bad : {"http://user:pw@crm/", "http:///x", "http://crm/a b", "http://crm/#x",
                          "http://crm:0/", "http://::1/", "crm.example.org/hook"}) {
    EXPECT_FALSE(parse_webhook_url(bad).ok()) << bad;
  }
}

} // namespace
} // namespace volley::policy
