// libFuzzer target for add_bulk_headers and its helpers: no crash, no UB on arbitrary bytes; the
// output is inserted lines followed by the whole message unchanged; inserted lines are printable
// ASCII, at most 998 octets, end in the message's line end and name only our five fields, none
// twice nor one the message has; adding again to a message with a header section changes nothing.
// Never does I/O.
//
// Input: byte 0 = flags, then NUL-separated parts: message, url, mailto, message id, feedback id;
// flag bit 5 adds a Date.
// A missing part takes a fixed valid value when its flag bit is set, else stays empty.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/bulk_headers.hpp"
#include "protocol/mime_header_fields.hpp"

namespace {

using volley::protocol::BulkHeaderFields;

constexpr std::array<std::string_view, 5> kNames = {"Message-ID", "List-Unsubscribe",
                                                    "List-Unsubscribe-Post", "Feedback-ID", "Date"};

void require(bool condition) {
  if (!condition)
    std::abort();
}

std::vector<std::string_view> split_parts(std::string_view input) {
  std::vector<std::string_view> parts;
  while (parts.size() < 4) {
    const std::size_t nul = input.find('\0');
    if (nul == std::string_view::npos)
      break;
    parts.push_back(input.substr(0, nul));
    input.remove_prefix(nul + 1);
  }
  parts.push_back(input);
  return parts;
}

BulkHeaderFields fields_from(std::uint8_t flags, const std::vector<std::string_view>& parts) {
  const auto part = [&](std::size_t i, int bit, std::string_view fallback) {
    if (i < parts.size())
      return std::string(parts[i]);
    return (flags & (1 << bit)) != 0 ? std::string(fallback) : std::string();
  };
  BulkHeaderFields fields;
  fields.one_click = (flags & 1) != 0;
  fields.unsubscribe_url = part(1, 1, "https://x.test/u/{{token}}");
  fields.unsubscribe_mailto = part(2, 2, "unsubscribe-abc@x.test");
  fields.message_id = part(3, 3, "<abc@x.test>");
  fields.feedback_id = part(4, 4, "c:t:m:volley");
  if ((flags & (1 << 5)) != 0)
    fields.date = volley::protocol::make_date_field(static_cast<std::int64_t>(flags) << 24);
  return fields;
}

// The inserted lines: allowed bytes, length, line ends, names, no duplicates.
void check_inserted(std::string_view message, std::string_view inserted,
                    const BulkHeaderFields& fields) {
  const std::size_t lf = message.find('\n');
  const bool lf_only = lf != std::string_view::npos && (lf == 0 || message[lf - 1] != '\r');
  const std::string_view eol = lf_only ? "\n" : "\r\n";
  std::array<int, kNames.size()> seen{};
  while (!inserted.empty()) {
    const std::size_t end = inserted.find(eol);
    require(end != std::string_view::npos && end <= 998);
    const std::string_view line = inserted.substr(0, end);
    for (char c : line)
      require(c >= 0x20 && c <= 0x7e);
    bool named = line.starts_with(" <");
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (line.starts_with(std::string(kNames[i]) + ": ")) {
        named = true;
        ++seen[i];
        require(!volley::protocol::has_header_field(message, kNames[i]));
      }
    }
    require(named);
    inserted.remove_prefix(end + eol.size());
  }
  for (int count : seen)
    require(count <= 1);
  require(seen[2] == 0 || fields.one_click);
}

void check_helpers(const BulkHeaderFields& fields) {
  if (volley::protocol::check_unsubscribe_url(fields.unsubscribe_url).ok()) {
    require(fields.unsubscribe_url.size() <= volley::protocol::kMaxUnsubscribeUrlLength);
    for (char c : fields.unsubscribe_url)
      require(c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"');
  }
  const std::string id = volley::protocol::make_feedback_id(
      fields.unsubscribe_url, fields.unsubscribe_mailto, fields.message_id, fields.feedback_id);
  require(id.empty() == fields.feedback_id.empty());
  std::size_t colons = 0;
  for (char c : id) {
    require(c > 0x20 && c < 0x7f && c != '{' && c != '}');
    colons += c == ':' ? 1 : 0;
  }
  require(id.empty() || colons == 3);
  require(id.size() <= 4 * volley::protocol::kMaxFeedbackIdPartLength + 3);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t flags = size > 0 ? data[0] : 0;
  const std::string_view input =
      size > 0 ? std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1) : "";
  const std::vector<std::string_view> parts = split_parts(input);
  const std::string_view message = parts[0];
  const BulkHeaderFields fields = fields_from(flags, parts);
  const std::string out = volley::protocol::add_bulk_headers(message, fields);
  require(out.size() >= message.size() && out.ends_with(message));
  check_inserted(message, std::string_view(out).substr(0, out.size() - message.size()), fields);
  check_helpers(fields);
  // A message whose first line is neither a field nor empty has no header section: the inserted
  // fields would absorb its first lines, so adding again may differ. Otherwise nothing changes.
  const auto section = volley::protocol::mime::split_header_section(message, 0, message.size());
  if (!section.fields.empty() || section.body_begin > 0 || message.empty())
    require(volley::protocol::add_bulk_headers(out, fields) == out);
  return 0;
}
