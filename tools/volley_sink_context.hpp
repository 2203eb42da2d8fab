// What every volley-sink connection shares: the session settings, the fault rules, the counters,
// the recorder and the TLS context. Owned by VolleySinkServer and outliving every connection;
// must never be mutated after the server starts (except through the thread-safe members).
#pragma once

#include <boost/asio/ssl/context.hpp>

#include "protocol/smtp_server_config.hpp"
#include "tools/volley_sink_fault_plan.hpp"
#include "tools/volley_sink_recorder.hpp"
#include "tools/volley_sink_stats.hpp"

namespace volley::tools {

struct VolleySinkContext {
  protocol::SmtpServerConfig session;       // tls_available and keep_body already set
  VolleySinkFaultPlan* faults = nullptr;    // never null
  VolleySinkStats* stats = nullptr;         // never null
  VolleySinkRecorder* recorder = nullptr;   // null when neither --record nor --record-bodies
  boost::asio::ssl::context* tls = nullptr; // null when STARTTLS is not offered
};

} // namespace volley::tools
