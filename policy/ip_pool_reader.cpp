// Reading [pool.NAME] (see ip_pool_reader.hpp). Never lets one address belong to two pools: each
// pool's per-address rate and warm-up cap would both claim it.
#include "policy/ip_pool_reader.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "policy/host_port.hpp"
#include "policy/policy_settings_reader.hpp"
#include "policy/policy_table_reader.hpp"

namespace volley::policy {
namespace {

constexpr std::size_t max_warmup_days = 1000;
constexpr std::string_view date_hint = "write the first day as \"YYYY-MM-DD\", e.g. \"2026-11-01\"";

struct PoolAddress {
  std::string canonical;
  std::string pool;
  SourcePosition at;
};

// inet_ntop's form, so that "::1" and "0:0::1" are the same address.
std::string canonical_ip(const std::string& text) {
  char buffer[INET6_ADDRSTRLEN] = {};
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1)
    return inet_ntop(AF_INET, &v4, buffer, sizeof buffer);
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1)
    return inet_ntop(AF_INET6, &v6, buffer, sizeof buffer);
  return text;
}

std::string lower(std::string_view text) {
  std::string out;
  for (char c : text)
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Reports an entry of ips that is not an address, or one seen before; else remembers it in seen.
void check_address(PolicyTableReader& reader, const ConfigListItem& item, const std::string& what,
                   const std::string& pool, std::vector<PoolAddress>& seen) {
  std::string_view text = item.text;
  if (text.size() > 2 && text.front() == '[' && text.back() == ']' &&
      is_ip_literal(text.substr(1, text.size() - 2))) {
    return reader.report_at(item.at, "ips", what + " has brackets",
                            "write the bare address: \"" +
                                std::string(text.substr(1, text.size() - 2)) + "\"");
  }
  if (!is_ip_literal(text)) {
    return reader.report_at(item.at, "ips", what + " is not an IP address",
                            "a pool binds outgoing connections to addresses of this machine: "
                            "write IPv4 or IPv6 literals without a port, e.g. \"127.0.0.2\" or "
                            "\"::1\"");
  }
  std::string canonical = canonical_ip(item.text);
  for (const PoolAddress& other : seen) {
    if (other.canonical != canonical)
      continue;
    if (other.pool == pool) {
      return reader.report_at(item.at, "ips", what + " is listed twice", "list each address once");
    }
    return reader.report_at(item.at, "ips",
                            what + " is already in [pool." + other.pool + "] (line " +
                                std::to_string(other.at.line) + ")",
                            "an address belongs to one pool: its rate and warm-up cap are the "
                            "pool's");
  }
  seen.push_back(PoolAddress{canonical, pool, item.at});
}

std::vector<std::string> read_addresses(PolicyTableReader& reader, const std::string& pool,
                                        std::vector<PoolAddress>& seen) {
  const std::string_view key = "ips";
  if (!reader.get(key)) {
    reader.report_table("has no `ips`",
                        "list the source addresses of the pool, e.g. ips = [\"127.0.0.2\", "
                        "\"127.0.0.3\"]");
    return {};
  }
  auto items = reader.read_string_list(key, "write each address in quotes, e.g. \"127.0.0.2\"");
  if (!items)
    return {};
  if (items->empty()) {
    reader.report(key, reader.key_name(key) + " is empty",
                  "list at least one source address, e.g. ips = [\"127.0.0.2\"]");
    return {};
  }
  std::vector<std::string> ips;
  for (const ConfigListItem& item : *items) {
    std::size_t before = seen.size();
    check_address(reader, item, reader.key_name(key) + ": \"" + item.text + "\"", pool, seen);
    if (seen.size() > before)
      ips.push_back(item.text);
  }
  return ips;
}

std::optional<std::int64_t> read_start_day(PolicyTableReader& warmup) {
  const toml::node* node = warmup.get("start");
  if (!node) {
    warmup.report_table("`warmup` has no `start`",
                        "add start = \"2026-11-01\": the first day of the warm-up (UTC)");
    return std::nullopt;
  }
  std::optional<std::string> text;
  if (const auto* date = node->as_date()) { // start = 2026-11-01, a TOML date without quotes
    const toml::date& d = date->get();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(d.year),
                  static_cast<int>(d.month), static_cast<int>(d.day));
    text = buffer;
  } else {
    text = warmup.read_string("start");
  }
  if (!text)
    return std::nullopt;
  auto day = parse_calendar_day(*text);
  if (!day) {
    warmup.report("start", warmup.key_name("start") + ": " + day.error().message, "");
    return std::nullopt;
  }
  return *day;
}

