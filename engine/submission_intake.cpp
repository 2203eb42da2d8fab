// SubmissionIntake (see submission_intake.hpp). The "auto" return path: a CRM that sets its own
// bounce address (MAIL FROM differs from the From field, as CiviMail's VERP does) handles its own
// bounces, so that address is kept; otherwise Volley's signed VERP address is used.
#include "engine/submission_intake.hpp"

#include "engine/dkim_message_signer.hpp"
#include "protocol/address.hpp"

namespace volley::engine {

protocol::SmtpServerDecision submission_reply(const Result<SubmissionStored>& stored) {
  using protocol::SmtpServerDecision;
  if (stored)
    return SmtpServerDecision::accepted_with("Ok: queued as " + stored->id);
  const Error& error = stored.error();
  if (error.code == std::string(error_code::spool_full) ||
      error.code == std::string(error_code::disk_full))
    return SmtpServerDecision::replied(452, "4.3.1",
                                       "Error: insufficient system storage (the spool is full); "
                                       "try again later");
  if (error.code == std::string(error_code::invalid_address) ||
      error.code == std::string(error_code::invalid_request))
    return SmtpServerDecision::replied(554, "5.6.0", "Error: " + error.message);
  return SmtpServerDecision::replied(451, "4.3.0",
                                     "Error: cannot store the message now; try "
                                     "again later");
}

std::optional<std::string> SubmissionIntake::sender_problem(std::string_view mail_from) {
  if (mail_from.empty())
    return std::string("the null reverse-path <> cannot be submitted here; give the sender's "
                       "address");
  auto mailbox = protocol::parse_mailbox(mail_from);
  if (!mailbox)
    return "sender address <" + std::string(mail_from) + ">: " + mailbox.error().message;
  return std::nullopt;
}

std::optional<std::string> SubmissionIntake::recipient_problem(std::string_view rcpt) {
  auto mailbox = protocol::parse_mailbox(rcpt);
  if (!mailbox)
    return "recipient address <" + std::string(rcpt) + ">: " + mailbox.error().message;
  return std::nullopt;
}

bool SubmissionIntake::keeps_return_path(policy::SubmissionReturnPath mode,
                                         std::string_view mail_from, std::string_view message) {
  switch (mode) {
  case policy::SubmissionReturnPath::keep:
    return true;
  case policy::SubmissionReturnPath::verp:
    return false;
  case policy::SubmissionReturnPath::automatic:
    break;
  }
  auto sender = protocol::parse_mailbox(mail_from);
  auto from_field = from_header_address(message);
  if (!sender || !from_field)
    return true; // no From field to compare with: the client's return path is all we have
  auto author = protocol::parse_mailbox(*from_field);
  return !author || author->canonical() != sender->canonical();
}

void SubmissionIntake::submit(SubmittedMessage message,
                              std::function<void(Result<SubmissionStored>)> done) {
  auto sender = protocol::parse_mailbox(message.mail_from);
  if (!sender)
    return done(make_error(error_code::invalid_address, *sender_problem(message.mail_from)));
  if (message.message.empty())
    return done(make_error(error_code::invalid_request, "the message is empty"));
  std::vector<queue::NewRecipient> recipients;
  for (const std::string& rcpt : message.rcpts) {
    auto mailbox = protocol::parse_mailbox(rcpt);
    if (!mailbox)
      return done(make_error(error_code::invalid_address, *recipient_problem(rcpt)));
    recipients.push_back(queue::NewRecipient{rcpt, mailbox->canonical(), "", ""});
  }
  if (recipients.empty())
    return done(make_error(error_code::invalid_request, "the message has no recipients"));
  queue::NewCampaign campaign;
  campaign.kind = "message";
  campaign.from = sender->text();
  campaign.keep_return_path =
      keeps_return_path(options_.return_path, message.mail_from, message.message);
  campaign.verbatim = true; // as received: "{{...}}" in a CRM's message is text
  campaign.message = std::move(message.message);
  campaign.tags = options_.tags;
  const bool kept = campaign.keep_return_path;
  spool_.create_campaign(std::move(campaign), std::move(recipients),
                         [kept, done = std::move(done)](Result<queue::CampaignCreated> created) {
                           if (!created)
                             return done(created.error());
                           SubmissionStored stored;
                           stored.id = created->id;
                           stored.accepted = created->recipients.accepted;
                           stored.suppressed = created->recipients.suppressed;
                           stored.kept_return_path = kept;
                           done(std::move(stored));
                         });
}

} // namespace volley::engine
