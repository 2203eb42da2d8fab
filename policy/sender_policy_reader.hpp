// Reads [campaign."pattern"] (a campaign id glob, '*' anywhere) and [tenant.NAME] (campaigns whose
// tags.tenant is NAME) of the rate policy file: a rate and/or a pool that apply on top of the
// per-site limits. Never checks that a named pool exists (the loader does, once every pool is
// read).
#pragma once

#include <toml++/toml.h>

#include <string_view>
#include <vector>

#include "policy/config_diagnostics.hpp"
#include "policy/policy_settings_reader.hpp"
#include "policy/rate_policy.hpp"

namespace volley::policy {

// section_name is "campaign" or "tenant". Entries are appended with their position so that the
// caller can merge both kinds in file order.
void read_sender_section(const toml::table& section, std::string_view section_name,
                         ConfigDiagnostics& diagnostics, std::vector<PoolReference>& pools,
                         std::vector<std::pair<SenderPolicy, SourcePosition>>& out);

} // namespace volley::policy
