// Route and TLS-mode lookup for a recipient domain (see delivery_config.hpp): the most specific
// pattern wins. Pure; never resolves names and never allocates on the lookup path.
#include "policy/delivery_config.hpp"

namespace volley::policy {
namespace {

constexpr int no_match = -1;
constexpr int exact_match = 1 << 30;

// How specifically pattern matches domain: exact_match, the length of a matching ".suffix", 0 for
// "*", or no_match.
int match_rank(std::string_view pattern, std::string_view domain) {
  if (pattern == "*")
    return 0;
  if (pattern.empty())
    return no_match;
  if (pattern.front() != '.')
    return pattern == domain ? exact_match : no_match;
  std::string_view parent = pattern.substr(1); // ".test" covers "test" itself ...
  if (domain == parent)
    return static_cast<int>(pattern.size());
  if (domain.size() > pattern.size() && domain.ends_with(pattern)) // ... and "a.b.test"
    return static_cast<int>(pattern.size());
  return no_match;
}

template <class Entry>
const Entry* most_specific(const std::vector<Entry>& entries, std::string_view domain) {
  const Entry* best = nullptr;
  int best_rank = no_match;
  for (const Entry& entry : entries) {
    int rank = match_rank(entry.pattern, domain);
    if (rank > best_rank) {
      best = &entry;
      best_rank = rank;
    }
  }
  return best;
}

} // namespace

const char* to_string(TlsMode mode) {
  switch (mode) {
  case TlsMode::off:
    return "off";
  case TlsMode::opportunistic:
    return "opportunistic";
  case TlsMode::require:
    return "require";
  case TlsMode::verify:
    return "verify";
  }
  return "unknown";
}

const RouteConfig* find_route(const std::vector<RouteConfig>& routes, std::string_view domain) {
  return most_specific(routes, domain);
}

TlsMode tls_mode_for(const DeliveryConfig& config, std::string_view domain) {
  const TlsDomainConfig* entry = most_specific(config.tls_domains, domain);
  return entry ? entry->mode : config.tls;
}

} // namespace volley::policy
