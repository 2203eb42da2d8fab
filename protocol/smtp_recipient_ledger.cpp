// SmtpRecipientLedger (see smtp_recipient_ledger.hpp). Must never overwrite a final reply.
#include "protocol/smtp_recipient_ledger.hpp"

#include <utility>

namespace volley::protocol {

void SmtpRecipientLedger::reset(std::size_t count) {
  status_.assign(count, Status::pending);
  result_.recipients.assign(count, RecipientReply{});
  accepted_ = 0;
  final_ = 0;
}

void SmtpRecipientLedger::accept(std::size_t index) {
  if (index >= status_.size() || status_[index] != Status::pending)
    return;
  status_[index] = Status::accepted;
  ++accepted_;
}

void SmtpRecipientLedger::finish(std::size_t index, const SmtpReply& reply, SmtpStage stage) {
  if (index >= status_.size() || status_[index] == Status::final_reply)
    return;
  if (status_[index] == Status::accepted)
    --accepted_;
  status_[index] = Status::final_reply;
  ++final_;
  result_.recipients[index] = RecipientReply{reply, stage};
}

void SmtpRecipientLedger::finish_accepted(const SmtpReply& reply, SmtpStage stage) {
  for (std::size_t i = 0; i < status_.size() && accepted_ > 0; ++i) {
    if (status_[i] == Status::accepted)
      finish(i, reply, stage);
  }
}

void SmtpRecipientLedger::finish_unresolved(const SmtpReply& reply, SmtpStage stage) {
  for (std::size_t i = 0; i < status_.size() && !all_final(); ++i)
    finish(i, reply, stage);
}

TransactionResult SmtpRecipientLedger::take_result() {
  if (!all_final()) {
    finish_unresolved(SmtpReply::synthesized(451, "4.3.0",
                                             "internal error: the SMTP client recorded no reply "
                                             "for this recipient; it will be retried"),
                      SmtpStage::connect);
  }
  TransactionResult result = std::move(result_);
  status_.clear();
  result_ = TransactionResult{};
  accepted_ = 0;
  final_ = 0;
  return result;
}

} // namespace volley::protocol
