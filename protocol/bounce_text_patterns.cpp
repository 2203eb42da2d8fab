// read_text_bounce, failure_section and diagnostic_for (see bounce_text_patterns.hpp).
// Must never: read past the text, return an address that is not in it, or let the returned
// original message (after its marker) decide a recipient or a reason.
#include "protocol/bounce_text_patterns.hpp"

#include "protocol/bounce_text.hpp"

#include <algorithm>

namespace volley::protocol::bounce {
namespace {

constexpr std::size_t kMaxDiagnostic = 2000;
constexpr std::size_t kMaxRecipients = 500;

struct Line {
  std::size_t begin = 0;
  std::size_t end = 0; // before the LF
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos)
      eol = text.size();
    lines.push_back({pos, eol});
    pos = eol + 1;
  }
  return lines;
}

bool is_original_marker(std::string_view lower_line) {
  std::string_view line = trim_blanks(lower_line);
  while (line.starts_with(">"))
    line = trim_blanks(line.substr(1)); // a quoted (forwarded) bounce
  const bool ruled = line.starts_with("--") || line.starts_with("==") || line.starts_with("**") ||
                     line.starts_with("__") || line.starts_with("~~");
  const bool names_original = contains_any(line, {"original message",
                                                  "copy of the message",
                                                  "copy of your message",
                                                  "below this line",
                                                  "returned message",
                                                  "original mail",
                                                  "unsent message",
                                                  "undelivered message",
                                                  "header of the original",
                                                  "headers of the original",
                                                  "original headers",
                                                  "message header",
                                                  "returned mail",
                                                  "original text",
                                                  "message text follows",
                                                  "this is a copy",
                                                  "rfc822",
                                                  "included message",
                                                  "original e-mail",
                                                  "message headers follow",
                                                  "message was not delivered"});
  if (ruled && names_original)
    return true;
  return line.starts_with("original message follows") ||
         line.starts_with("------ this is a copy") || line == "content-type: message/rfc822" ||
         line.starts_with("content-type: text/rfc822-headers") ||
         line.starts_with("the original message headers") ||
         line.starts_with("original message headers") ||
         line.starts_with("the header of the original message") ||
         line.starts_with("your message reads") || line.starts_with("--- original message") ||
         line.starts_with("message headers follow") || line.starts_with("return-path:") ||
         line.starts_with("received: from") || line.starts_with("unsent message follows") ||
         line.starts_with("original mail as follows") ||
         line.starts_with("included is a copy of the message header") ||
         line.starts_with("below is a copy of the original message") ||
         line.starts_with("a copy of the original message");
}

// An address at the start of a line ("<a@b>:", "a@b", "  a@b (expanded from ...)"), "" if none.
std::string line_start_address(std::string_view line) {
  std::string_view rest = trim_blanks(line);
  while (!rest.empty() && (rest.front() == '*' || rest.front() == '-' || rest.front() == '>' ||
                           rest.front() == '"' || rest.front() == '\''))
    rest.remove_prefix(1);
  rest = trim_blanks(rest);
  if (rest.starts_with("rcpt to:") || rest.starts_with("rcpt to :"))
    return {};
  // Sendmail transcripts: "550 <a@b>... User unknown", "554 5.1.1 <a@b>... reason".
  if (rest.size() > 4 && (rest[0] == '4' || rest[0] == '5') && rest[3] == ' ') {
    std::string_view after_code = trim_blanks(rest.substr(4));
    if (!after_code.empty() && (after_code[0] == '4' || after_code[0] == '5')) {
      const std::size_t blank = after_code.find(' ');
      after_code = blank == std::string_view::npos ? std::string_view() : after_code.substr(blank);
    }
    after_code = trim_blanks(after_code);
    if (after_code.starts_with("<") && after_code.find(">...") != std::string_view::npos)
      rest = after_code;
  }
  const bool bracket = rest.starts_with("<");
  if (bracket)
    rest.remove_prefix(1);
  const auto found = find_addresses(rest.substr(0, 260));
  if (found.empty() || found.front().offset != 0)
    return {};
  const std::string_view after = rest.substr(found.front().address.size());
  const std::string_view tail =
      trim_blanks(bracket && after.starts_with(">") ? after.substr(1) : after);
  const bool ends_address = tail.empty() || tail.front() == ':' || tail.front() == '(' ||
                            tail.front() == ',' || tail.front() == ';' || tail.front() == '.' ||
                            tail.front() == '<' || tail.front() == '[' || tail.front() == '-' ||
                            tail.starts_with("on ") || tail.starts_with("because");
  return ends_address ? found.front().address : std::string();
}

