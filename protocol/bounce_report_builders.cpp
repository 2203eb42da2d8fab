// report_text, find_entity, returned_original and the recipient builders (see
// bounce_report_builders.hpp).
// Must never: classify a delayed or delivered recipient as failed, or descend into a returned
// original message when looking for the report's own text.
#include "protocol/bounce_report_builders.hpp"

#include "protocol/bounce_reason_patterns.hpp"
#include "protocol/bounce_text.hpp"
#include "protocol/bounce_text_patterns.hpp"
#include "protocol/dsn_fields.hpp"
#include "protocol/ses_notification.hpp"

namespace volley::protocol::bounce {
namespace {

bool is_returned_message(const MimeEntity& entity) {
  return entity.media_type == "message/rfc822" || entity.media_type == "message/global" ||
         entity.media_type == "text/rfc822-headers" ||
         entity.media_type == "message/rfc822-headers" ||
         entity.media_type == "message/global-headers";
}

template <class Visit> void visit_report(const MimeEntity& entity, Visit&& visit) {
  visit(entity);
  if (is_returned_message(entity))
    return;
  for (const MimeEntity& part : entity.parts)
    visit_report(part, visit);
}

std::string strip_tags(std::string_view html) {
  std::string out;
  bool in_tag = false;
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<') {
      in_tag = true;
      const std::string tag = lower_ascii(html.substr(i, 4));
      if (tag.starts_with("<br") || tag.starts_with("<p") || tag.starts_with("<div") ||
          tag.starts_with("<tr") || tag.starts_with("<li"))
        out += '\n';
    } else if (c == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

} // namespace

std::string report_text(const MimeEntity& root) {
  std::string plain;
  std::string html;
  visit_report(root, [&](const MimeEntity& entity) {
    if (!entity.parts.empty())
      return; // a multipart without delimiters keeps its text in body: read it
    if (entity.media_type == "text/html")
      html += strip_tags(entity.body) + "\n\n";
    else if (entity.media_type == "text/plain" || !entity.media_type.starts_with("message/"))
      if (!entity.media_type.starts_with("image/") &&
          !entity.media_type.starts_with("application/"))
        plain += entity.body + "\n\n";
  });
  return plain.find_first_not_of(" \t\n") == std::string::npos ? html : plain;
}

const MimeEntity* find_entity(const MimeEntity& root, std::string_view media_type) {
  const MimeEntity* found = nullptr;
  visit_report(root, [&](const MimeEntity& entity) {
    if (found == nullptr && entity.media_type == media_type)
      found = &entity;
  });
  return found;
}

const MimeEntity* returned_original(const MimeEntity& root) {
  const MimeEntity* found = nullptr;
  visit_report(root, [&](const MimeEntity& entity) {
    if (found == nullptr && is_returned_message(entity) && !entity.parts.empty())
      found = &entity.parts.front();
  });
  return found;
}

BouncedRecipient make_failed_recipient(std::string address, std::string status,
                                       std::string diagnostic, std::string remote_mta,
                                       bool temporary, std::string_view context) {
  BouncedRecipient recipient;
  // Google Groups answers in the sender's language that the group may not exist or refuses
  // posts: a refusal, never a bad address.
  const bool to_group = lower_ascii(address).ends_with("@googlegroups.com");
  // The remote server's own code beats a reporter's generic one (x.0.0, or x.1.1 that some MTAs
  // write for any 550) when both are of the same class.
  const std::string said = find_status_code(diagnostic);
  const bool generic = status.size() == 5 && (status.ends_with(".0.0") || status.ends_with(".1.1"));
  if (status.empty() || (generic && said.starts_with(status.substr(0, 1))))
    status = said.empty() ? status : said;
  // "mailbox full: retry timeout exceeded": a temporary failure that was retried until expiry.
  const std::string lower = lower_ascii(diagnostic);
  if (contains_any(lower, {"retry timeout exceeded", "failing for a long time", "temporary failure",
                           "will be retried", "temporarily deferred"}))
    temporary = true;
  recipient.smtp_code = find_smtp_code(diagnostic);
  const std::string command_context = std::string(context) + " " + diagnostic;
  const BounceClassification c =
      classify_failure(status, recipient.smtp_code, diagnostic, command_context);
  bool permanent = !temporary;
  if (status.empty() && temporary)
    permanent = false;
  else if (!status.empty())
    permanent = status.front() == '5';
  else if (recipient.smtp_code != 0)
    permanent = recipient.smtp_code >= 500;
  recipient.hard = c.hard && permanent && !to_group;
  recipient.reason =
      to_group && find_smtp_code(diagnostic) == 0 ? bounce_reason::rejected : c.reason;
  recipient.kind = recipient.hard ? "hard" : "soft";
  if (status.empty()) {
    status = implied_status(recipient.reason, permanent);
    recipient.status_implied = true;
  }
  recipient.recipient = std::move(address);
  recipient.status = std::move(status);
  recipient.diagnostic = std::move(diagnostic);
  recipient.remote_mta = std::move(remote_mta);
  return recipient;
}

std::string inline_delivery_status(const MimeEntity& root) {
  const std::string text = report_text(root);
  const std::string lower = lower_ascii(text);
  std::size_t at = 0;
  for (at = lower.find("final-recipient:"); at != std::string::npos;
       at = lower.find("final-recipient:", at + 1)) {
    const std::size_t line = lower.rfind('\n', at);
    const std::string_view before(lower.data() + (line == std::string::npos ? 0 : line + 1),
                                  at - (line == std::string::npos ? 0 : line + 1));
    if (trim_blanks(before).find_first_not_of('>') == std::string_view::npos)
      break;
  }
  if (at == std::string::npos)
    return {};
  const std::size_t mta = lower.rfind("reporting-mta:", at);
  return text.substr(mta == std::string::npos ? at : mta);
}

bool add_dsn_recipients(const MimeEntity& root, std::string_view status_fields,
                        BounceReport& report) {
  const DsnFields dsn = parse_delivery_status(status_fields);
  if (dsn.recipients.empty())
    return false;
  report.reporting_mta = dsn.reporting_mta;
  const std::string text = report_text(root);
  for (const DsnRecipientFields& group : dsn.recipients) {
    if (group.action == "delivered" || group.action == "relayed" || group.action == "expanded")
      continue;
    std::string address =
        group.final_recipient.empty() ? group.original_recipient : group.final_recipient;
    std::string context = diagnostic_for(text, address);
    if (context.empty() && !group.original_recipient.empty())
      context = diagnostic_for(text, group.original_recipient);
    std::string diagnostic = group.diagnostic;
    if (diagnostic.empty())
      diagnostic = collapse_whitespace(report_preamble(text) + " " + context);
    if (group.action == "delayed") {
      BouncedRecipient delayed;
      delayed.recipient = std::move(address);
      delayed.status = group.status;
      delayed.smtp_code = find_smtp_code(diagnostic);
      delayed.reason = bounce_reason::delayed;
      delayed.kind = "soft";
      delayed.diagnostic = std::move(diagnostic);
      delayed.remote_mta = group.remote_mta;
      report.recipients.push_back(std::move(delayed));
      continue;
    }
    const bool temporary = group.status.starts_with("4");
    BouncedRecipient failed =
        make_failed_recipient(std::move(address), group.status, std::move(diagnostic),
                              group.remote_mta, temporary, context);
    if (group.diagnostic_type.starts_with("x-unix")) { // a local delivery program failed
      failed.reason = bounce_reason::system;
      failed.hard = false;
      failed.kind = "soft";
    }
    report.recipients.push_back(std::move(failed));
  }
  return true;
}

bool add_ses_recipients(const MimeEntity& root, BounceReport& report) {
  std::optional<SesNotification> ses;
  visit_report(root, [&](const MimeEntity& entity) {
    if (!ses && entity.parts.empty() && entity.media_type.starts_with("text/"))
      ses = read_ses_notification(entity.body);
  });
  if (!ses)
    return false;
  report.reporting_mta = ses->reporting_mta;
  if (!ses->source.empty())
    report.verp_candidates.push_back(ses->source);
  report.original_message_id = ses->message_id;
  if (ses->complaint) {
    report.type = BounceMessageType::arf;
    report.feedback_type = ses->feedback_type.empty() ? "abuse" : ses->feedback_type;
    for (const SesRecipient& complained : ses->recipients) {
      BouncedRecipient recipient;
      recipient.recipient = complained.address;
      recipient.reason = bounce_reason::feedback;
      recipient.kind = "complaint";
      report.recipients.push_back(std::move(recipient));
    }
    return true;
  }
  report.type = BounceMessageType::dsn;
  for (const SesRecipient& bounced : ses->recipients) {
    std::string diagnostic = std::string(value_after_type(bounced.diagnostic));
    if (diagnostic.empty())
      diagnostic = ses->bounce_sub_type;
    report.recipients.push_back(make_failed_recipient(
        bounced.address, bounced.status, std::move(diagnostic), {}, !ses->permanent, {}));
  }
  return true;
}

bool add_text_recipients(const MimeEntity& root, const std::vector<std::string>& exclude,
                         bool header_says_bounce, BounceReport& report) {
  std::vector<std::string> failed;
  for (std::string_view value : root.fields_named("x-failed-recipients"))
    for (const FoundAddress& found : find_addresses(value))
      failed.push_back(found.address);
  const TextBounce text = read_text_bounce(report_text(root), failed, exclude);
  if (!text.reads_like_bounce && !header_says_bounce)
    return false;
  if (!header_says_bounce && (text.recipients.empty() || text.recipients.front().recipient.empty()))
    return false;
  const std::string preamble = report_preamble(report_text(root));
  for (const TextRecipient& found : text.recipients) {
    std::string diagnostic = found.diagnostic;
    // The failure may be stated before the address ("Error: invalid user ... RCPT TO: a@b").
    if (reason_from_text(scrub_names_for_matching(diagnostic)).empty() &&
        find_status_code(diagnostic).empty() && find_smtp_code(diagnostic) == 0)
      diagnostic = collapse_whitespace(preamble + " " + diagnostic);
    report.recipients.push_back(make_failed_recipient(found.recipient, {}, std::move(diagnostic),
                                                      found.remote_mta, text.temporary, {}));
  }
  return !report.recipients.empty();
}

} // namespace volley::protocol::bounce
