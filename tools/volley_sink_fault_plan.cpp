// VolleySinkFaultPlan: selector evaluation and the reply texts of injected faults (see header).
// Must never fire a rule whose selector does not match.
#include "tools/volley_sink_fault_plan.hpp"

#include <algorithm>
#include <cctype>

namespace volley::tools {
namespace {

// SplitMix64: a well-mixed 64-bit value from (seed, rule, occurrence).
std::uint64_t mix(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                     }) != haystack.end();
}

struct ReplyText {
  const char* enhanced;
  const char* text;
};

ReplyText reply_text(SinkStage stage, int code) {
  const bool rcpt = stage == SinkStage::rcpt;
  switch (code) {
  case 421:
    return {"4.3.2", "Service not available, closing transmission channel"};
  case 450:
    return {"4.2.1", "Mailbox temporarily unavailable"};
  case 451:
    return {"4.3.0", "Local error in processing, try again later"};
  case 452:
    return rcpt ? ReplyText{"4.5.3", "Too many recipients, try again later"}
                : ReplyText{"4.3.1", "Insufficient system storage"};
  case 550:
    if (rcpt)
      return {"5.1.1", "Mailbox unavailable: user unknown"};
    return stage == SinkStage::mail ? ReplyText{"5.1.8", "Sender address rejected"}
                                    : ReplyText{"5.7.1", "Rejected"};
  case 552:
    return rcpt ? ReplyText{"5.2.2", "Mailbox full"}
                : ReplyText{"5.3.4", "Message size exceeds fixed limit"};
  case 553:
    return {"5.1.3", "Mailbox name not allowed"};
  case 554:
    return stage == SinkStage::connect ? ReplyText{"5.7.1", "No SMTP service here"}
                                       : ReplyText{"5.7.1", "Transaction failed"};
  default:
    return {code < 500 ? "4.0.0" : "5.0.0", "Fault injected"};
  }
}

} // namespace

VolleySinkFaultPlan::VolleySinkFaultPlan(std::vector<VolleySinkFault> faults, std::uint64_t seed)
    : faults_(std::move(faults)), counters_(new Counters[faults_.size() + 1]), seed_(seed) {
  for (const VolleySinkFault& fault : faults_)
    has_stage_[static_cast<std::size_t>(fault.stage)] = true;
}

bool VolleySinkFaultPlan::fires(std::size_t index, const protocol::SmtpServerEnvelope* envelope,
                                std::string_view rcpt) {
  const VolleySinkFault& fault = faults_[index];
  switch (fault.selector) {
  case VolleySinkFault::Selector::always:
    return true;
  case VolleySinkFault::Selector::first:
    return counters_[index].seen.fetch_add(1, std::memory_order_relaxed) < fault.first;
  case VolleySinkFault::Selector::probability: {
    const std::uint64_t occurrence = counters_[index].seen.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t draw = mix(seed_ ^ mix(index ^ mix(occurrence)));
    return static_cast<double>(draw >> 11) * 0x1.0p-53 < fault.probability;
  }
  case VolleySinkFault::Selector::rcpt_contains:
    if (fault.stage == SinkStage::rcpt)
      return contains_ignoring_case(rcpt, fault.rcpt_text);
    if (envelope == nullptr)
      return false;
    return std::any_of(envelope->rcpts.begin(), envelope->rcpts.end(), [&](const std::string& r) {
      return contains_ignoring_case(r, fault.rcpt_text);
    });
  }
  return false;
}

const VolleySinkFault* VolleySinkFaultPlan::pick(SinkStage stage,
                                                 const protocol::SmtpServerEnvelope* envelope,
                                                 std::string_view rcpt) {
  if (!has_stage(stage))
    return nullptr;
  for (std::size_t i = 0; i < faults_.size(); ++i) {
    if (faults_[i].stage == stage && fires(i, envelope, rcpt)) {
      counters_[i].injected.fetch_add(1, std::memory_order_relaxed);
      return &faults_[i];
    }
  }
  return nullptr;
}

protocol::SmtpServerDecision VolleySinkFaultPlan::decision_for(const VolleySinkFault& fault) {
  using protocol::SmtpServerDecision;
  switch (fault.action) {
  case VolleySinkFault::Action::reply: {
    const ReplyText reply = reply_text(fault.stage, fault.code);
    return SmtpServerDecision::replied(fault.code, reply.enhanced,
                                       std::string(reply.text) + " (volley-sink fault)");
  }
  case VolleySinkFault::Action::drop:
    return SmtpServerDecision::dropped();
  case VolleySinkFault::Action::garbage:
    return SmtpServerDecision::malformed();
  case VolleySinkFault::Action::slow: {
    SmtpServerDecision decision;
    decision.delay_ms = fault.delay_ms;
    return decision;
  }
  }
  return {};
}

} // namespace volley::tools
