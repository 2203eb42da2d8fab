// add_bulk_headers, has_header_field, the unsubscribe checks and the Message-ID / Feedback-ID
// builders (see bulk_headers.hpp). Must never: write a byte of the caller's values that is not
// printable ASCII, produce a line over 998 octets, or alter the message it inserts into.
#include "protocol/bulk_headers.hpp"

#include <algorithm>
#include <cstdio>

#include "protocol/ascii_case.hpp"
#include "protocol/mime_header_fields.hpp"

namespace volley::protocol {
namespace {

constexpr std::size_t kFoldAt = 78;           // RFC 5322 SHOULD limit, without the line end
constexpr std::size_t kMaxLocalPart = 64;     // RFC 5321
constexpr std::size_t kMaxDomain = 253;       // RFC 1035 text form
constexpr std::size_t kMaxWrittenValue = 900; // Message-ID and Feedback-ID values
constexpr std::string_view kOneClick = "List-Unsubscribe=One-Click";

bool is_printable(char c) {
  return c >= 0x21 && c <= 0x7e;
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext.
bool is_atext(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

// RFC 6068 qchar without pct-encoded: what a mailto local part may hold unencoded.
bool is_mailto_qchar(char c) {
  return is_alnum(c) || std::string_view("-._~!$'()*+,;:").find(c) != std::string_view::npos;
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size())
    return false;
  for (std::size_t pos = 0; pos + needle.size() <= text.size(); ++pos)
    if (ascii_equal_ignoring_case(text.substr(pos, needle.size()), needle))
      return true;
  return false;
}

// Appends the byte as two upper-case hex digits.
void append_hex(std::string& out, char c) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(c);
  out += kHex[byte >> 4];
  out += kHex[byte & 0xf];
}

std::string byte_description(char c) {
  if (is_printable(c))
    return std::string("'") + c + "'";
  std::string description = "byte 0x";
  append_hex(description, c);
  return description;
}

Error url_error(std::string_view url, std::string_view what, std::string_view fix) {
  std::string message = "unsubscribe URL \"";
  for (char c : url.substr(0, 80))
    message += is_printable(c) ? c : '?';
  message += url.size() > 80 ? "...\" " : "\" ";
  message += what;
  message += "; ";
  message += fix;
  return make_error(error_code::invalid_request, std::move(message));
}

// Line end the inserted fields use: the message's own (bare LF if its first line ends so).
std::string_view line_end_of(std::string_view message) {
  const std::size_t lf = message.find('\n');
  if (lf != std::string_view::npos && (lf == 0 || message[lf - 1] != '\r'))
    return "\n";
  return "\r\n";
}

const mime::HeaderField* find_field(std::string_view message, const mime::HeaderSection& section,
                                    std::string_view name) {
  const auto it = std::find_if(section.fields.begin(), section.fields.end(), [&](const auto& f) {
    return ascii_equal_ignoring_case(f.name(message), name);
  });
  return it == section.fields.end() ? nullptr : &*it;
}

// True if any List-Unsubscribe field of the message holds an https URI.
bool message_unsubscribe_has_https(std::string_view message, const mime::HeaderSection& section) {
  return std::any_of(section.fields.begin(), section.fields.end(), [&](const auto& f) {
    return ascii_equal_ignoring_case(f.name(message), "List-Unsubscribe") &&
           contains_ignoring_case(mime::unfolded_value(message, f), "<https:");
  });
}

bool is_dot_atom(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.' ||
      text.find("..") != std::string_view::npos)
    return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '.' || is_atext(c); });
}

bool is_writable_message_id(std::string_view id) {
  if (id.size() < 5 || id.size() > kMaxWrittenValue || id.front() != '<' || id.back() != '>')
    return false;
  const std::string_view inner = id.substr(1, id.size() - 2);
  const std::size_t at = inner.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == inner.size())
    return false;
  return std::all_of(inner.begin(), inner.end(),
                     [](char c) { return is_printable(c) && c != '<' && c != '>'; });
}

