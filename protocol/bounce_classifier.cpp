// classify_bounce and implied_status (see bounce_report.hpp): the reason from the RFC 3463 status
// when it is decisive, else from the wording of the reply, else from the status class or the SMTP
// reply code; hard only for a permanent failure whose reason says the address itself is bad.
// Must never: call a temporary (4.x.x / 4xx) failure hard, or let weak generic wording ("error",
// "policy") override what a specific status code says.
#include "protocol/bounce_report.hpp"

#include "protocol/bounce_reason_patterns.hpp"

#include <array>
#include <string>

namespace volley::protocol {
namespace {

namespace r = bounce_reason;

bool is_weak(std::string_view reason) {
  return reason == r::policy || reason == r::system || reason == r::network || reason == r::expired;
}

bool is_address_reason(std::string_view reason) {
  return reason == r::user_unknown || reason == r::host_unknown || reason == r::has_moved ||
         reason == r::not_accepting;
}

std::string reason_from_code(int code) {
  switch (code) {
  case 521:
  case 556:
    return r::not_accepting;
  case 552:
    return r::mailbox_full;
  case 554:
  case 550:
  case 553:
  case 551:
    return r::rejected;
  default:
    break;
  }
  if (code >= 400 && code < 500)
    return r::system;
  return r::undefined;
}

bool is_permanent(std::string_view status, int code) {
  if (!status.empty())
    return status.front() == '5';
  if (code != 0)
    return code >= 500;
  return true;
}

} // namespace

BounceClassification classify_bounce(std::string_view status, int smtp_code,
                                     std::string_view text) {
  return bounce::classify_failure(status, smtp_code, text, text);
}

BounceClassification bounce::classify_failure(std::string_view status, int smtp_code,
                                              std::string_view text, std::string_view context) {
  const std::string text_reason = bounce::reason_from_text(bounce::scrub_names_for_matching(text));
  const bounce::StatusMeaning meaning = bounce::reason_from_status(status);
  std::string reason;
  if (meaning.decisive)
    reason = meaning.reason;
  else if (!text_reason.empty() &&
           (meaning.reason.empty() || !is_weak(text_reason) || is_weak(meaning.reason)))
    reason = text_reason;
  else if (!meaning.reason.empty())
    reason = meaning.reason;
  else
    reason = reason_from_code(smtp_code);
  // x.1.x (address status) and x.5.x (a refused recipient) keep their meaning in any phase.
  const bool address_status = status.size() > 2 && (status[2] == '1' || status[2] == '5');
  if (reason == r::user_unknown || reason == r::host_unknown) {
    const std::string command = bounce::failed_smtp_command(context);
    if (command == "mail") // a reply to MAIL FROM is about the sender, never the recipient
      reason = r::rejected;
    else if (command == "data" && !address_status)
      reason = r::policy;
    // Under a "not authorized" status (x.7.x) the wording counts only for a refused RCPT TO.
    else if (status.size() > 2 && status[2] == '7' && command != "rcpt")
      reason = r::policy;
  }
  BounceClassification result;
  result.hard = is_permanent(status, smtp_code) && is_address_reason(reason);
  result.reason = std::move(reason);
  return result;
}

std::string implied_status(std::string_view reason, bool permanent) {
  struct Entry {
    std::string_view reason;
    const char* detail;
  };
  static const std::array<Entry, 17> kDetails = {{
      {r::user_unknown, "911"},
      {r::host_unknown, "912"},
      {r::has_moved, "916"},
      {r::not_accepting, "932"},
      {r::mailbox_full, "922"},
      {r::suspended, "921"},
      {r::message_too_large, "934"},
      {r::blocked, "971"},
      {r::policy, "910"},
      {r::spam, "980"},
      {r::security, "970"},
      {r::expired, "947"},
      {r::network, "944"},
      {r::system, "930"},
      {r::rejected, "918"},
      {r::rate_limited, "945"},
      {r::undefined, "900"},
  }};
  for (const Entry& entry : kDetails)
    if (entry.reason == reason)
      return std::string(permanent ? "5.0." : "4.0.") + entry.detail;
  return {};
}

} // namespace volley::protocol
