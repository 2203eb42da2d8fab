// The SMTP server hooks of one volley-sink connection: asks the fault plan at every stage, counts
// recipients and messages, and records accepted messages. A dot-stage rule is chosen when DATA is
// accepted (so `dot:drop` can cut the body short) and applied after the body.
// Must never block (the recorder's write is the only I/O, flushed per message by design).
#pragma once

#include "protocol/smtp_server_hooks.hpp"
#include "tools/volley_sink_context.hpp"

namespace volley::tools {

class VolleySinkHooks : public protocol::SmtpServerHooks {
public:
  explicit VolleySinkHooks(const VolleySinkContext& context) : context_(context) {}

  protocol::SmtpServerDecision on_connect() override;
  protocol::SmtpServerDecision on_hello(const protocol::SmtpServerEnvelope& envelope,
                                        std::string_view name) override;
  protocol::SmtpServerDecision on_mail(const protocol::SmtpServerEnvelope& envelope) override;
  protocol::SmtpServerDecision on_rcpt(const protocol::SmtpServerEnvelope& envelope,
                                       std::string_view rcpt) override;
  protocol::SmtpServerDecision on_data(const protocol::SmtpServerEnvelope& envelope) override;
  protocol::SmtpServerDecision on_end_of_data(const protocol::SmtpServerEnvelope& envelope,
                                              const protocol::SmtpMessageContent& content) override;
  void on_message(const protocol::SmtpServerEnvelope& envelope,
                  const protocol::SmtpMessageContent& content) override;

private:
  protocol::SmtpServerDecision decide(SinkStage stage, const protocol::SmtpServerEnvelope* envelope,
                                      std::string_view rcpt = {});

  const VolleySinkContext& context_;
  const VolleySinkFault* dot_fault_ = nullptr; // chosen at DATA, applied after the body
};

} // namespace volley::tools
