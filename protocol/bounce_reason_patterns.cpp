// Phrase tables and status meanings (see bounce_reason_patterns.hpp). The order of kRules is the
// priority: a mailbox-full or message-size wording beats "user unknown" text in the same reply,
// sender/relay refusals beat recipient wording, RBL listings beat the word "spam".
// Must never: hold sample-specific text (file names, hosts, quoted sample sentences): only the
// general wording MTAs use.
#include "protocol/bounce_reason_patterns.hpp"

#include "protocol/bounce_report.hpp"
#include "protocol/bounce_text.hpp"

#include <initializer_list>

namespace volley::protocol::bounce {
namespace {

namespace r = volley::protocol::bounce_reason;

struct Rule {
  const char* reason;
  std::initializer_list<std::string_view> phrases;
};

// Phrase tables are packed by hand, one rule per block.
// clang-format off
const Rule kRules[] = {
    {r::mailbox_full,
     {"mailbox full", "mailbox is full", "mailbox has exceeded", "mailbox size limit", "over quota",
      "overquota", "over the quota", "quota exceeded", "exceeded quota", "exceeds quota",
      "exceed the quota", "exceeded the quota", "quota exceed", "quota limit", "mailbox quota",
      "storage quota", "disk quota", "mail quota", "quota full", "exceeded storage",
      "exceeds storage", "storage allocation", "inbox is full", "mailfolder is full",
      "account is full", "mailbox would exceed", "out of storage", "not enough storage",
      "insufficient storage", "is full", "too many messages in", "user's mailbox is", "box full",
      "mailbox exceeds", "exceeded the storage", "quota for the mailbox", "mailbox exceeded",
      "recipient's mailbox exceeded"}},
    {r::message_too_large,
     {"message too large", "message is too large", "message too big", "message is too big",
      "message size exceeds", "message exceeds", "exceeds the maximum message size",
      "exceeded maximum message size", "exceeds maximum message size", "size limit",
      "message length exceeds", "mail size", "message size", "too large", "file too big",
      "exceeds the size", "maximum allowed size", "size exceeds"}},
    {r::suspended,
     {"account disabled", "account is disabled", "account has been disabled", "mailbox disabled",
      "mailbox is disabled", "mailbox has been disabled", "is disabled", "account inactive",
      "account is inactive", "inactive account", "inactive user", "mailbox inactive",
      "mailbox is inactive", "account is not active", "mailbox is not active", "account suspended",
      "account has been suspended", "mailbox suspended", "suspended", "deactivated",
      "mailbox is frozen", "account is locked", "account locked", "account expired",
      "temporarily inactive", "discontinued", "not active"}},
    {r::has_moved,
     {"has moved", "user has moved", "address has changed", "moved permanently",
      "user not local; please try", "not local, please try", "no longer at this address"}},
    {r::security,
     {"spf", "dkim", "dmarc", "sender policy framework", "domainkeys", "not authenticated",
      "unauthenticated", "authentication required", "authentication failed",
      "failed authentication", "must authenticate", "authentication check",
      "authentication is required", "tls required", "requires tls", "encryption required",
      "must use tls", "starttls", "arc validation"}},
    {r::rejected,
     {"relay access denied", "relaying denied", "relay denied", "relay not permitted",
      "relaying not permitted", "not permitted to relay", "unable to relay", "cannot relay",
      "can't relay", "relaying not allowed", "relay not allowed", "not allowed to relay",
      "we do not relay", "no relaying", "relay prohibited", "relaying prohibited",
      "relaying mail to", "not a gateway", "sender address rejected", "sender rejected",
      "sender verify failed", "sender verification failed", "invalid sender", "sender unknown",
      "unknown sender", "sender domain", "domain of sender", "sender is not", "sender not",
      "envelope sender", "bad sender", "sender's address", "sender address", "my name was rejected",
      "helo command rejected", "invalid helo", "bad helo", "helo name", "permission to post",
      "not allowed to post", "not permitted to post", "may not have permission",
      "your address is not", "sender denied"}},
    {r::not_accepting,
     {"does not accept mail", "doesn't accept mail", "not accepting mail", "accepts no mail",
      "accept no mail", "null mx", "no mail service", "does not receive mail", "not accept e-mail",
      "not accepting messages", "not accepting network messages", "no longer accepts mail",
      "does not accept e-mail", "no smtp service"}},
    {r::user_unknown,
     {"user unknown", "unknown user", "no such user", "no such mailbox", "no such recipient",
      "no such person", "no such account", "no such address", "no such local user",
      "user not found", "user does not exist", "user doesn't exist", "mailbox not found",
      "mailbox does not exist", "mailbox doesn't exist", "mailbox unavailable",
      "address does not exist", "address doesn't exist", "account does not exist",
      "account doesn't exist", "recipient does not exist", "recipient doesn't exist",
      "recipient not found", "recipient unknown", "unknown recipient", "invalid recipient",
      "invalid mailbox", "invalid user", "user invalid", "unknown mailbox", "unknown address",
      "address unknown", "addressee unknown", "not a valid mailbox", "no mailbox",
      "unknown local part", "unknown or illegal alias", "bad destination mailbox", "bad recipient",
      "recipnotfound", "recipientnotfound", "not listed in", "is not listed", "not a known user",
      "no account", "doesn't have a", "does not have a", "couldn't be found", "could not be found",
      "account that you tried to reach", "address not found", "not our customer", "unknown account",
      "user not exist", "recipient rejected", "no such", "mailbox is unavailable",
      "not a valid user", "recipient address rejected: access denied",
      "invalid final delivery userid", "mailbox name not allowed", "does not exist in"}},
    {r::host_unknown,
     {"host unknown", "unknown host", "host not found", "domain not found", "no such domain",
      "unknown domain", "domain does not exist", "domain doesn't exist", "domain name not found",
      "domain name not", "name service error", "name or service not known", "unrouteable",
      "unroutable", "mail exchanger", "mx record", "no mx", "dns error", "domain lookup",
      "invalid domain", "bad destination system", "host name lookup", "nxdomain", "no route for",
      "no route found to domain", "lookup failed", "domain is invalid", "domain invalid",
      "no such host", "hostname not found", "unknown hostname", "not a registered domain",
      "lookup failure", "host <host> not found", "domain <host> not found", "no mx found",
      "no mx record"}},
    {r::user_unknown,
     {"does not exist", "doesn't exist", "not exist", "invalid address", "not found",
      "is not a valid", "undeliverable address", "no longer valid", "invalid-recipient",
      "address invalid", "bad address", "no valid"}},
    {r::rate_limited,
     {"too many connections", "too many concurrent", "rate limit", "ratelimit", "too many messages",
      "too many recipients", "too many mails", "sending limit", "throttl", "exceeded the rate",
      "connection limit", "too fast", "limit exceeded", "exceeded the limit"}},
    {r::spam,
     {"uribl", "surbl", "blacklisted url", "blacklisted link", "url in message"}},
    {r::blocked,
     {"blacklist", "black list", "blocklist", "block list", "denylist", "rbl", "dnsbl", "spamhaus",
      "spamcop", "sorbs", "barracuda", "reputation", "listed at", "listed in", "listed on",
      "listed by", "reverse dns", "reverse lookup", "ptr record", "rdns", "dynamic ip", "dial-up",
      "dialup", "residential", "client host rejected", "client host", "not allowed to connect",
      "your ip", "ip address", "ip blocked", "banned", "refused to talk", "helo", "poor reputation"}},
    {r::spam,
     {"spam", "junk mail", "unsolicited", "bulk mail", "content rejected", "message content",
      "phish", "scam", "suspicious"}},
    {r::blocked,
     {"blocked", "block", "access denied", "not allowed", "denied"}},
    {r::policy,
     {"policy", "filter", "virus", "malware", "infected", "attachment", "banned content",
      "prohibited", "not permitted", "header", "rfc 5322", "rfc5322", "rfc 822", "rfc822",
      "rfc 2822", "compliant", "mime", "8bit", "invalid message", "content", "refused",
      "message rejected", "not authorized", "unauthorized", "restricted"}},
    {r::expired,
     {"retry timeout exceeded", "retry time", "timeout exceeded", "message expired",
      "failing for a long time", "did not accept our requests to connect", "envelope expired",
      "queue.expired", "unable to deliver in", "expired", "giving up.", "gave up",
      "not delivered within", "could not be delivered for", "delivery time", "time limit",
      "queue too long", "in the queue for", "for more than", "undeliverable for", "maximum time"}},
    {r::network,
     {"loop", "too many hops", "hop count", "timed out", "time out", "timeout",
      "connection refused", "no route to host", "network is unreachable", "network unreachable",
      "host unreachable", "lost connection", "connection reset", "connection closed",
      "could not connect", "couldn't connect", "unable to connect", "failed to connect",
      "connect to", "tls", "ssl", "handshake", "no answer"}},
    {r::system,
     {"system error", "internal error", "local error", "server error", "temporary failure",
      "temporarily unavailable", "service unavailable", "out of memory", "system resources",
      "insufficient system storage", "mailer error", "configuration error", "i/o error",
      "processing error", "transaction failed", "command died", "pipe", "program", "temporary",
      "system", "error"}},
    // Last resort: a refusal of the recipient that names no other cause.
    {r::user_unknown,
     {"recipient address rejected", "address rejected"}},
};
// clang-format on

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// True when token (lower case) is a dotted host name with a letter in its last label.
bool is_host_name(std::string_view token) {
  const std::size_t last_dot = token.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0 || last_dot + 2 > token.size() ||
      (token.find('.') == last_dot && token.size() < 6))
    return false;
  for (char c : token.substr(last_dot + 1))
    if (!(c >= 'a' && c <= 'z'))
      return false;
  return true;
}

// The command on the last ">>> " transcript line before the first "<<< 4xx/5xx" reply.
std::string transcript_command(std::string_view lower) {
  std::size_t reply = std::string_view::npos;
  for (std::size_t at = lower.find("<<< "); at != std::string_view::npos;
       at = lower.find("<<< ", at + 1))
    if (at + 4 < lower.size() && (lower[at + 4] == '4' || lower[at + 4] == '5')) {
      reply = at;
      break;
    }
  if (reply == std::string_view::npos)
    return {};
  std::size_t sent = lower.rfind(">>> ", reply);
  while (sent != std::string_view::npos && sent > 0 && lower[sent - 1] == '>')
    sent = sent > 1 ? lower.rfind(">>> ", sent - 1) : std::string_view::npos; // quoted: "> >>>"
  if (sent == std::string_view::npos)
    return {};
  const std::string_view command = lower.substr(sent + 4, 4);
  if (command == "data")
    return "data";
  if (command == "rcpt")
    return "rcpt";
  if (command == "mail")
    return "mail";
  return {};
}

} // namespace

