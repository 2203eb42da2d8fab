// Preflight of DMARC: the policy record of a sending domain (TXT _dmarc.<domain>, else that of its
// organisational domain, RFC 7489 §6.6.3 simplified to the last two labels) and whether Volley's
// mail would align: DKIM d= and the envelope (VERP bounce) domain against the From domain, relaxed
// or strict per adkim= / aspf=. Blocking DNS (BlockingDnsClient); never evaluates SPF or DKIM
// results themselves (spf_evaluator.hpp, dkim_record_check.hpp do).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/blocking_dns_client.hpp"
#include "engine/preflight_item.hpp"

namespace volley::engine {

struct DmarcCheckInput {
  std::string domain;                     // the From domain, lower-case
  std::optional<std::string> dkim_domain; // d= of the signatures; nullopt = mail is unsigned
  std::string envelope_domain;            // the MAIL FROM domain (VERP bounce domain)
};

// A "dmarc" item, then "dkim-align" and "spf-align".
std::vector<PreflightItem> check_dmarc(BlockingDnsClient& dns, const DmarcCheckInput& input);

} // namespace volley::engine
