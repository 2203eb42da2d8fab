// SubmissionIntake: a message accepted by the SMTP submission listener turned into a transactional
// message in the spool (kind "message", like POST /v1/messages): the envelope sender and recipients
// checked with protocol address parsing, the message kept byte for byte (its own headers; no merge
// fields), suppressed recipients stored as suppressed, the configured tags attached, and the
// return path chosen ([submission] return_path: the CRM's own, e.g. CiviMail's
// b.{job}.{queue}.{hash}@..., or Volley's VERP). DKIM, bulk headers and rate policies apply at
// delivery as for API messages. Thread-safe (no state beyond the spool). Must never report success
// before the spool has committed the message.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/submission_config.hpp"
#include "protocol/result.hpp"
#include "protocol/smtp_server_decision.hpp"
#include "queue/spool.hpp"

namespace volley::engine {

struct SubmissionIntakeOptions {
  policy::SubmissionReturnPath return_path = policy::SubmissionReturnPath::automatic;
  std::vector<std::pair<std::string, std::string>> tags;
};

struct SubmittedMessage {
  std::string mail_from;          // the SMTP reverse-path (checked with sender_problem)
  std::vector<std::string> rcpts; // accepted forward-paths (checked with recipient_problem)
  std::string message;            // the unstuffed DATA bytes
};

struct SubmissionStored {
  std::string id;                // "m-<seq>"
  std::uint64_t accepted = 0;    // recipients stored (queued or suppressed)
  std::uint64_t suppressed = 0;  // of those, on the suppression list
  bool kept_return_path = false; // sent from mail_from (no VERP)
};

// The reply to DATA once the spool answered: 250 with the message id; 452 4.3.1 on a full spool
// or disk (the client keeps the message and retries); 554 for a message or address the API would
// refuse too; 451 4.3.0 for any other failure.
protocol::SmtpServerDecision submission_reply(const Result<SubmissionStored>& stored);

class SubmissionIntake {
public:
  SubmissionIntake(queue::Spool& spool, SubmissionIntakeOptions options)
      : spool_(spool), options_(std::move(options)) {}

  // Why MAIL FROM / RCPT TO cannot be used ("" reverse-path included), or nullopt.
  static std::optional<std::string> sender_problem(std::string_view mail_from);
  static std::optional<std::string> recipient_problem(std::string_view rcpt);
  // The return_path rule: true = deliver from mail_from itself (no VERP).
  static bool keeps_return_path(policy::SubmissionReturnPath mode, std::string_view mail_from,
                                std::string_view message);

  // Stores the message; done (on the spool's thread, or at once on a check failure) with the
  // result of the commit.
  void submit(SubmittedMessage message, std::function<void(Result<SubmissionStored>)> done);

private:
  queue::Spool& spool_;
  SubmissionIntakeOptions options_;
};

} // namespace volley::engine