std::string failed_smtp_command(std::string_view text) {
  const std::string lower = lower_ascii(text);
  struct Phrase {
    std::string_view words;
    const char* command;
  };
  static const Phrase kPhrases[] = {
      {"in reply to rcpt to", "rcpt"},
      {"after rcpt to", "rcpt"},
      {"did not like our rcpt", "rcpt"},
      {"in reply to end of data", "data"},
      {"in reply to data", "data"},
      {"after end of data", "data"},
      {"after data", "data"},
      {"did not like our data", "data"},
      {"smtp command data", "data"},
      {"in reply to mail from", "mail"},
      {"after mail from", "mail"},
      {"did not like our mail", "mail"},
  };
  std::size_t best = std::string::npos;
  std::string command;
  for (const Phrase& phrase : kPhrases) {
    const std::size_t at = lower.find(phrase.words);
    if (at < best) {
      best = at;
      command = phrase.command;
    }
  }
  return command.empty() ? transcript_command(lower) : command;
}

std::string scrub_names_for_matching(std::string_view text) {
  const std::string lower = lower_ascii(text);
  std::string out;
  out.reserve(lower.size());
  std::size_t copied = 0;
  for (const FoundAddress& found : find_addresses(lower)) {
    if (found.offset < copied)
      continue;
    out.append(lower, copied, found.offset - copied);
    out += "<addr>";
    copied = found.offset + found.address.size();
  }
  out.append(lower, copied);
  std::string scrubbed;
  scrubbed.reserve(out.size());
  for (std::size_t pos = 0; pos < out.size();) {
    if (!is_host_char(out[pos]) || (pos > 0 && is_host_char(out[pos - 1]))) {
      scrubbed += out[pos++];
      continue;
    }
    std::size_t end = pos;
    while (end < out.size() && is_host_char(out[end]))
      ++end;
    std::string_view token(out.data() + pos, end - pos);
    while (!token.empty() && token.back() == '.')
      token.remove_suffix(1);
    scrubbed += is_host_name(token) ? std::string("<host>") : std::string(token);
    scrubbed.append(out, pos + token.size(), end - pos - token.size());
    pos = end;
  }
  return scrubbed;
}

