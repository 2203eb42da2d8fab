// RFC 5321 mailbox parsing and validation (Local-part "@" Domain / address-literal), SMTPUTF8-aware.
// Pure: never does DNS or I/O. Errors say exactly what is wrong with the address.
#pragma once

#include <string>
#include <string_view>

#include "protocol/result.hpp"

namespace volley::protocol {

struct Mailbox {
  std::string local_part;  // as given (dot-string, or quoted-string including its quotes)
  std::string domain;      // lower-cased (ASCII letters); an address literal keeps its brackets

  std::string text() const { return local_part + "@" + domain; }
  // Key used for de-duplication and the suppression list: ASCII-lower-cased local part + "@" + domain.
  std::string canonical() const;
};

// Limits from RFC 5321 4.5.3.1: local part <= 64 octets, domain <= 255, whole path <= 256 (we use 254
// for the mailbox, as RFC 3696 errata does). Leading/trailing whitespace is an error, not trimmed.
Result<Mailbox> parse_mailbox(std::string_view text);

}  // namespace volley::protocol
