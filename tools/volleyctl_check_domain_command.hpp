// volleyctl check-domain: the handler and its report renderer (see the .cpp). Offline: DNS only.
#pragma once

#include <string>

#include "engine/domain_preflight.hpp"
#include "tools/volleyctl_command_context.hpp"

namespace volley::tools {

// Never talks to volleyd; exit 0 (no FAIL), 1 (a FAIL), 64, 69 or 78.
int run_check_domain(CommandContext& context);

// "PASS  spf         a.test publishes ..." lines and a summary line. Pure.
std::string format_preflight_report(const engine::PreflightReport& report);

} // namespace volley::tools
