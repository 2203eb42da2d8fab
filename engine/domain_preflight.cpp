// run_domain_preflight (see domain_preflight.hpp). The first question (TXT DOMAIN, which also
// holds the SPF record) doubles as the reachability probe: a timeout, an unreachable server,
// SERVFAIL or REFUSED stops the run with one "dns" FAIL and dns_unreachable set. Must never
// evaluate SPF per IP when the record is missing or duplicated (every IP would get the same none
// or permerror).
#include "engine/domain_preflight.hpp"

#include <ares.h>

#include <algorithm>

#include "engine/blocking_dns_client.hpp"
#include "engine/dkim_record_check.hpp"
#include "engine/dmarc_record_check.hpp"
#include "engine/spf_evaluator.hpp"
#include "protocol/ascii_case.hpp"

namespace volley::engine {
namespace {

// RFC 7208 §4.5: "v=spf1" (any case) followed by a space or nothing.
bool is_spf_record(const std::string& text) {
  return text.size() >= 6 && protocol::ascii_equal_ignoring_case(text.substr(0, 6), "v=spf1") &&
         (text.size() == 6 || text[6] == ' ');
}

std::string suggested_spf_record(const std::vector<boost::asio::ip::address>& ips) {
  std::string record = "v=spf1";
  for (const auto& ip : ips)
    record += (ip.is_v4() ? " ip4:" : " ip6:") + ip.to_string();
  return record + (ips.empty() ? " ip4:YOUR.SENDING.IP -all" : " -all");
}

// The record items; returns the one SPF record when there is exactly one.
std::optional<std::string> check_spf_record(const PreflightRequest& request, const TxtAnswer& apex,
                                            std::vector<PreflightItem>& items) {
  std::vector<std::string> records;
  std::copy_if(apex.records.begin(), apex.records.end(), std::back_inserter(records),
               is_spf_record);
  const std::string& domain = request.domain;
  const std::string fix =
      "; publish a TXT record \"" + suggested_spf_record(request.source_ips) + "\" at " + domain;
  if (apex.status == ARES_ENOTFOUND)
    items.push_back({"spf", PreflightStatus::fail, domain + " does not exist (NXDOMAIN)" + fix});
  else if (records.empty())
    items.push_back({"spf", PreflightStatus::fail, domain + " publishes no SPF record" + fix});
  else if (records.size() > 1)
    items.push_back({"spf", PreflightStatus::fail,
                     domain + " publishes " + std::to_string(records.size()) +
                         " SPF records, which is a permerror (RFC 7208 §4.5); merge them"});
  else
    items.push_back(
        {"spf", PreflightStatus::pass, domain + " publishes \"" + records.front() + "\""});
  if (records.size() != 1)
    return std::nullopt;
  return records.front();
}

void check_spf(BlockingDnsClient& dns, const PreflightRequest& request, const TxtAnswer& apex,
               std::vector<PreflightItem>& items) {
  auto record = check_spf_record(request, apex, items);
  if (request.source_ips.empty()) {
    items.push_back({"spf", PreflightStatus::warn,
                     "no source IPs to check (give --ip or set [delivery] source_ips): only the "
                     "record's presence was checked"});
    return;
  }
  if (!record)
    return;
  SpfEvaluator spf(dns);
  for (const auto& ip : request.source_ips) {
    SpfVerdict verdict = spf.check_mail_from(ip, request.domain, request.helo_name);
    items.push_back(
        {"spf", verdict.result == SpfResult::pass ? PreflightStatus::pass : PreflightStatus::fail,
         ip.to_string() + ": " + to_string(verdict.result) +
             (verdict.explanation.empty() ? "" : " - " + verdict.explanation)});
  }
}

PreflightItem check_bounce_mx(BlockingDnsClient& dns, const std::string& bounce_domain) {
  MxAnswerRecords answer = dns.mx(bounce_domain);
  const std::string lost = ": bounces would not come back to Volley";
  if (answer.status == ARES_ENODATA)
    return {"bounce-mx", PreflightStatus::warn,
            "bounce domain " + bounce_domain + " has no MX record" + lost};
  if (answer.status == ARES_ENOTFOUND)
    return {"bounce-mx", PreflightStatus::warn,
            "bounce domain " + bounce_domain + " does not exist (NXDOMAIN)" + lost};
  if (answer.status != ARES_SUCCESS)
    return {"bounce-mx", PreflightStatus::warn,
            "cannot look up MX " + bounce_domain + ": " +
                describe_dns_status(answer.status, answer.timeouts)};
  std::string hosts;
  for (const MxRecord& mx : answer.records)
    if (!mx.host.empty())
      hosts += (hosts.empty() ? "" : ", ") + mx.host + " (" + std::to_string(mx.preference) + ")";
  if (hosts.empty())
    return {"bounce-mx", PreflightStatus::warn,
            "bounce domain " + bounce_domain + " has a null MX (RFC 7505)" + lost};
  return {"bounce-mx", PreflightStatus::pass,
          "bounce domain " + bounce_domain + " has MX " + hosts};
}

void append(std::vector<PreflightItem>& items, std::vector<PreflightItem> more) {
  for (PreflightItem& item : more)
    items.push_back(std::move(item));
}

} // namespace

std::size_t PreflightReport::count(PreflightStatus status) const {
  return static_cast<std::size_t>(std::count_if(
      items.begin(), items.end(), [status](const PreflightItem& i) { return i.status == status; }));
}

PreflightReport run_domain_preflight(const PreflightRequest& request) {
  BlockingDnsClient dns(request.dns);
  PreflightReport report;
  TxtAnswer apex = dns.txt(request.domain);
  if (dns_server_failed(apex.status)) {
    report.dns_unreachable = true;
    report.items.push_back({"dns", PreflightStatus::fail,
                            "cannot query TXT " + request.domain + ": " +
                                describe_dns_status(apex.status, apex.timeouts) +
                                "; check --dns or the [dns] servers setting"});
    return report;
  }
  check_spf(dns, request, apex, report.items);
  const policy::DkimDomainConfig* dkim = policy::find_dkim_domain(request.dkim, request.domain);
  append(report.items, check_dkim_records(dns, request.domain, dkim));
  DmarcCheckInput dmarc{request.domain, std::nullopt, request.bounce_domain};
  if (dkim)
    dmarc.dkim_domain = dkim_signing_domain(*dkim);
  append(report.items, check_dmarc(dns, dmarc));
  report.items.push_back(check_bounce_mx(dns, request.bounce_domain));
  return report;
}

} // namespace volley::engine