std::vector<std::uint64_t> read_daily_caps(PolicyTableReader& warmup) {
  const toml::node* node = warmup.get("daily");
  const std::string daily_hint = "add daily = [500, 1000, 2500, 5000]: messages per address on "
                                 "the first days; after the last day the address is warm";
  if (!node) {
    warmup.report_table("`warmup` has no `daily`", daily_hint);
    return {};
  }
  const toml::array* array = node->as_array();
  if (!array || array->empty() || array->size() > max_warmup_days) {
    warmup.report(
        "daily",
        warmup.key_name("daily") +
            (array ? (array->empty() ? " is empty" : " has more than 1000 days")
                   : " must be an array of integers, got " + std::string(toml_type_name(*node))),
        daily_hint);
    return {};
  }
  std::vector<std::uint64_t> caps;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    SourcePosition at = toml_position(element.source());
    std::string entry = warmup.key_name("daily") + " entry " + std::to_string(i + 1);
    const auto* number = element.as_integer();
    if (!number || number->get() < 1) {
      warmup.report_at(
          at, "daily",
          entry + (number ? " = " + std::to_string(number->get()) + " is not positive"
                          : " must be an integer, got " + std::string(toml_type_name(element))),
          "write each day's cap per address as a whole number of messages, e.g. 500");
      continue;
    }
    auto cap = static_cast<std::uint64_t>(number->get());
    if (!caps.empty() && cap <= caps.back()) {
      warmup.report_at(at, "daily",
                       entry + " (" + std::to_string(cap) +
                           ") is not larger than the day before (" + std::to_string(caps.back()) +
                           ")",
                       "a warm-up sends more each day; the address is warm after the last entry");
    }
    caps.push_back(cap);
  }
  return caps;
}

std::optional<WarmupSchedule> read_warmup(PolicyTableReader& reader) {
  const toml::node* node = reader.get("warmup");
  if (!node)
    return std::nullopt;
  const toml::table* table = node->as_table();
  if (!table) {
    reader.report("warmup",
                  reader.key_name("warmup") + " must be a table, got " +
                      std::string(toml_type_name(*node)),
                  "write warmup = {start = \"2026-11-01\", daily = [500, 1000, 2500]}");
    return std::nullopt;
  }
  PolicyTableReader warmup(*table, reader.title(), reader.diagnostics(), "warmup.");
  warmup.check_keys({"start", "daily"});
  WarmupSchedule schedule;
  auto start = read_start_day(warmup);
  schedule.daily_caps = read_daily_caps(warmup);
  if (warmup.any_failed() || !start) {
    reader.mark_failed("warmup");
    return std::nullopt;
  }
  schedule.start_day = *start;
  return schedule;
}

std::string pool_key_placement(std::string_view key) {
  if (key == "rate" || key == "limit")
    return "a pool limits each of its addresses: rate_per_ip = \"20/s\"";
  for (std::string_view setting : policy_setting_keys()) {
    if (key == setting) {
      return "`" + std::string(key) +
             "` is a per-site setting: set it in [defaults], [group.NAME] or [domain.\"...\"]";
    }
  }
  return policy_setting_placement(key);
}

} // namespace

Result<std::int64_t> parse_calendar_day(std::string_view text) {
  auto fail = [&](std::string what) {
    return make_error(error_code::invalid_request, std::move(what));
  };
  std::string q = "\"" + std::string(text) + "\"";
  bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (std::size_t i = 0; shape && i < text.size(); ++i)
    shape = i == 4 || i == 7 || std::isdigit(static_cast<unsigned char>(text[i]));
  if (!shape)
    return fail(q + " is not a date — " + std::string(date_hint));
  int year = std::stoi(std::string(text.substr(0, 4)));
  int month = std::stoi(std::string(text.substr(5, 2)));
  int day = std::stoi(std::string(text.substr(8, 2)));
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr std::array<int, 12> days_in_month{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12)
    return fail(q + " is not a date — " + std::string(date_hint));
  if (year < 1970)
    return fail(q + " is before 1970 — " + std::string(date_hint));
  int last = days_in_month[static_cast<std::size_t>(month - 1)] + (month == 2 && leap ? 1 : 0);
  if (day < 1 || day > last) {
    return fail(q + " is not a date — " + std::string(text.substr(0, 7)) + " has " +
                std::to_string(last) + " days");
  }
  // Days from civil (H. Hinnant's algorithm), proleptic Gregorian calendar.
  int y = month <= 2 ? year - 1 : year;
  int era = y / 400;
  int year_of_era = y - era * 400;
  int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return static_cast<std::int64_t>(era) * 146097 + day_of_era - 719468;
}

void read_pool_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                       std::vector<IpPool>& out) {
  std::vector<PoolAddress> seen;
  std::vector<SourcePosition> pool_at;
  auto entries = named_tables(
      section, "pool", "name each pool: [pool.main] with ips = [\"127.0.0.2\"]", diagnostics);
  for (const NamedTable& entry : entries) {
    std::string problem = policy_name_problem(entry.name);
    if (!problem.empty()) {
      diagnostics.add(entry.at, "pool name \"" + entry.name + "\" " + problem,
                      "name pools with letters, digits, '-' and '_', e.g. [pool.warmup]");
    }
    for (std::size_t i = 0; i < pool_at.size(); ++i) {
      if (lower(out[out.size() - pool_at.size() + i].name) == lower(entry.name)) {
        diagnostics.add(entry.at,
                        table_title("pool", entry.name) + " repeats a pool name of line " +
                            std::to_string(pool_at[i].line),
                        "pool names are case-insensitive: merge the two tables or rename one");
      }
    }
    PolicyTableReader reader(*entry.table, table_title("pool", entry.name), diagnostics);
    reader.check_keys({"ips", "rate_per_ip", "warmup"}, pool_key_placement);
    IpPool pool;
    pool.name = entry.name;
    pool.ips = read_addresses(reader, entry.name, seen);
    pool.rate_per_ip = read_message_rate(reader, "rate_per_ip");
    pool.warmup = read_warmup(reader);
    out.push_back(std::move(pool));
    pool_at.push_back(entry.at);
  }
}

} // namespace volley::policy
