// volleyctl policy check / policy explain: offline commands on the rate policy file (see
// policy/rate_policy.hpp). Declared apart from the online handlers; never talk to volleyd.
#pragma once

#include "tools/volleyctl_command_context.hpp"

namespace volley::tools {

inline constexpr int exit_invalid_file = 78; // EX_CONFIG: a policy or config file is invalid

// policy check FILE: "FILE: ok (3 groups, ...)" and exit 0, or every error and exit 78.
int run_policy_check(CommandContext& context);
// policy explain DOMAIN [--mx HOST]... [--policy FILE] [--config FILE]: the settings in force for
// the domain and the layer each comes from.
int run_policy_explain(CommandContext& context);

} // namespace volley::tools
