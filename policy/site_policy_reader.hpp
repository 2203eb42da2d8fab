// Reads the per-site layers of the rate policy file: [defaults], [group.NAME] (a provider: the
// sites whose MX hosts match its mx patterns) and [domain."pattern"]. Reports bad names and
// patterns, repeated ones, and entries that can never apply because an earlier one always matches
// first. Never checks that a named pool exists (the loader does, once every pool is read).
#pragma once

#include <toml++/toml.h>

#include <string>
#include <vector>

#include "policy/config_diagnostics.hpp"
#include "policy/policy_settings_reader.hpp"
#include "policy/rate_policy.hpp"

namespace volley::policy {

void read_defaults_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                           std::vector<PoolReference>& pools, PolicySettings& out);

// Appends every group in file order, also those with errors (so that throttle rules naming them
// are not reported twice); the caller discards the policy when diagnostics is not empty.
void read_group_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                        std::vector<PoolReference>& pools, std::vector<ProviderGroup>& out);

// Appends the domain entries, exact patterns first, each kind in file order.
void read_domain_section(const toml::table& section, ConfigDiagnostics& diagnostics,
                         std::vector<PoolReference>& pools, std::vector<DomainPolicy>& out);

} // namespace volley::policy
