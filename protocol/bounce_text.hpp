// Small text helpers for the bounce parser: ASCII lower-casing, phrase search, e-mail address,
// RFC 3463 status code and SMTP reply code extraction from free text.
// Pure; never allocates more than a copy of its input, never reads outside it.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace volley::protocol::bounce {

std::string lower_ascii(std::string_view text);
std::string_view trim_blanks(std::string_view text); // SP, HT, CR, LF both ends
// Collapses runs of whitespace (line ends included) into one space, trimmed.
std::string collapse_whitespace(std::string_view text);

bool contains_any(std::string_view haystack, std::initializer_list<std::string_view> needles);

// The address in "rfc822; <User@Example.test>", "<a@b>", "a@b" or "Name <a@b>" (lower-cased
// domain, local part kept), "" when there is none. Strips "rfc822;"-style address types.
std::string address_from_field(std::string_view value);
// Every address-looking token (local@domain.tld) in text, in order, with its offset.
struct FoundAddress {
  std::string address;
  std::size_t offset = 0;
};
std::vector<FoundAddress> find_addresses(std::string_view text);
bool looks_like_address(std::string_view text);
// True for addresses of the bounce machinery itself (mailer-daemon@, postmaster@, ...).
bool is_system_address(std::string_view address);

// The RFC 3463 failure code ("5.1.1", "4.4.7", "5.7.509") in text, "" if none: the first one
// right after an SMTP reply code ("550 5.1.1"), else the first one standing alone.
std::string find_status_code(std::string_view text);
// The SMTP reply code (4xx/5xx) in text, 0 if none: first one directly followed by a status code
// ("550 5.1.1", "550-5.1.1"), else the first one standing alone after a line start, a blank,
// "<<<", ':', '(' or a quote and followed by a blank, '-' or the end.
int find_smtp_code(std::string_view text);

} // namespace volley::protocol::bounce
