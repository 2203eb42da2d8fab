// Reading the per-site settings and message rates of the rate policy file (see
// policy_settings_reader.hpp). Never accepts a value the engine would have to guess at: rates are
// whole numbers per named period, timeouts and delays carry their unit.
#include "policy/policy_settings_reader.hpp"

#include "policy/delivery_config_reader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "policy/config_units.hpp"
#include "policy/config_value_checks.hpp"

namespace volley::policy {
namespace {

constexpr std::uint64_t max_rate_count = 1'000'000'000;
constexpr std::uint64_t max_connections_limit = 1'000'000;
constexpr std::uint64_t max_count = 1'000'000'000;
constexpr std::int64_t max_timeout_ms = 24ll * 3600 * 1000;
constexpr std::int64_t max_delay_ms = 3650ll * 86400 * 1000;
constexpr std::string_view rate_hint = "write a whole number of messages per period: \"100/s\", "
                                       "\"6000/min\", \"20000/h\" or \"500000/d\"";
constexpr std::string_view tls_modes_list = "off, opportunistic, require, verify";

struct RatePeriod {
  std::string_view name;
  double seconds;
};

constexpr std::array<RatePeriod, 9> rate_periods{{{"s", 1},
                                                  {"sec", 1},
                                                  {"second", 1},
                                                  {"min", 60},
                                                  {"minute", 60},
                                                  {"h", 3600},
                                                  {"hour", 3600},
                                                  {"d", 86400},
                                                  {"day", 86400}}};

Error rate_error(std::string what) {
  return make_error(error_code::invalid_request, std::move(what));
}

std::string quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ')
    text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ')
    text.remove_suffix(1);
  return text;
}

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<double> period_seconds(std::string_view unit) {
  for (const RatePeriod& period : rate_periods) {
    if (unit.size() == period.name.size() &&
        std::equal(unit.begin(), unit.end(), period.name.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }))
      return period.seconds;
  }
  return std::nullopt;
}

// "0.5/s": the same rate as a whole number over a longer period ("30/min").
std::string whole_rate_suggestion(double per_second) {
  constexpr std::array<RatePeriod, 3> longer{{{"min", 60}, {"h", 3600}, {"d", 86400}}};
  for (const RatePeriod& period : longer) {
    double count = per_second * period.seconds;
    if (count >= 1 && std::fabs(count - std::round(count)) < 1e-9)
      return "write " +
             quoted(std::to_string(std::llround(count)) + "/" + std::string(period.name));
  }
  return "use a longer period, e.g. " +
         quoted(std::to_string(std::max<long long>(1, std::llround(per_second * 86400))) + "/d");
}

Result<std::uint64_t> parse_rate_count(std::string_view text, std::string_view count,
                                       double seconds) {
  if (!all_digits(count)) {
    char* end = nullptr;
    std::string copy(count);
    double fraction = std::strtod(copy.c_str(), &end);
    if (!copy.empty() && end == copy.c_str() + copy.size() && fraction > 0 &&
        copy.find_first_not_of("0123456789.") == std::string::npos) {
      return rate_error(quoted(text) + " is not a whole number of messages — " +
                        whole_rate_suggestion(fraction / seconds));
    }
    return rate_error(quoted(text) + " is not a rate — " + std::string(rate_hint));
  }
  if (count.size() > 10 || std::stoull(std::string(count)) > max_rate_count) {
    return rate_error(quoted(text) +
                      " is too large — at most 1000000000 messages per period; leave the rate "
                      "out for no limit");
  }
  std::uint64_t value = std::stoull(std::string(count));
  if (value == 0) {
    return rate_error(quoted(text) +
                      " would send nothing — a rate is at least 1 message per period, e.g. "
                      "\"1/h\"; leave it out for no limit");
  }
  return value;
}

std::optional<TlsMode> read_tls(PolicyTableReader& reader) {
  auto text = reader.read_string("tls");
  if (!text)
    return std::nullopt;
  auto mode = tls_mode_named(*text);
  if (!mode)
    reader.report("tls", reader.key_name("tls") + ": unknown TLS mode \"" + *text + "\"",
                  tls_mode_hint(*text));
  return mode;
}

