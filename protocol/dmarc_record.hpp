// DMARC policy records (RFC 7489 §6.3: "v=DMARC1; p=reject; adkim=s; aspf=r") and identifier
// alignment (§3.1). The organisational domain is simplified to the last two labels (no Public
// Suffix List): right for "example.org" and "mail.example.org", wrong for "example.co.uk". Pure;
// never looks anything up.
#pragma once

#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

enum class DmarcAlignment { relaxed, strict };

struct DmarcRecord {
  std::string policy;                                      // p=: "none", "quarantine" or "reject"
  std::string subdomain_policy;                            // sp=; "" = as p=
  DmarcAlignment dkim_alignment = DmarcAlignment::relaxed; // adkim=
  DmarcAlignment spf_alignment = DmarcAlignment::relaxed;  // aspf=
};

// True when the TXT value starts with the tag v=DMARC1 (what selects DMARC records, §6.6.3).
bool is_dmarc_record(std::string_view text);

// Errors (invalid_request) say what is wrong: not v=DMARC1 first, malformed tags, no valid p=,
// an invalid sp=, adkim= or aspf= value.
Result<DmarcRecord> parse_dmarc_record(std::string_view text);

// The last two labels of a lower-case domain ("a.b.example.org" → "example.org"); the domain itself
// when it has fewer.
std::string organisational_domain(std::string_view domain);

// Strict: equal domains; relaxed: equal organisational domains. Both lower-case.
bool dmarc_aligned(std::string_view author_domain, std::string_view identifier_domain,
                   DmarcAlignment mode);

} // namespace volley::protocol
