// Preflight of DKIM key publication: for each signature of the [dkim] entry that signs mail from a
// domain, fetch TXT <selector>._domainkey.<d> and compare its k= and p= with the configured key's
// public half (DkimKey::dns_txt_record). Blocking DNS (BlockingDnsClient); never reads key files
// (the config loader did) and never prints a private key.
#pragma once

#include <string>
#include <vector>

#include "engine/blocking_dns_client.hpp"
#include "engine/preflight_item.hpp"
#include "policy/dkim_config.hpp"

namespace volley::engine {

// The d= of an entry: its pattern without the leading '.' ("example.org" for ".example.org").
std::string dkim_signing_domain(const policy::DkimDomainConfig& entry);

// One "dkim" item per signature; a WARN "not signed" item when `entry` is null.
std::vector<PreflightItem> check_dkim_records(BlockingDnsClient& dns, const std::string& domain,
                                              const policy::DkimDomainConfig* entry);

} // namespace volley::engine