// Every entry 1s to 3650d, none shorter than the one before; errors at the entry.
std::optional<std::vector<std::int64_t>> read_retry_schedule(PolicyTableReader& reader) {
  const std::string_view key = "retry_schedule";
  auto items = reader.read_string_list(key, "write each delay in quotes, e.g. \"15m\"");
  if (!items)
    return std::nullopt;
  if (items->empty()) {
    reader.report(key, reader.key_name(key) + " is empty",
                  "list at least one delay, e.g. [\"5m\", \"1h\"]; the last one repeats until the "
                  "recipient expires");
    return std::nullopt;
  }
  std::vector<std::int64_t> schedule;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const ConfigListItem& item = (*items)[i];
    std::string entry = reader.key_name(key) + " entry " + std::to_string(i + 1);
    auto seconds = parse_duration_text(item.text);
    if (!seconds) {
      reader.report_at(item.at, key, entry + ": " + seconds.error().message, "");
      continue;
    }
    if (*seconds < 1 || *seconds * 1000 > max_delay_ms) {
      reader.report_at(item.at, key,
                       entry + " = " + describe_duration(*seconds, 1000) + " is out of range",
                       "use 1s to 3650d");
      continue;
    }
    if (!schedule.empty() && *seconds < schedule.back()) {
      reader.report_at(item.at, key,
                       entry + " (" + describe_duration(*seconds, 1000) +
                           ") is shorter than the one before (" +
                           describe_duration(schedule.back(), 1000) + ")",
                       "delays must not decrease; the last one repeats");
    }
    schedule.push_back(*seconds);
  }
  if (reader.failed(key))
    return std::nullopt;
  return schedule;
}

void read_counts(PolicyTableReader& reader, PolicySettings& settings) {
  settings.max_connections =
      reader.read_count("max_connections", 1, max_connections_limit,
                        "use 1 to 1000000 connections to one site at a time, e.g. 20");
  settings.max_messages_per_connection =
      reader.read_count("max_messages_per_connection", 1, max_count,
                        "use 1 or more messages before a connection is closed, e.g. 100");
  settings.max_recipients_per_transaction =
      reader.read_count("max_recipients_per_transaction", 1, max_count,
                        "use 1 or more RCPT TO per message, e.g. 50 (servers must accept 100)");
}

void read_timeouts(PolicyTableReader& reader, PolicySettings& settings) {
  settings.connect_timeout_ms =
      reader.read_duration_ms("connect_timeout", 1, max_timeout_ms, true,
                              "use 1ms to 24h for the TCP connection to an MX host, e.g. \"30s\"");
  settings.greeting_timeout_ms = reader.read_duration_ms(
      "greeting_timeout", 1, max_timeout_ms, true,
      "use 1ms to 24h for the greeting, EHLO and STARTTLS replies, e.g. \"5m\" (RFC 5321)");
  settings.data_timeout_ms = reader.read_duration_ms(
      "data_timeout", 1, max_timeout_ms, true,
      "use 1ms to 24h for sending the body and its final reply, e.g. \"10m\" (RFC 5321)");
  settings.expires_after_s = reader.read_duration_ms(
      "expires_after", 1000, max_delay_ms, false,
      "use 1s to 3650d for how long a recipient may wait in the queue, e.g. \"72h\"");
  if (settings.expires_after_s)
    *settings.expires_after_s /= 1000;
}

} // namespace

Result<MessageRate> parse_message_rate_text(std::string_view text) {
  std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    if (all_digits(trimmed(text))) {
      return rate_error(quoted(text) + " has no period — write " +
                        quoted(std::string(trimmed(text)) + "/s") +
                        " for messages per second, or per min, h or d");
    }
    return rate_error(quoted(text) + " is not a rate — " + std::string(rate_hint));
  }
  std::string_view count = trimmed(text.substr(0, slash));
  std::string_view unit = trimmed(text.substr(slash + 1));
  if (unit == "m" || unit == "M") {
    return rate_error(quoted(text) + ": the period \"/m\" is ambiguous — write " +
                      quoted(std::string(count) + "/min") + " for minutes");
  }
  auto seconds = period_seconds(unit);
  if (!seconds) {
    return rate_error("unknown period \"/" + std::string(unit) + "\" in " + quoted(text) +
                      " — use /s, /min, /h or /d");
  }
  auto value = parse_rate_count(text, count, *seconds);
  if (!value)
    return value.error();
  return MessageRate{static_cast<double>(*value) / *seconds, 0, std::string(text)};
}

