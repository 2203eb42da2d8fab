// The fault rules of one volley-sink run: which rule (if any) fires for an occurrence of a stage,
// and the SMTP decision it turns into. Thread-safe (atomic counters); p= draws are a pure function
// of (--seed, rule, occurrence number), so a run with the same client order repeats exactly.
// Must never block or allocate per occurrence beyond the decision's reply text.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/smtp_server_decision.hpp"
#include "protocol/smtp_server_envelope.hpp"
#include "tools/volley_sink_fault.hpp"

namespace volley::tools {

class VolleySinkFaultPlan {
public:
  VolleySinkFaultPlan(std::vector<VolleySinkFault> faults, std::uint64_t seed);

  // The first rule of `stage` (in command-line order) whose selector fires for this occurrence, or
  // nullptr. rcpt~ looks at `rcpt` at the rcpt stage and at the accepted recipients at data/dot.
  // A rule that fires is counted as injected.
  const VolleySinkFault* pick(SinkStage stage, const protocol::SmtpServerEnvelope* envelope,
                              std::string_view rcpt);
  // The decision a fired rule means at its stage (reply code with a fitting enhanced status).
  static protocol::SmtpServerDecision decision_for(const VolleySinkFault& fault);

  const std::vector<VolleySinkFault>& faults() const { return faults_; }
  std::uint64_t injected(std::size_t index) const {
    return counters_[index].injected.load(std::memory_order_relaxed);
  }
  bool has_stage(SinkStage stage) const { return has_stage_[static_cast<std::size_t>(stage)]; }

private:
  struct Counters {
    std::atomic<std::uint64_t> seen{0};
    std::atomic<std::uint64_t> injected{0};
  };
  bool fires(std::size_t index, const protocol::SmtpServerEnvelope* envelope,
             std::string_view rcpt);

  std::vector<VolleySinkFault> faults_;
  std::unique_ptr<Counters[]> counters_;
  std::uint64_t seed_;
  bool has_stage_[kSinkStageCount] = {};
};

} // namespace volley::tools
