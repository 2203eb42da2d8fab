// libFuzzer target for parse_bounce_message and classify_bounce: no crash, no UB, no leak on
// arbitrary bytes; a parsed report keeps its promises: every recipient has a known kind, hard
// only for kind "hard", never hard for complaints, auto-replies or delay notices, every named
// recipient occurs in the input (case-insensitively, unless a body was decoded), and the JSON lines
// are valid UTF-8. Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "protocol/bounce_report.hpp"
#include "protocol/bounce_report_json.hpp"
#include "protocol/utf8.hpp"

namespace {

void require(bool condition) {
  if (!condition)
    std::abort();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

void check_report(std::string_view input, const volley::protocol::BounceReport& report) {
  const std::string haystack = lower(input);
  // Decoded bodies (base64, quoted-printable, JSON escapes) may spell an address differently.
  const bool encoded = haystack.find("base64") != std::string::npos ||
                       haystack.find("quoted-printable") != std::string::npos ||
                       haystack.find('{') != std::string::npos;
  for (const auto& r : report.recipients) {
    require(r.kind == "hard" || r.kind == "soft" || r.kind == "complaint" ||
            r.kind == "auto_reply");
    require(!r.hard || r.kind == "hard");
    require(r.reason != "delayed" || !r.hard);
    if (!r.recipient.empty() && !encoded)
      require(haystack.find(lower(r.recipient)) != std::string::npos);
  }
  const std::string json = volley::protocol::bounce_report_json_lines("fuzz", report);
  require(volley::protocol::utf8::find_invalid(json) == std::string_view::npos);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto report = volley::protocol::parse_bounce_message(input);
  if (report.ok())
    check_report(input, *report);
  // The classifier alone: first 8 bytes as status, the rest as text.
  const std::string_view status = input.substr(0, std::min<std::size_t>(8, input.size()));
  const int code = size > 0 ? 400 + data[0] % 200 : 0;
  const auto c = volley::protocol::classify_bounce(status, code, input);
  require(!c.reason.empty());
  return 0;
}
