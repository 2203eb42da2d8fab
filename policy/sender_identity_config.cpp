// Reading and checking [verp] and [headers] (see sender_identity_config.hpp). Prefixes and the
// bounce domain are checked with protocol's own check_verp_settings, so what loads is what encodes.
// Never accepts the same prefix for bounces and unsubscribes: their addresses must not collide.
#include "policy/sender_identity_config.hpp"

#include "protocol/ascii_case.hpp"
#include "protocol/verp_address.hpp"

namespace volley::policy {
namespace {

constexpr std::string_view verp = "verp";
constexpr std::string_view headers = "headers";

void check_prefix(ConfigTableReader& reader, std::string_view section, std::string_view key,
                  const std::string& prefix) {
  if (reader.failed(section, key))
    return;
  auto checked = protocol::check_verp_settings(prefix, "bounce.invalid");
  if (!checked) {
    reader.report(section, key, key_name(section, key) + " = \"" + prefix + "\" is not usable",
                  "use 1 to 16 of a-z 0-9 . _ (no '-': the token starts after the first '-')");
  }
}

void check_bounce_domain(ConfigTableReader& reader, const std::string& domain) {
  if (domain.empty() || reader.failed(verp, "bounce_domain"))
    return;
  if (!protocol::check_verp_settings("b", domain) || domain.find('.') == std::string::npos) {
    reader.report(verp, "bounce_domain",
                  "`verp.bounce_domain` = \"" + domain + "\" is not a domain name",
                  "name the domain whose MX receives bounces, e.g. \"bounces.example.org\"; \"\" "
                  "uses the domain of each campaign's sender");
  }
}

} // namespace

std::vector<SectionSchema> sender_identity_sections_schema() {
  return {
      {verp, {"enabled", "prefix", "bounce_domain", "secret_file"}},
      {headers,
       {"list_unsubscribe", "unsubscribe_prefix", "one_click", "message_id", "date",
        "feedback_id_sender"}},
  };
}

void read_sender_identity_sections(ConfigTableReader& reader, VerpConfig& verp_config,
                                   HeadersConfig& headers_config) {
  reader.read_bool(verp, "enabled", verp_config.enabled);
  reader.read_string(verp, "prefix", verp_config.prefix);
  reader.read_string(verp, "bounce_domain", verp_config.bounce_domain);
  reader.read_string(verp, "secret_file", verp_config.secret_file);
  check_prefix(reader, verp, "prefix", verp_config.prefix);
  check_bounce_domain(reader, verp_config.bounce_domain);
  if (verp_config.secret_file.empty() && !reader.failed(verp, "secret_file")) {
    reader.report(verp, "secret_file", "`verp.secret_file` is empty",
                  "name the file holding the HMAC key of bounce addresses, e.g. "
                  "\"./var/verp.secret\" (generated at first start)");
  }

  reader.read_bool(headers, "list_unsubscribe", headers_config.list_unsubscribe);
  reader.read_string(headers, "unsubscribe_prefix", headers_config.unsubscribe_prefix);
  reader.read_bool(headers, "one_click", headers_config.one_click);
  reader.read_bool(headers, "message_id", headers_config.message_id);
  reader.read_bool(headers, "date", headers_config.date);
  reader.read_string(headers, "feedback_id_sender", headers_config.feedback_id_sender);
  check_prefix(reader, headers, "unsubscribe_prefix", headers_config.unsubscribe_prefix);
  if (!reader.failed(headers, "unsubscribe_prefix") && !reader.failed(verp, "prefix") &&
      protocol::ascii_equal_ignoring_case(headers_config.unsubscribe_prefix, verp_config.prefix)) {
    reader.report(headers, "unsubscribe_prefix",
                  "`headers.unsubscribe_prefix` is the same as `verp.prefix` (\"" +
                      verp_config.prefix + "\")",
                  "use two different prefixes, e.g. \"bounce\" and \"unsubscribe\": replies to "
                  "each address mean different things");
  }
  const std::string& sender = headers_config.feedback_id_sender;
  bool sender_ok = sender.size() <= 64;
  for (char c : sender)
    sender_ok = sender_ok && c > ' ' && c < 0x7f && c != ':';
  if (!sender_ok && !reader.failed(headers, "feedback_id_sender")) {
    reader.report(headers, "feedback_id_sender",
                  "`headers.feedback_id_sender` = \"" + sender + "\" is not usable",
                  "use up to 64 printable ASCII characters without ':' or spaces, e.g. "
                  "\"volley\"; \"\" adds no Feedback-ID");
  }
}

} // namespace volley::policy