bool is_writable_date(std::string_view date) {
  return !date.empty() && date.size() <= 64 &&
         std::all_of(date.begin(), date.end(), [](char c) { return c == ' ' || is_printable(c); });
}

bool is_writable_feedback_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxWrittenValue &&
         std::all_of(id.begin(), id.end(), is_printable);
}

// "<mailto:local@domain?subject=unsubscribe>", local-part bytes outside qchar %-encoded.
std::string mailto_uri(std::string_view address) {
  const std::size_t at = address.rfind('@');
  std::string uri = "<mailto:";
  for (char c : address.substr(0, at)) {
    if (is_mailto_qchar(c)) {
      uri += c;
    } else {
      uri += '%';
      append_hex(uri, c);
    }
  }
  uri += address.substr(at);
  uri += "?subject=unsubscribe>";
  return uri;
}

// "<url>" with the scheme written in lower case.
std::string url_uri(std::string_view url) {
  const std::size_t colon = url.find(':');
  std::string uri = "<";
  for (char c : url.substr(0, colon))
    uri += ascii_lower_char(c);
  uri += url.substr(colon);
  uri += '>';
  return uri;
}

// The whole List-Unsubscribe field with its line end, or "" when neither URI is usable. Lines:
// at most 26 + 64 * 3 + 1 + 253 + 21 + 1 octets for the mailto, 2 + 900 + 1 for the URL.
std::string list_unsubscribe_field(const BulkHeaderFields& fields, std::string_view eol) {
  std::string first;
  std::string second;
  if (!fields.unsubscribe_mailto.empty() &&
      check_unsubscribe_mailto(fields.unsubscribe_mailto).ok())
    first = mailto_uri(fields.unsubscribe_mailto);
  if (!fields.unsubscribe_url.empty() && check_unsubscribe_url(fields.unsubscribe_url).ok())
    (first.empty() ? first : second) = url_uri(fields.unsubscribe_url);
  if (first.empty())
    return "";
  std::string field = "List-Unsubscribe: " + first;
  if (!second.empty()) {
    field += ',';
    if (field.size() + 1 + second.size() <= kFoldAt)
      field += ' ';
    else
      (field += eol) += ' '; // fold: the second URI goes on a continuation line
    field += second;
  }
  field += eol;
  return field;
}

std::string feedback_id_part(std::string_view part) {
  std::string out(part.substr(0, kMaxFeedbackIdPartLength));
  for (char& c : out)
    if (!is_printable(c) || c == ':' || c == '{' || c == '}') // braces: never a merge field
      c = '_';
  return out;
}

} // namespace

std::string add_bulk_headers(std::string_view message, const BulkHeaderFields& fields) {
  const mime::HeaderSection section = mime::split_header_section(message, 0, message.size());
  const std::string_view eol = line_end_of(message);
  std::string block;
  const auto add = [&](std::string_view name, std::string_view value) {
    ((block += name) += ": ") += value;
    block += eol;
  };
  if (is_writable_message_id(fields.message_id) && !find_field(message, section, "Message-ID"))
    add("Message-ID", fields.message_id);
  if (is_writable_date(fields.date) && !find_field(message, section, "Date"))
    add("Date", fields.date);
  bool unsubscribe_https = false;
  if (find_field(message, section, "List-Unsubscribe") != nullptr) {
    unsubscribe_https = message_unsubscribe_has_https(message, section);
  } else {
    const std::string unsubscribe = list_unsubscribe_field(fields, eol);
    unsubscribe_https = contains_ignoring_case(unsubscribe, "<https:");
    block += unsubscribe;
  }
  if (fields.one_click && unsubscribe_https &&
      !find_field(message, section, "List-Unsubscribe-Post"))
    add("List-Unsubscribe-Post", kOneClick);
  if (is_writable_feedback_id(fields.feedback_id) && !find_field(message, section, "Feedback-ID"))
    add("Feedback-ID", fields.feedback_id);
  if (block.empty())
    return std::string(message);
  block.reserve(block.size() + message.size());
  block += message;
  return block;
}