std::optional<MessageRate> read_message_rate(PolicyTableReader& reader, std::string_view key) {
  const toml::node* node = reader.get(key);
  if (!node || reader.failed(key))
    return std::nullopt;
  if (node->is_string()) {
    auto rate = parse_message_rate_text(node->as_string()->get());
    if (!rate) {
      reader.report(key, reader.key_name(key) + ": " + rate.error().message, "");
      return std::nullopt;
    }
    return *rate;
  }
  const toml::table* table = node->as_table();
  if (!table) {
    reader.report(
        key, reader.key_name(key) + " must be a rate, got " + std::string(toml_type_name(*node)),
        "write messages per period in quotes, e.g. " + std::string(key) + " = \"100/s\", or " +
            std::string(key) + " = {limit = \"6000/min\", burst = 200}");
    return std::nullopt;
  }
  PolicyTableReader nested(*table, reader.title(), reader.diagnostics(), std::string(key) + ".");
  nested.check_keys({"limit", "burst"});
  std::optional<MessageRate> rate;
  if (auto limit = nested.read_string("limit")) {
    auto parsed = parse_message_rate_text(*limit);
    if (parsed)
      rate = *parsed;
    else
      nested.report("limit", nested.key_name("limit") + ": " + parsed.error().message, "");
  } else if (!nested.get("limit")) {
    nested.report_table("`" + std::string(key) + "` has no `limit`",
                        "write " + std::string(key) + " = {limit = \"6000/min\", burst = 200}");
  }
  auto burst = nested.read_count("burst", 1, max_rate_count,
                                 "use 1 or more messages that may go at once after a quiet "
                                 "spell; leave it out for one second's worth");
  if (nested.any_failed()) {
    reader.mark_failed(key);
    return std::nullopt;
  }
  rate->burst = burst.value_or(0);
  return rate;
}

const std::vector<std::string_view>& policy_setting_keys() {
  static const std::vector<std::string_view> keys{"max_connections",
                                                  "max_messages_per_connection",
                                                  "max_recipients_per_transaction",
                                                  "rate",
                                                  "connect_timeout",
                                                  "greeting_timeout",
                                                  "data_timeout",
                                                  "tls",
                                                  "retry_schedule",
                                                  "expires_after",
                                                  "pool"};
  return keys;
}

std::string policy_setting_placement(std::string_view key) {
  const std::string name = "`" + std::string(key) + "`";
  if (key == "mx")
    return name + " belongs in a [group.NAME] table: groups match sites by their MX hosts";
  if (key == "ips" || key == "rate_per_ip" || key == "warmup")
    return name + " belongs in a [pool.NAME] table; send from it with pool = \"NAME\"";
  for (std::string_view rule_key : {"code", "status", "text", "action", "duration", "factor"}) {
    if (key == rule_key)
      return name + " belongs in a [[throttle]] rule";
  }
  if (key == "limit" || key == "burst")
    return "write it inside the rate: rate = {limit = \"6000/min\", burst = 200}";
  if (key == "source_ips")
    return "send from other addresses with a [pool.NAME] (ips = [...]) and pool = \"NAME\"";
  if (key == "tls_domains")
    return "write a [domain.\"example.com\"] table with tls = \"verify\"";
  for (std::string_view daemon_key : {"command_timeout", "idle_timeout", "site_backoff",
                                      "helo_name", "smtp_port", "tls_ca_file", "enabled"}) {
    if (key == daemon_key)
      return name + " is set for all sites in volleyd.toml [delivery]";
  }
  return "";
}

PolicySettings read_policy_settings(PolicyTableReader& reader, std::vector<PoolReference>& pools) {
  PolicySettings settings;
  read_counts(reader, settings);
  settings.rate = read_message_rate(reader, "rate");
  read_timeouts(reader, settings);
  settings.tls = read_tls(reader);
  settings.retry_schedule_s = read_retry_schedule(reader);
  settings.pool = reader.read_string("pool");
  if (settings.pool && !settings.pool->empty())
    pools.push_back(PoolReference{*settings.pool, reader.where("pool"), reader.key_name("pool")});
  return settings;
}

} // namespace volley::policy
