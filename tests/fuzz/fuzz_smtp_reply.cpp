// libFuzzer target for SmtpReplyParser: arbitrary server bytes with fuzzer-chosen limits, parsed
// whole and in fuzzer-chosen splits. Checks: no crash/UB, both ways give the same replies and the
// same success/failure, codes in 200..599, text and buffering bounded by the limits, enhanced
// codes well-formed, to_string() single-line. Never does I/O.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/smtp_reply.hpp"

namespace {

using volley::protocol::SmtpReply;
using volley::protocol::SmtpReplyLimits;
using volley::protocol::SmtpReplyParser;
using Status = SmtpReplyParser::Status;

void require(bool condition) {
  if (!condition)
    std::abort();
}

struct Parsed {
  std::vector<SmtpReply> replies;
  bool failed = false;
};

void check_enhanced(const std::string& enhanced) {
  if (enhanced.empty())
    return;
  require(enhanced.size() >= 5 && enhanced.size() <= 9);
  require(enhanced[0] == '2' || enhanced[0] == '4' || enhanced[0] == '5');
  int dots = 0;
  for (char c : enhanced) {
    require(c == '.' || (c >= '0' && c <= '9'));
    dots += c == '.';
  }
  require(dots == 2);
}

void check_reply(const SmtpReply& reply, const SmtpReplyLimits& limits) {
  require(reply.code >= 200 && reply.code <= 599);
  require(reply.text.size() <= limits.max_lines * (limits.max_line_bytes + 1));
  std::size_t lines = 1;
  for (char c : reply.text)
    lines += c == '\n';
  require(lines <= limits.max_lines);
  check_enhanced(reply.enhanced);
  const std::string line = reply.to_string();
  require(line.find_first_of("\r\n") == std::string::npos);
}

// Drains the parser after a feed, checking each reply and the buffering bound.
void drain(SmtpReplyParser& parser, const SmtpReplyLimits& limits, Parsed& parsed) {
  SmtpReply reply;
  while (true) {
    const Status status = parser.next(reply);
    if (status == Status::need_more) {
      require(parser.buffered() <= limits.max_lines * (limits.max_line_bytes + 2) + 1);
      return;
    }
    if (status == Status::error) {
      require(!parser.error().empty());
      require(parser.buffered() == 0);
      require(parser.next(reply) == Status::error); // poisoned
      parsed.failed = true;
      return;
    }
    check_reply(reply, limits);
    parsed.replies.push_back(reply);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3)
    return 0;
  SmtpReplyLimits limits;
  limits.max_line_bytes = 4 + data[0] % 64;
  limits.max_lines = 1 + data[1] % 8;
  const std::uint8_t split_seed = data[2];
  const std::string_view input(reinterpret_cast<const char*>(data + 3), size - 3);

  SmtpReplyParser whole_parser(limits);
  Parsed whole;
  whole_parser.feed(input);
  drain(whole_parser, limits, whole);

  SmtpReplyParser split_parser(limits);
  Parsed split;
  std::size_t step = 1 + split_seed % 13;
  for (std::size_t pos = 0; pos < input.size() && !split.failed; pos += step) {
    step = 1 + (step * 7 + split_seed) % 17;
    split_parser.feed(input.substr(pos, step));
    drain(split_parser, limits, split);
  }
  require(whole.failed == split.failed);
  require(whole.replies == split.replies);
  return 0;
}