bool has_header_field(std::string_view message, std::string_view name) {
  const mime::HeaderSection section = mime::split_header_section(message, 0, message.size());
  return find_field(message, section, name) != nullptr;
}

Result<Unit> check_unsubscribe_url(std::string_view url) {
  const std::string_view fix_scheme = "use an http:// or https:// URL, e.g. https://example.com/u";
  std::size_t scheme_end = 0;
  if (url.size() >= 8 && ascii_equal_ignoring_case(url.substr(0, 8), "https://"))
    scheme_end = 8;
  else if (url.size() >= 7 && ascii_equal_ignoring_case(url.substr(0, 7), "http://"))
    scheme_end = 7;
  else
    return url_error(url, "does not start with http:// or https://", fix_scheme);
  if (url.size() > kMaxUnsubscribeUrlLength)
    return url_error(url,
                     "is " + std::to_string(url.size()) + " octets, more than " +
                         std::to_string(kMaxUnsubscribeUrlLength),
                     "shorten it (e.g. a short token in the path instead of query parameters)");
  for (std::size_t i = 0; i < url.size(); ++i) {
    const char c = url[i];
    if (!is_printable(c) || c == '<' || c == '>' || c == '"')
      return url_error(url, "has " + byte_description(c) + " at offset " + std::to_string(i),
                       "percent-encode it (%XX) or remove it: only printable ASCII without "
                       "spaces, '<', '>' and '\"' may appear");
  }
  const std::string_view rest = url.substr(scheme_end);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  authority = authority.substr(authority.rfind('@') + 1); // npos + 1 == 0: no userinfo
  if (authority.substr(0, authority.find(':')).empty())
    return url_error(url, "has no host name",
                     "write the host after the scheme, e.g. "
                     "https://example.com/unsubscribe");
  return Unit{};
}

Result<Unit> check_unsubscribe_mailto(std::string_view address) {
  const std::size_t at = address.rfind('@');
  const std::string_view local = address.substr(0, at == std::string_view::npos ? 0 : at);
  const std::string_view domain =
      at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
  const bool domain_ok = !domain.empty() && domain.size() <= kMaxDomain &&
                         std::all_of(domain.begin(), domain.end(),
                                     [](char c) { return is_alnum(c) || c == '.' || c == '-'; });
  if (local.size() <= kMaxLocalPart && is_dot_atom(local) && domain_ok)
    return Unit{};
  std::string shown;
  for (char c : address.substr(0, 80))
    shown += is_printable(c) ? c : '?';
  return make_error(error_code::invalid_request,
                    "unsubscribe mailto address \"" + shown +
                        "\" is not local@domain; use a plain address such as "
                        "unsubscribe-token@example.com (local part up to 64 octets of letters, "
                        "digits and !#$%&'*+-/=?^_`{|}~ with single dots; domain a host name)");
}

std::string make_message_id(std::string_view left, std::string_view domain) {
  std::string id = "<";
  id += left;
  id += '@';
  for (char c : domain)
    id += ascii_lower_char(c);
  id += '>';
  return id;
}

std::string make_date_field(std::int64_t unix_seconds) {
  static constexpr const char* days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t day_count =
      unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  std::int64_t second_of_day = unix_seconds - day_count * 86400;
  // Civil date from days since 1970-01-01 (proleptic Gregorian, era of 400 years).
  std::int64_t z = day_count + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof text, "%s, %d %s %04lld %02d:%02d:%02d +0000",
                days[((day_count % 7) + 7) % 7], static_cast<int>(day), months[month - 1],
                static_cast<long long>(year), static_cast<int>(second_of_day / 3600),
                static_cast<int>(second_of_day / 60 % 60), static_cast<int>(second_of_day % 60));
  return text;
}

std::string make_feedback_id(std::string_view campaign, std::string_view tenant,
                             std::string_view mail_type, std::string_view sender) {
  if (sender.empty())
    return "";
  return feedback_id_part(campaign) + ':' + feedback_id_part(tenant) + ':' +
         feedback_id_part(mail_type) + ':' + feedback_id_part(sender);
}

} // namespace volley::protocol
