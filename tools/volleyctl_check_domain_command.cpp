// volleyctl check-domain DOMAIN: is a sending domain ready? Loads the daemon configuration (for
// source IPs, HELO name, DNS servers, [dkim] keys and the VERP bounce domain), runs the engine's
// domain preflight against the chosen DNS servers and prints one PASS/WARN/FAIL line per finding
// (or JSON with --json). Offline: never talks to volleyd, never sends mail, never writes files.
#include "tools/volleyctl_check_domain_command.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <stdexcept>

#include "engine/dns_server_address.hpp"
#include "policy/daemon_config.hpp"
#include "policy/domain_name.hpp"
#include "protocol/ascii_case.hpp"

namespace volley::tools {
namespace {

constexpr int kExitCheckFailed = 1;     // some check said FAIL
constexpr int kExitDnsUnavailable = 69; // EX_UNAVAILABLE: the DNS server did not answer
constexpr int kExitBadConfig = 78;      // EX_CONFIG: --config does not load

std::string lower(std::string text) {
  for (char& c : text)
    c = protocol::ascii_lower_char(c);
  while (!text.empty() && text.back() == '.')
    text.pop_back();
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
    return "localhost";
  return name;
}

// Parses IP literals; on error returns the offending text in `bad`.
std::vector<boost::asio::ip::address> parse_ips(const std::vector<std::string>& texts,
                                                std::string& bad) {
  std::vector<boost::asio::ip::address> ips;
  for (const std::string& text : texts) {
    boost::system::error_code ec;
    auto ip = boost::asio::ip::make_address(text, ec);
    if (ec) {
      bad = text;
      return {};
    }
    ips.push_back(ip);
  }
  return ips;
}

// --dns values or the config's [dns] servers; empty = /etc/resolv.conf. Throws runtime_error.
std::vector<engine::DnsServerAddress> parse_servers(const std::vector<std::string>& texts) {
  std::vector<engine::DnsServerAddress> servers;
  servers.reserve(texts.size());
  for (const std::string& text : texts)
    servers.push_back(engine::DnsServerAddress::parse(text));
  return servers;
}

std::string servers_text(const std::vector<engine::DnsServerAddress>& servers) {
  if (servers.empty())
    return "the servers of /etc/resolv.conf";
  std::string text;
  for (const auto& server : servers)
    text +=
        (text.empty() ? "" : ", ") + server.address.to_string() + ":" + std::to_string(server.port);
  return text;
}

std::string json_report(const std::string& domain, const engine::PreflightReport& report) {
  boost::json::array items;
  for (const engine::PreflightItem& item : report.items)
    items.push_back({{"check", item.check},
                     {"status", lower(engine::to_string(item.status))},
                     {"detail", item.detail}});
  boost::json::object out{{"domain", domain},
                          {"items", std::move(items)},
                          {"pass", report.count(engine::PreflightStatus::pass)},
                          {"warn", report.count(engine::PreflightStatus::warn)},
                          {"fail", report.count(engine::PreflightStatus::fail)},
                          {"dns_unreachable", report.dns_unreachable}};
  return boost::json::serialize(out) + "\n";
}

struct PreparedCheck {
  engine::PreflightRequest request;
  std::string ip_source; // "--ip" or "[delivery] source_ips"
};

// Fills the request from the arguments and the config; returns an exit code on error.
std::optional<int> prepare(CommandContext& context, const policy::DaemonConfig& config,
                           PreparedCheck& check) {
  const ParsedArgs& args = context.args;
  engine::PreflightRequest& request = check.request;
  std::string bad;
  check.ip_source = args.has("ip") ? "--ip" : "[delivery] source_ips";
  request.source_ips =
      parse_ips(args.has("ip") ? args.values("ip") : config.delivery.source_ips, bad);
  if (!bad.empty() && args.has("ip"))
    return report_usage_error(context, "--ip '" + bad + "' is not an IPv4 or IPv6 address");
  if (!bad.empty()) {
    context.err << "error: " << config.source << ": [delivery] source_ips entry '" << bad
                << "' is not an IP address\n";
    return kExitBadConfig;
  }
  try {
    request.dns.servers = parse_servers(args.has("dns") ? args.values("dns") : config.dns.servers);
  } catch (const std::exception& error) {
    if (args.has("dns"))
      return report_usage_error(context, std::string("--dns: ") + error.what());
    context.err << "error: " << config.source << ": " << error.what() << "\n";
    return kExitBadConfig;
  }
  request.dns.timeout = std::chrono::milliseconds(config.dns.timeout_ms);
  request.dns.tries = static_cast<int>(config.dns.tries);
  request.helo_name = config.delivery.helo_name.empty() ? host_name() : config.delivery.helo_name;
  request.dkim = config.dkim;
  request.bounce_domain = config.verp.enabled && !config.verp.bounce_domain.empty()
                              ? lower(config.verp.bounce_domain)
                              : request.domain;
  return std::nullopt;
}

} // namespace

std::string format_preflight_report(const engine::PreflightReport& report) {
  std::string text;
  for (const engine::PreflightItem& item : report.items) {
    std::string check = item.check;
    check.resize(std::max<std::size_t>(check.size(), 11), ' ');
    text += std::string(engine::to_string(item.status)) + "  " + check + " " + item.detail + "\n";
  }
  text += "summary: " + std::to_string(report.count(engine::PreflightStatus::pass)) + " PASS, " +
          std::to_string(report.count(engine::PreflightStatus::warn)) + " WARN, " +
          std::to_string(report.count(engine::PreflightStatus::fail)) + " FAIL\n";
  return text;
}

int run_check_domain(CommandContext& context) {
  const ParsedArgs& args = context.args;
  PreparedCheck check;
  check.request.domain = lower(args.positionals.front());
  if (auto valid = policy::check_host_name(check.request.domain); !valid)
    return report_usage_error(context, "DOMAIN: " + valid.error().message);
  auto config = args.has("config") ? policy::load_daemon_config_file(args.value("config"))
                                   : Result<policy::DaemonConfig>(policy::default_daemon_config());
  if (!config) {
    context.err << "error: " << config.error().message << "\n";
    return kExitBadConfig;
  }
  if (auto failed = prepare(context, *config, check))
    return *failed;
  if (!context.json)
    context.out << "check-domain " << check.request.domain
                << " (DNS: " << servers_text(check.request.dns.servers) << "; source IPs from "
                << check.ip_source << ")\n";
  engine::PreflightReport report;
  try {
    report = engine::run_domain_preflight(check.request);
  } catch (const std::exception& error) {
    context.err << "error: " << error.what() << "\n";
    return kExitDnsUnavailable;
  }
  context.out << (context.json ? json_report(check.request.domain, report)
                               : format_preflight_report(report));
  if (report.dns_unreachable)
    return kExitDnsUnavailable;
  return report.count(engine::PreflightStatus::fail) > 0 ? kExitCheckFailed : exit_ok;
}

} // namespace volley::tools
