// check_dmarc (see dmarc_record_check.hpp). Alignment is reported with the record's adkim=/aspf=,
// or the relaxed defaults when no usable record exists. Must never treat a failed lookup as a
// missing record.
#include "engine/dmarc_record_check.hpp"

#include <ares.h>

#include "protocol/dmarc_record.hpp"

namespace volley::engine {
namespace {

using protocol::DmarcAlignment;

struct DmarcLookup {
  std::string name;                   // where the record was (or was last) looked for
  std::vector<std::string> records;   // the TXT values that start with v=DMARC1
  std::size_t other_txt = 0;          // TXT values there that are not DMARC records
  std::optional<std::string> failure; // the lookup itself failed
};

DmarcLookup look_up(BlockingDnsClient& dns, const std::string& domain) {
  DmarcLookup lookup{"_dmarc." + domain, {}, 0, std::nullopt};
  TxtAnswer answer = dns.txt(lookup.name);
  if (answer.status != ARES_SUCCESS && answer.status != ARES_ENODATA &&
      answer.status != ARES_ENOTFOUND) {
    lookup.failure = describe_dns_status(answer.status, answer.timeouts);
    return lookup;
  }
  for (const std::string& text : answer.records) {
    if (protocol::is_dmarc_record(text))
      lookup.records.push_back(text);
    else
      ++lookup.other_txt;
  }
  return lookup;
}

const char* mode_name(DmarcAlignment mode) {
  return mode == DmarcAlignment::strict ? "s" : "r";
}

PreflightItem record_item(const std::string& domain, const DmarcLookup& lookup,
                          const Result<protocol::DmarcRecord>& parsed, bool inherited) {
  if (!parsed)
    return {"dmarc", PreflightStatus::fail, lookup.name + ": " + parsed.error().message};
  const protocol::DmarcRecord& record = *parsed;
  std::string policy = record.policy;
  std::string detail = lookup.name + ": p=" + record.policy;
  if (inherited && !record.subdomain_policy.empty()) {
    policy = record.subdomain_policy;
    detail += ", sp=" + record.subdomain_policy;
  }
  detail += ", adkim=" + std::string(mode_name(record.dkim_alignment)) +
            ", aspf=" + mode_name(record.spf_alignment);
  detail +=
      inherited ? " (organisational domain; applies to " + domain + " as " + policy + ")" : "";
  if (policy == "none")
    detail += "; p=none only monitors: receivers take no action on failing mail";
  return {"dmarc", PreflightStatus::pass, detail};
}

// `detail` names the identifier as shown: "DKIM d=" + d, "envelope (VERP bounce) domain " + d.
PreflightItem alignment_item(const char* check, const std::string& detail,
                             const std::string& domain, const std::string& identifier,
                             DmarcAlignment mode, const char* tag) {
  std::string rule = std::string("(") + tag + "=" + mode_name(mode) + ")";
  if (protocol::dmarc_aligned(domain, identifier, mode))
    return {check, PreflightStatus::pass, detail + " aligns with " + domain + " " + rule};
  std::string why = mode == DmarcAlignment::strict
                        ? " is not exactly " + domain + " " + rule
                        : " is not under " + protocol::organisational_domain(domain) + " " + rule;
  return {check, PreflightStatus::fail, detail + why};
}

} // namespace

std::vector<PreflightItem> check_dmarc(BlockingDnsClient& dns, const DmarcCheckInput& input) {
  std::vector<PreflightItem> items;
  const std::string organisational = protocol::organisational_domain(input.domain);
  DmarcLookup lookup = look_up(dns, input.domain);
  bool inherited = false;
  if (!lookup.failure && lookup.records.empty() && organisational != input.domain) {
    DmarcLookup parent = look_up(dns, organisational);
    if (parent.failure || !parent.records.empty()) {
      lookup = std::move(parent);
      inherited = true;
    }
  }
  std::optional<protocol::DmarcRecord> record;
  if (lookup.failure) {
    items.push_back({"dmarc", PreflightStatus::fail,
                     "cannot look up TXT " + lookup.name + ": " + *lookup.failure});
  } else if (lookup.records.empty()) {
    std::string where = "_dmarc." + input.domain +
                        (organisational != input.domain ? " nor _dmarc." + organisational : "");
    items.push_back({"dmarc", PreflightStatus::fail,
                     lookup.other_txt
                         ? "the TXT record at " + lookup.name +
                               " is not a DMARC record (it must start with v=DMARC1)"
                         : "no DMARC record at " + where +
                               "; publish e.g. \"v=DMARC1; p=none\" at _dmarc." + input.domain});
  } else if (lookup.records.size() > 1) {
    items.push_back({"dmarc", PreflightStatus::fail,
                     lookup.name + " holds " + std::to_string(lookup.records.size()) +
                         " DMARC records; receivers ignore all of them (RFC 7489 §6.6.3)"});
  } else {
    auto parsed = protocol::parse_dmarc_record(lookup.records.front());
    items.push_back(record_item(input.domain, lookup, parsed, inherited));
    if (parsed)
      record = *parsed;
  }
  DmarcAlignment dkim_mode = record ? record->dkim_alignment : DmarcAlignment::relaxed;
  DmarcAlignment spf_mode = record ? record->spf_alignment : DmarcAlignment::relaxed;
  if (input.dkim_domain)
    items.push_back(alignment_item("dkim-align", "DKIM d=" + *input.dkim_domain, input.domain,
                                   *input.dkim_domain, dkim_mode, "adkim"));
  else
    items.push_back(
        {"dkim-align", PreflightStatus::fail,
         "no DKIM signature to align: messages from " + input.domain + " are not signed"});
  items.push_back(alignment_item("spf-align",
                                 "envelope (VERP bounce) domain " + input.envelope_domain,
                                 input.domain, input.envelope_domain, spf_mode, "aspf"));
  return items;
}

} // namespace volley::engine
