// Per-recipient bookkeeping of one client SMTP transaction: which recipients are still waiting for
// their RCPT reply, which were accepted and wait for the DATA/"." outcome, and which have their
// final reply. Must never overwrite a final reply or hand out a result with a recipient missing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "protocol/smtp_transaction_result.hpp"

namespace volley::protocol {

class SmtpRecipientLedger {
public:
  void reset(std::size_t count); // every recipient pending
  std::size_t size() const { return status_.size(); }
  bool is_final(std::size_t index) const { return status_[index] == Status::final_reply; }
  std::size_t accepted_count() const { return accepted_; }
  bool all_final() const { return final_ == status_.size(); }

  void accept(std::size_t index); // RCPT answered positively; no-op unless pending
  // Records a final reply; no-op when the recipient already has one.
  void finish(std::size_t index, const SmtpReply& reply, SmtpStage stage);
  void finish_accepted(const SmtpReply& reply, SmtpStage stage);   // DATA or "." answered
  void finish_unresolved(const SmtpReply& reply, SmtpStage stage); // all without a final reply

  // The result (one reply per recipient, in order); recipients without a final reply — a caller
  // bug — get a transient 451 4.3.0 so they are retried, never lost. Leaves the ledger empty.
  TransactionResult take_result();

private:
  enum class Status : std::uint8_t { pending, accepted, final_reply };
  std::vector<Status> status_;
  TransactionResult result_;
  std::size_t accepted_ = 0;
  std::size_t final_ = 0;
};

} // namespace volley::protocol
