// JSON lines for a parsed bounce (the output of volley-dsn, and what an operator inspects):
// one object per recipient with file, recipient, status, smtp_code, reason, hard, kind,
// diagnostic, remote_mta, type and verp_candidates; one line with kind/type only when the
// message names no failed recipient. Pure. Never emits invalid UTF-8 or an unescaped control
// character: invalid bytes in the message become U+FFFD.
#pragma once

#include <string>
#include <string_view>

#include "protocol/bounce_report.hpp"

namespace volley::protocol {

std::string bounce_report_json_lines(std::string_view file, const BounceReport& report);

} // namespace volley::protocol
