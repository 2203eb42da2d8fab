// libFuzzer target for parse_mailbox: no crash, no UB, and the invariants of a parsed Mailbox
// (limits, lower-case domain, text() and canonical() parse again to the same key). Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/address.hpp"
#include "protocol/utf8.hpp"

namespace {

using volley::protocol::Mailbox;
using volley::protocol::parse_mailbox;

void require(bool condition) {
  if (!condition)
    std::abort();
}

void check_parsed(std::string_view input, const Mailbox& mailbox) {
  require(input.size() <= 254);
  require(!mailbox.local_part.empty() && mailbox.local_part.size() <= 64);
  require(!mailbox.domain.empty() && mailbox.domain.size() <= 255);
  require(volley::protocol::utf8::find_invalid(input) == std::string_view::npos);
  for (char c : mailbox.domain)
    require(!(c >= 'A' && c <= 'Z') || mailbox.domain[0] == '[');
  const volley::Result<Mailbox> again = parse_mailbox(mailbox.text());
  require(again.ok());
  require(again->local_part == mailbox.local_part && again->domain == mailbox.domain);
  const std::string canonical = mailbox.canonical();
  const volley::Result<Mailbox> canonical_again = parse_mailbox(canonical);
  require(canonical_again.ok());
  require(canonical_again->canonical() == canonical);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const volley::Result<Mailbox> parsed = parse_mailbox(input);
  if (parsed.ok()) {
    check_parsed(input, parsed.value());
  } else {
    require(parsed.error().code == volley::error_code::invalid_address);
    require(!parsed.error().message.empty());
    require(volley::protocol::utf8::find_invalid(parsed.error().message) == std::string::npos);
  }
  return 0;
}
