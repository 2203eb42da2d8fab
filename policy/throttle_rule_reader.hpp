// Reads the [[throttle]] rules of the rate policy file: conditions on a server reply (code or code
// class, enhanced-status prefix, a case-insensitive regex on the text, provider groups) and the
// action (suspend, slow_down, bounce) with its duration and factor. Compiles every regex once here,
// so a loaded rule never fails at match time; never accepts a rule that could never match or that
// would act on every reply.
#pragma once

#include <toml++/toml.h>

#include <vector>

#include "policy/config_diagnostics.hpp"
#include "policy/rate_policy.hpp"

namespace volley::policy {

// section is the `throttle` value of the file (an array of tables); groups are the policy's
// [group.NAME] tables, for the names a rule may list.
void read_throttle_rules(const toml::node& section, const std::vector<ProviderGroup>& groups,
                         ConfigDiagnostics& diagnostics, std::vector<ThrottleRule>& out);

} // namespace volley::policy
