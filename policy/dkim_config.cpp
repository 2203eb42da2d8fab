// Picking the [dkim] entry for a From domain. Never matches a pattern that is only a textual
// suffix ("ample.org" does not sign "example.org"): ".suffix" patterns match at a label boundary.
#include "policy/dkim_config.hpp"

namespace volley::policy {

const DkimDomainConfig* find_dkim_domain(const std::vector<DkimDomainConfig>& domains,
                                         std::string_view domain) {
  const DkimDomainConfig* best = nullptr;
  for (const DkimDomainConfig& entry : domains) {
    std::string_view pattern = entry.pattern;
    if (pattern == domain)
      return &entry;
    if (!pattern.starts_with('.'))
      continue;
    bool matches = domain == pattern.substr(1) ||
                   (domain.size() > pattern.size() && domain.ends_with(pattern));
    if (matches && (!best || pattern.size() > best->pattern.size()))
      best = &entry;
  }
  return best;
}

} // namespace volley::policy