// Addresses the text names as failed recipients in a sentence or a transcript, in order.
std::vector<FoundAddress> sentence_addresses(std::string_view lower) {
  std::vector<FoundAddress> out;
  for (const FoundAddress& found : find_addresses(lower)) {
    const std::size_t from = found.offset > 80 ? found.offset - 80 : 0;
    const std::string_view before = lower.substr(from, found.offset - from);
    const std::size_t line_start = before.rfind('\n');
    const std::string_view same_line =
        line_start == std::string_view::npos ? before : before.substr(line_start + 1);
    if (contains_any(same_line, {"rcpt to", "deliver", "recipient", "failed", "address", " to <",
                                 " to: <", "to the following", "user ", "mailbox", "for <",
                                 "unknown", "rejected", "original-recipient"}))
      out.push_back(found);
  }
  return out;
}

bool is_excluded(std::string_view address, const std::vector<std::string>& exclude) {
  const std::string lower = lower_ascii(address);
  if (lower.starts_with("mailer-daemon@") || lower.starts_with("mail-daemon@"))
    return true; // postmaster@ may well be the failed recipient
  return std::find(exclude.begin(), exclude.end(), lower) != exclude.end();
}

struct Anchor {
  std::size_t line = 0; // index into lines
  std::string address;  // lower case
};

std::vector<Anchor> find_anchors(std::string_view lower, const std::vector<Line>& lines,
                                 const std::vector<std::string>& exclude) {
  std::vector<Anchor> anchors;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lower.substr(lines[i].begin, lines[i].end - lines[i].begin);
    std::string address = line_start_address(line);
    if (!address.empty() && !is_excluded(address, exclude))
      anchors.push_back({i, std::move(address)});
  }
  for (const FoundAddress& found : sentence_addresses(lower)) {
    if (is_excluded(found.address, exclude))
      continue;
    const auto line =
        std::upper_bound(lines.begin(), lines.end(), found.offset,
                         [](std::size_t off, const Line& l) { return off < l.begin; });
    const std::size_t index = static_cast<std::size_t>(line - lines.begin()) - 1;
    const bool known = std::any_of(anchors.begin(), anchors.end(),
                                   [&](const Anchor& a) { return a.line == index; });
    if (!known)
      anchors.push_back({index, found.address});
  }
  std::sort(anchors.begin(), anchors.end(),
            [](const Anchor& a, const Anchor& b) { return a.line < b.line; });
  return anchors;
}

// Sendmail's per-host line ("550 mx.example.test (smtp)... 550 Host unknown") introduces the
// next recipient's failure: a segment stops before it.
bool is_mailer_host_line(std::string_view line) {
  line = trim_blanks(line);
  return line.size() > 4 && (line[0] == '4' || line[0] == '5') && line[3] == ' ' &&
         line.find(")...") != std::string_view::npos && line.find('@') == std::string_view::npos;
}

// Text from each anchor line up to the next anchor of another address, per address.
std::string segments_for(std::string_view text, const std::vector<Line>& lines,
                         const std::vector<Anchor>& anchors, std::string_view address) {
  std::string diagnostic;
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    if (anchors[i].address != address)
      continue;
    std::size_t stop = lines.size();
    for (std::size_t j = i + 1; j < anchors.size(); ++j)
      if (anchors[j].address != address && anchors[j].line > anchors[i].line) {
        stop = anchors[j].line;
        break;
      }
    for (std::size_t k = anchors[i].line + 1; k < stop; ++k)
      if (is_mailer_host_line(text.substr(lines[k].begin, lines[k].end - lines[k].begin))) {
        stop = k;
        break;
      }
    const std::size_t begin = lines[anchors[i].line].begin;
    const std::size_t end = stop < lines.size() ? lines[stop].begin : text.size();
    if (diagnostic.find(text.substr(begin, std::min(end - begin, std::size_t{200}))) ==
        std::string::npos)
      diagnostic += " " + std::string(text.substr(begin, end - begin));
    if (diagnostic.size() > kMaxDiagnostic)
      break;
  }
  return collapse_whitespace(diagnostic.substr(0, kMaxDiagnostic));
}

bool reads_like_bounce(std::string_view lower) {
  return contains_any(lower, {"could not be delivered",
                              "couldn't be delivered",
                              "wasn't delivered",
                              "cannot be delivered",
                              "can't be delivered",
                              "error delivering",
                              "not be sent",
                              "requested action not taken",
                              "delivery has failed",
                              "was not delivered",
                              "undeliverable",
                              "delivery has failed",
                              "delivery failed",
                              "permanent error",
                              "fatal error",
                              "unable to deliver",
                              "not be delivered",
                              "failed to deliver",
                              "returned to sender",
                              "mail delivery",
                              "wasn't able to deliver",
                              "was not able to deliver",
                              "this is the mail system",
                              "delivery software",
                              "message not delivered",
                              "undelivered",
                              "could not deliver",
                              "non-delivery",
                              "delivery error",
                              "did not reach",
                              "transcript of session",
                              "addresses had",
                              "delivery to the following",
                              "failed recipient",
                              "the following address",
                              "the following recipient",
                              "unable to be delivered",
                              "rejected your message",
                              "delivery problem",
                              "not delivered to",
                              "could not send",
                              "bounced",
                              "returned mail",
                              "delivery notification",
                              "message you sent",
                              "delivery attempts",
                              "error occurred",
                              "did not succeed",
                              "delivery report",
                              "mail system error"});
}

