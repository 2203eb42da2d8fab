// One line of a sending-domain preflight (volleyctl check-domain): which check, PASS/WARN/FAIL, and
// what was found or what to fix. Plain data; never formats for a terminal (tools/ does that).
#pragma once

#include <string>

namespace volley::engine {

enum class PreflightStatus { pass, warn, fail };

inline const char* to_string(PreflightStatus status) {
  switch (status) {
  case PreflightStatus::pass:
    return "PASS";
  case PreflightStatus::warn:
    return "WARN";
  case PreflightStatus::fail:
    return "FAIL";
  }
  return "FAIL";
}

struct PreflightItem {
  std::string check; // "dns", "spf", "dkim", "dmarc", "dkim-align", "spf-align", "bounce-mx"
  PreflightStatus status = PreflightStatus::fail;
  std::string detail;
};

} // namespace volley::engine
