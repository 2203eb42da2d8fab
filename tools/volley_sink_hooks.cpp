// VolleySinkHooks: fault plan lookups, counters and recording per stage (see header).
// Must never count a recipient twice or a message that was not accepted.
#include "tools/volley_sink_hooks.hpp"

namespace volley::tools {

using protocol::SmtpMessageContent;
using protocol::SmtpServerDecision;
using protocol::SmtpServerEnvelope;

SmtpServerDecision VolleySinkHooks::decide(SinkStage stage, const SmtpServerEnvelope* envelope,
                                           std::string_view rcpt) {
  const VolleySinkFault* fault = context_.faults->pick(stage, envelope, rcpt);
  return fault == nullptr ? SmtpServerDecision{} : VolleySinkFaultPlan::decision_for(*fault);
}

SmtpServerDecision VolleySinkHooks::on_connect() {
  return decide(SinkStage::connect, nullptr);
}

SmtpServerDecision VolleySinkHooks::on_hello(const SmtpServerEnvelope& envelope, std::string_view) {
  return decide(SinkStage::ehlo, &envelope);
}

SmtpServerDecision VolleySinkHooks::on_mail(const SmtpServerEnvelope& envelope) {
  return decide(SinkStage::mail, &envelope);
}

SmtpServerDecision VolleySinkHooks::on_rcpt(const SmtpServerEnvelope& envelope,
                                            std::string_view rcpt) {
  SmtpServerDecision decision = decide(SinkStage::rcpt, &envelope, rcpt);
  if (decision.kind == SmtpServerDecision::Kind::accept)
    context_.stats->recipient_accepted();
  else if (decision.kind == SmtpServerDecision::Kind::reply)
    context_.stats->recipient_rejected(decision.code);
  return decision;
}

SmtpServerDecision VolleySinkHooks::on_data(const SmtpServerEnvelope& envelope) {
  SmtpServerDecision decision = decide(SinkStage::data, &envelope);
  dot_fault_ = nullptr;
  if (decision.kind == SmtpServerDecision::Kind::accept) {
    dot_fault_ = context_.faults->pick(SinkStage::dot, &envelope, {});
    if (dot_fault_ != nullptr && dot_fault_->action == VolleySinkFault::Action::drop)
      decision.drop_during_body = true;
  }
  return decision;
}

SmtpServerDecision VolleySinkHooks::on_end_of_data(const SmtpServerEnvelope&,
                                                   const SmtpMessageContent&) {
  const VolleySinkFault* fault = dot_fault_;
  dot_fault_ = nullptr;
  return fault == nullptr ? SmtpServerDecision{} : VolleySinkFaultPlan::decision_for(*fault);
}

void VolleySinkHooks::on_message(const SmtpServerEnvelope& envelope,
                                 const SmtpMessageContent& content) {
  if (context_.recorder != nullptr)
    context_.recorder->record(envelope, content);
  context_.stats->message_accepted(content.size, envelope.rcpts.size());
}

} // namespace volley::tools