bool says_temporary(std::string_view lower) {
  return contains_any(lower, {"will retry", "will be retried", "will keep trying", "still trying",
                              "has been delayed", "is delayed", "not yet been delivered",
                              "has not been delivered yet", "delivery delayed", "message delayed",
                              "delayed mail", "will continue trying", "will try again",
                              "warning: message", "still undelivered", "no action is required"}) &&
         !contains_any(lower, {"permanent", "given up", "giving up", "gave up"});
}

std::string remote_host_in(std::string_view lower) {
  for (std::string_view key : {"host ", "talking to ", "remote server ", "remote host ("}) {
    const std::size_t at = lower.find(key);
    if (at == std::string_view::npos)
      continue;
    std::size_t begin = at + key.size();
    std::size_t end = begin;
    while (end < lower.size() && (std::isalnum(static_cast<unsigned char>(lower[end])) ||
                                  lower[end] == '.' || lower[end] == '-'))
      ++end;
    const std::string_view host = lower.substr(begin, end - begin);
    if (host.find('.') != std::string_view::npos && host.back() != '.')
      return std::string(host);
  }
  return {};
}

} // namespace

std::string_view failure_section(std::string_view text) {
  const std::string lower = lower_ascii(text);
  for (const Line& line : split_lines(lower)) {
    const std::string_view content(lower.data() + line.begin, line.end - line.begin);
    if (line.begin > 0 && is_original_marker(content))
      return text.substr(0, line.begin);
  }
  return text;
}

std::string diagnostic_for(std::string_view text, std::string_view address) {
  const std::string_view section = failure_section(text);
  const std::string lower = lower_ascii(section);
  const std::vector<Line> lines = split_lines(lower);
  std::vector<Anchor> anchors = find_anchors(lower, lines, {});
  const std::string wanted = lower_ascii(address);
  if (std::none_of(anchors.begin(), anchors.end(),
                   [&](const Anchor& a) { return a.address == wanted; }))
    return {};
  return segments_for(section, lines, anchors, wanted);
}

std::string report_preamble(std::string_view text) {
  const std::string_view section = failure_section(text);
  std::size_t end = section.size();
  if (const auto found = find_addresses(section); !found.empty())
    end = section.rfind('\n', found.front().offset);
  if (end == std::string_view::npos)
    return {};
  return collapse_whitespace(section.substr(0, std::min<std::size_t>(end, 600)));
}

TextBounce read_text_bounce(std::string_view text, const std::vector<std::string>& failed,
                            const std::vector<std::string>& exclude) {
  TextBounce bounce;
  const std::string_view section = failure_section(text);
  const std::string lower = lower_ascii(section);
  bounce.reads_like_bounce = reads_like_bounce(lower);
  bounce.temporary = says_temporary(lower);
  const std::vector<Line> lines = split_lines(lower);
  const std::vector<Anchor> anchors = find_anchors(lower, lines, exclude);
  std::vector<std::string> order;
  for (const std::string& address : failed)
    if (!address.empty() && std::find(order.begin(), order.end(), address) == order.end())
      order.push_back(lower_ascii(address));
  if (order.empty())
    for (const Anchor& anchor : anchors)
      if (std::find(order.begin(), order.end(), anchor.address) == order.end() &&
          order.size() < kMaxRecipients)
        order.push_back(anchor.address);
  for (const std::string& address : order) {
    TextRecipient recipient;
    // Keep the spelling the text uses (local parts are case-sensitive); lower has its offsets.
    const std::size_t at = lower.find(address);
    recipient.recipient =
        at == std::string::npos ? address : std::string(section.substr(at, address.size()));
    recipient.diagnostic = segments_for(section, lines, anchors, address);
    if (recipient.diagnostic.empty())
      recipient.diagnostic = collapse_whitespace(section.substr(0, kMaxDiagnostic));
    recipient.remote_mta = remote_host_in(lower_ascii(recipient.diagnostic));
    bounce.recipients.push_back(std::move(recipient));
  }
  if (bounce.recipients.empty() && bounce.reads_like_bounce) {
    TextRecipient unnamed;
    unnamed.diagnostic = collapse_whitespace(section.substr(0, kMaxDiagnostic));
    unnamed.remote_mta = remote_host_in(lower);
    bounce.recipients.push_back(std::move(unnamed));
  }
  return bounce;
}

} // namespace volley::protocol::bounce
