// [verp] and [headers]: defaults, values read, and every refusal with its file:line:column and
// hint (prefix syntax, bounce domain, same prefix twice, empty secret file, Feedback-ID sender).
#include <gtest/gtest.h>

#include "tests/policy/config_parsing.hpp"

namespace volley::policy {
namespace {

using config_test::parse_error;
using config_test::parse_ok;

TEST(SenderIdentityConfig, DefaultsSignEveryEnvelopeAndAddTheUsualFields) {
  DaemonConfig config = default_daemon_config();
  EXPECT_TRUE(config.verp.enabled);
  EXPECT_EQ(config.verp.prefix, "bounce");
  EXPECT_EQ(config.verp.bounce_domain, "");
  EXPECT_EQ(config.verp.secret_file, "./var/verp.secret");
  EXPECT_TRUE(config.headers.list_unsubscribe);
  EXPECT_EQ(config.headers.unsubscribe_prefix, "unsubscribe");
  EXPECT_TRUE(config.headers.one_click);
  EXPECT_TRUE(config.headers.message_id);
  EXPECT_TRUE(config.headers.date);
  EXPECT_EQ(config.headers.feedback_id_sender, "");
  EXPECT_EQ(config.verp, VerpConfig{});
  EXPECT_EQ(config.headers, HeadersConfig{});
}

TEST(SenderIdentityConfig, ValuesAreReadAndTheSecretPathResolved) {
  DaemonConfig config = parse_ok("[verp]\nenabled = false\nprefix = \"b.r\"\n"
                                 "bounce_domain = \"Bounces.Example.org\"\n"
                                 "secret_file = \"keys/verp\"\n"
                                 "[headers]\nlist_unsubscribe = false\nunsubscribe_prefix = \"u\"\n"
                                 "one_click = false\nmessage_id = false\ndate = false\n"
                                 "feedback_id_sender = \"volley\"\n",
                                 "/etc/volley");
  EXPECT_FALSE(config.verp.enabled);
  EXPECT_EQ(config.verp.prefix, "b.r");
  EXPECT_EQ(config.verp.bounce_domain, "Bounces.Example.org");
  EXPECT_EQ(config.verp.secret_file, "/etc/volley/keys/verp");
  EXPECT_FALSE(config.headers.list_unsubscribe);
  EXPECT_EQ(config.headers.unsubscribe_prefix, "u");
  EXPECT_FALSE(config.headers.one_click);
  EXPECT_FALSE(config.headers.message_id);
  EXPECT_FALSE(config.headers.date);
  EXPECT_EQ(config.headers.feedback_id_sender, "volley");
}

TEST(SenderIdentityConfig, BadPrefixesAndDomainsAreRefusedWithAHint) {
  EXPECT_EQ(parse_error("[verp]\nprefix = \"bounce-x\"\n"),
            "t.toml:2:10: `verp.prefix` = \"bounce-x\" is not usable — use 1 to 16 of a-z 0-9 . _ "
            "(no '-': the token starts after the first '-')");
  EXPECT_TRUE(parse_error("[verp]\nprefix = \"\"\n").starts_with("t.toml:2:10: `verp.prefix`"));
  EXPECT_TRUE(parse_error("[headers]\nunsubscribe_prefix = \"a b\"\n")
                  .starts_with("t.toml:2:22: `headers.unsubscribe_prefix` = \"a b\""));
  std::string domain = parse_error("[verp]\nbounce_domain = \"localhost\"\n");
  EXPECT_TRUE(domain.starts_with("t.toml:2:17: `verp.bounce_domain` = \"localhost\" is not a "
                                 "domain name"))
      << domain;
  EXPECT_TRUE(parse_error("[verp]\nbounce_domain = \"b\xc3\xa9.example\"\n")
                  .starts_with("t.toml:2:17: `verp.bounce_domain`"));
  std::string same = parse_error("[verp]\nprefix = \"Bounce\"\n[headers]\n"
                                 "unsubscribe_prefix = \"bounce\"\n");
  EXPECT_TRUE(same.starts_with("t.toml:4:22: `headers.unsubscribe_prefix` is the same as "
                               "`verp.prefix` (\"Bounce\")"))
      << same;
  EXPECT_TRUE(parse_error("[verp]\nsecret_file = \"\"\n")
                  .starts_with("t.toml:2:15: `verp.secret_file` is empty"));
  std::string sender = parse_error("[headers]\nfeedback_id_sender = \"a:b\"\n");
  EXPECT_TRUE(sender.starts_with("t.toml:2:22: `headers.feedback_id_sender` = \"a:b\" is not "
                                 "usable"))
      << sender;
  std::string unknown = parse_error("[verp]\nbounce_domian = \"x.org\"\n");
  EXPECT_NE(unknown.find("did you mean `bounce_domain`?"), std::string::npos) << unknown;
}

} // namespace
} // namespace volley::policy