std::string reason_from_text(std::string_view scrubbed) {
  for (const Rule& rule : kRules)
    if (contains_any(scrubbed, rule.phrases))
      return rule.reason;
  return {};
}

StatusMeaning reason_from_status(std::string_view status) {
  if (status.size() < 5 || status[1] != '.')
    return {};
  const std::string_view detail = status.substr(2);
  struct Entry {
    std::string_view code;
    const char* reason;
    bool decisive;
  };
  static const Entry kTable[] = {
      {"1.0", r::user_unknown, false},
      {"1.1", r::user_unknown, false},
      {"1.2", r::host_unknown, false},
      {"1.3", r::user_unknown, false},
      {"1.4", r::user_unknown, false},
      {"1.6", r::has_moved, true},
      {"1.7", r::rejected, true},
      {"1.8", r::rejected, true},
      {"1.10", r::not_accepting, false},
      {"2.0", r::policy, false},
      {"2.1", r::suspended, false},
      {"2.2", r::mailbox_full, true},
      {"2.3", r::message_too_large, true},
      {"2.4", r::system, false},
      {"3.0", r::system, false},
      {"3.1", r::system, false},
      {"3.2", r::not_accepting, false},
      {"3.3", r::system, false},
      {"3.4", r::message_too_large, true},
      {"3.5", r::system, false},
      {"4.0", r::network, false},
      {"4.1", r::network, false},
      {"4.2", r::network, false},
      {"4.3", r::system, false},
      {"4.4", r::host_unknown, false},
      {"4.5", r::network, false},
      {"4.6", r::network, false},
      {"4.7", r::expired, false},
      {"5.0", r::system, false},
      {"5.1", r::system, false},
      {"5.2", r::system, false},
      {"5.3", r::rate_limited, false},
      {"5.4", r::system, false},
      {"5.5", r::system, false},
      {"6.0", r::policy, false},
      {"6.1", r::policy, false},
      {"7.0", r::policy, false},
      {"7.1", r::policy, false},
      {"7.2", r::policy, false},
      {"7.7", r::security, false},
      {"7.8", r::security, false},
      {"7.9", r::policy, false},
      {"7.13", r::suspended, true},
      {"7.14", r::security, true},
      {"7.20", r::security, true},
      {"7.21", r::security, true},
      {"7.22", r::security, true},
      {"7.23", r::security, true},
      {"7.24", r::security, true},
      {"7.25", r::blocked, true},
      {"7.26", r::security, true},
      {"7.27", r::not_accepting, true},
      {"7.28", r::spam, true},
      {"7.29", r::security, true},
      {"7.509", r::security, true},
      {"7.510", r::security, true},
  };
  for (const Entry& entry : kTable)
    if (detail == entry.code)
      return {entry.reason, entry.decisive};
  if (detail.starts_with("7.6") || detail.starts_with("7.7") || detail.starts_with("7.8"))
    return {r::blocked, false}; // Microsoft's 5.7.6xx-8xx: sending IP / tenant blocked
  if (detail.starts_with("1.3") && detail.size() > 3)
    return {r::user_unknown, false}; // Microsoft's 5.1.3xx: recipient not found
  if (detail.starts_with("4.3") && detail.size() > 3)
    return {r::expired, false}; // Microsoft's 5.4.3xx: message expired / routing
  return {};
}

} // namespace volley::protocol::bounce
