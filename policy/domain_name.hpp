// Syntax of domain names in the configuration: route and TLS patterns ("*", "example.com",
// ".example.com") and host names of route targets. Pure text checks on ASCII (A-labels for IDNs);
// never resolves a name.
#pragma once

#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::policy {

// A host name: dot-separated labels of letters, digits and '-' (not first or last), 1-63
// characters each, at most 253 in all, no trailing dot. Errors read "what — hint".
Result<Unit> check_host_name(std::string_view name);

// "*", "domain" or ".domain", lower-cased. Errors read "what — hint".
Result<std::string> normalize_domain_pattern(std::string_view pattern);

} // namespace volley::policy
